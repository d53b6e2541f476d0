import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { PacerPausedError } from '../../lib/bulk/errors';
import { classify } from '../../lib/bulk/failure-policy';
import { ATTRIBUTE, decodeRecord, encodeThrottledResend } from '../../lib/bulk/messages';
import { UpstreamRateLimitError } from '../../lib/openai/errors';
import { checkRetention, QUEUE_RETENTION } from '../../infra/constructs/bulk-queue';
import { sqsRecord } from '../support/sqs-records';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-05T08:00:00Z');

describe('bounded waiting for OpenAI’s rate limit', () => {
  it('re-sends a throttled record until the give-up time, then dead-letters it with rate_limited_too_long', () => {
    const error = new PacerPausedError(5_000);
    expect(classify(error, { receiveCount: 1, throttledSince: NOW - 71 * HOUR, now: NOW })).toEqual({
      action: 'throttle',
      delaySeconds: 5,
    });
    const late = classify(error, { receiveCount: 1, throttledSince: NOW - 72 * HOUR, now: NOW });
    expect(late).toMatchObject({ action: 'dead_letter', code: 'rate_limited_too_long', status: 429 });
    expect(
      classify(
        error,
        { receiveCount: 1, throttledSince: NOW - 3 * HOUR, now: NOW },
        { throttleGiveUpHours: 2 },
      ),
    ).toMatchObject({
      code: 'rate_limited_too_long',
    });
  });

  it("gives up on OpenAI's own 429 the same way, and never without a first-throttled time", () => {
    const error = new UpstreamRateLimitError('Rate limit reached.', {
      retryAfterMs: 1_000,
      code: 'rate_limit_exceeded',
    });
    expect(classify(error, { receiveCount: 1, now: NOW })).toEqual({ action: 'throttle', delaySeconds: 1 });
    expect(classify(error, { receiveCount: 1, throttledSince: NOW - 100 * HOUR, now: NOW })).toMatchObject({
      code: 'rate_limited_too_long',
    });
  });

  it('keeps the first-throttled time across re-sends', () => {
    const first = sqsRecord({ email: 'a@example.com', role: 'reader' });
    const once = encodeThrottledResend(first, 1, '2026-12-01T00:00:00.000Z');
    const again = encodeThrottledResend(
      sqsRecord(JSON.parse(once.body), { attributes: once.attributes }),
      2,
      '2026-12-04T00:00:00.000Z',
    );
    expect(again.attributes?.[ATTRIBUTE.throttledSince]).toBe('2026-12-01T00:00:00.000Z');
    const decoded = decodeRecord(sqsRecord(JSON.parse(again.body), { attributes: again.attributes }));
    expect(decoded.meta.throttledSince).toBe('2026-12-01T00:00:00.000Z');
  });

  it('the stack refuses a queue retention that could drop a message before the give-up time', () => {
    expect(() => checkRetention(QUEUE_RETENTION, 72)).not.toThrow();
    expect(() => checkRetention(Duration.hours(80), 72)).toThrow(
      /THROTTLE_GIVE_UP_HOURS \(72\) needs at least 84 h/,
    );
  });
});
