/**
 * The bulk queue's message contract (lib/bulk/messages.ts): which event a message carries
 * (`event_id`, `event_at`), a roster's `offboard`, read back leniently, and sizes as SQS counts them.
 */
import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTE,
  decodeRecord,
  encodeInvite,
  encodeRemainderJob,
  encodeRevocation,
  MAX_MESSAGE_BYTES,
  messageBytes,
} from '../../lib/bulk/messages';
import { LocalQueue } from '../../local/local-queue';
import { sqsRecord } from '../support/sqs-records';

const invite = { email: 'ada@example.com', role: 'reader' as const };

/** A record as the worker receives a message a producer encoded. */
const received = (message: { body: string; attributes?: Record<string, string> }) =>
  sqsRecord(message.body, { attributes: message.attributes });

describe('event_id and event_at', () => {
  it('travel with an invite and come back as the meta the worker reads', () => {
    const message = encodeInvite(invite, {
      jobId: 'evt_1',
      source: 'standard',
      index: 0,
      eventId: 'msg_2Lh',
      eventAt: '2026-12-04T17:00:00+01:00',
    });

    expect(message.attributes).toMatchObject({ event_id: 'msg_2Lh', event_at: '2026-12-04T16:00:00.000Z' });
    expect(decodeRecord(received(message))).toMatchObject({
      kind: 'invite',
      meta: { eventId: 'msg_2Lh', eventAt: '2026-12-04T16:00:00.000Z' },
    });
  });

  it('leaves event_id out for a job item (the worker uses job:index)', () => {
    const message = encodeInvite(invite, {
      jobId: 'wave-1',
      source: 'api',
      index: 3,
      eventAt: '2026-12-04T16:00:00Z',
    });
    const decoded = decodeRecord(received(message));

    expect(message.attributes).not.toHaveProperty(ATTRIBUTE.eventId);
    expect(decoded.meta.eventId).toBeUndefined();
    expect(decoded.meta.eventAt).toBe('2026-12-04T16:00:00.000Z');
  });

  it('travel with a revocation, and offboard=true only when declared with --offboard', () => {
    const roster = encodeRevocation('ada@example.com', {
      jobId: 'reconcile-1',
      source: 'reconcile',
      eventAt: '2026-12-04T16:00:00.000Z',
      offboard: true,
    });
    const hr = encodeRevocation('ada@example.com', { jobId: 'evt_9', source: 'okta', eventId: 'evt_9' });

    expect(decodeRecord(received(roster))).toMatchObject({
      kind: 'revoke',
      meta: { offboard: true, eventAt: '2026-12-04T16:00:00.000Z' },
    });
    expect(hr.attributes).not.toHaveProperty(ATTRIBUTE.offboard);
    expect(decodeRecord(received(hr)).meta).toMatchObject({ eventId: 'evt_9' });
    expect(decodeRecord(received(hr)).meta.offboard).toBeUndefined();
  });

  it('stay on a remainder job, so its items keep the event time', () => {
    const message = encodeRemainderJob('wave-1', [{ index: 4, invite }], 'queue', false, {
      eventAt: '2026-12-04T16:00:00.000Z',
    });

    expect(decodeRecord(received(message))).toMatchObject({
      kind: 'job',
      meta: { eventAt: '2026-12-04T16:00:00.000Z' },
    });
  });

  it.each([
    ['not a date', 'yesterday'],
    ['a date without a time', '2026-12-04'],
    ['a time without a zone', '2026-12-04T16:00:00'],
    ['an impossible date', '2026-13-45T25:00:00Z'],
    ['empty', ''],
  ])('ignores an event_at that is %s, and the message is still an invite', (_, eventAt) => {
    const decoded = decodeRecord(sqsRecord(invite, { attributes: { [ATTRIBUTE.eventAt]: eventAt } }));

    expect(decoded.kind).toBe('invite');
    expect(decoded.meta.eventAt).toBeUndefined();
  });

  it('ignores an event_id that is blank or too long, and an offboard that is not "true"', () => {
    const meta = (attributes: Record<string, string>) => decodeRecord(sqsRecord(invite, { attributes })).meta;

    expect(meta({ [ATTRIBUTE.eventId]: '  ' }).eventId).toBeUndefined();
    expect(meta({ [ATTRIBUTE.eventId]: 'x'.repeat(257) }).eventId).toBeUndefined();
    expect(meta({ [ATTRIBUTE.offboard]: 'yes' }).offboard).toBeUndefined();
    expect(
      decodeRecord(sqsRecord(invite, { attributes: { [ATTRIBUTE.eventId]: 'x'.repeat(257) } })).kind,
    ).toBe('invite');
  });
});

describe('messageBytes', () => {
  it('counts the body and each attribute (name, type and value) as SQS does', () => {
    expect(messageBytes({ body: 'é' })).toBe(2);
    expect(messageBytes({ body: '{}', attributes: { event_at: '2026-12-04T16:00:00.000Z' } })).toBe(
      2 + 'event_at'.length + 'String'.length + 24,
    );
  });

  it("is what npm start's queue refuses past 256 KB: a body that fits alone but not with its attributes", async () => {
    const queue = new LocalQueue({ name: `size-${Date.now()}` });
    const message = encodeInvite(invite, {
      jobId: 'j',
      source: 'api',
      index: 0,
      eventAt: '2026-12-04T16:00:00Z',
    });
    const body = 'x'.repeat(MAX_MESSAGE_BYTES - 10);

    const failed = await queue.sendBatch([{ id: '0', body, attributes: message.attributes }]);

    expect(Buffer.byteLength(body)).toBeLessThan(MAX_MESSAGE_BYTES);
    expect(failed).toEqual([
      expect.objectContaining({ id: '0', message: 'Message too long', senderFault: true }),
    ]);
  });
});
