import { describe, expect, it } from 'vitest';
import { failureAttributes, MAX_MESSAGE_ATTRIBUTES } from '../../lib/bulk/dead-letter';
import { redriveAttributes } from '../../lib/bulk/messages';
import { sqsRecord } from '../support/sqs-records';

/** A webhook joiner's invite, throttled once, with the groups of its department. */
const webhookInvite = () =>
  sqsRecord(
    { email: 'joiner@example.com', role: 'reader' },
    {
      attributes: {
        job_id: 'bamboohr:evt-1',
        source: 'bamboohr',
        event_id: 'evt-1',
        event_at: '2026-12-05T10:00:00.000Z',
        groups: '["group_eng"]',
        replace_pending: 'true',
        attempt: '3',
        throttled_since: '2026-12-02T10:00:00.000Z',
      },
      receiveCount: 2,
    },
  );

describe('dead-letter attributes', () => {
  it('stay within SQS’s ten, keeping the code, the reason and what a redrive needs', () => {
    const attributes = failureAttributes(webhookInvite(), {
      code: 'rate_limited_too_long',
      reason: 'OpenAI held this invite back for 72 hours.',
      status: 429,
    });
    expect(Object.keys(attributes).length).toBeLessThanOrEqual(MAX_MESSAGE_ATTRIBUTES);
    expect(attributes).toMatchObject({
      failure_code: 'rate_limited_too_long',
      failure_reason: 'OpenAI held this invite back for 72 hours.',
      job_id: 'bamboohr:evt-1',
      source: 'bamboohr',
      event_id: 'evt-1',
      event_at: '2026-12-05T10:00:00.000Z',
      groups: '["group_eng"]',
      replace_pending: 'true',
    });
  });

  it('keep every attribute when they fit', () => {
    const record = sqsRecord(
      { email: 'a@example.com', role: 'reader' },
      { attributes: { job_id: 'j', index: '4' } },
    );
    expect(failureAttributes(record, { code: 'invalid_invite', reason: 'bad', status: 400 })).toEqual({
      job_id: 'j',
      index: '4',
      failure_code: 'invalid_invite',
      failure_reason: 'bad',
      failure_status: '400',
      source_message_id: record.messageId,
      receive_count: '1',
    });
  });

  it('a redrive starts the throttling clock again and carries no failure', () => {
    const attributes = failureAttributes(webhookInvite(), { code: 'rate_limited_too_long', reason: 'r' });
    const redriven = redriveAttributes({
      ...attributes,
      attempt: '9',
      throttled_since: '2026-12-01T00:00:00Z',
    });
    expect(redriven).not.toHaveProperty('attempt');
    expect(redriven).not.toHaveProperty('throttled_since');
    expect(Object.keys(redriven).some((name) => name.startsWith('failure_'))).toBe(false);
    expect(redriven).toMatchObject({ job_id: 'bamboohr:evt-1', event_id: 'evt-1', groups: '["group_eng"]' });
  });
});
