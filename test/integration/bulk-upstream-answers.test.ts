/**
 * What the bulk worker makes of OpenAI's less tidy answers, on real parts (SQS in moto, the
 * worker, the simulator over HTTP): conflicting terms and unfamiliar refusals go to the DLQ with
 * their reason, never counted as duplicates; an expired invite is replaced by a new one.
 */
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeInvite, FAILURE_ATTRIBUTE } from '../../lib/bulk/messages';
import type { SqsQueue } from '../../lib/bulk/queue';
import { setQueues } from '../../lib/bulk/runtime';
import type { QueueEventSource } from '../../local/event-source';
import { InvitesSimulator } from '../../local/openai-simulator';
import { TEST_ADMIN_KEY } from '../support/keys';
import { createQueuePair, drain } from '../support/queues';
import { startWorkers, waitFor } from '../support/workers';
import { useSimulator } from '../support/simulator';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);
let queue: SqsQueue;
let deadLetterQueue: SqsQueue;
let source: QueueEventSource | undefined;
let responses: SQSBatchResponse[];

/** Sends one message and runs the worker until it has answered one batch. */
const processOne = async (invite: unknown, attributes?: Record<string, string>) => {
  await queue.send({ body: JSON.stringify(invite), attributes });
  ({ source, responses } = startWorkers({ queue, upstream: simulator.url }));
  await waitFor(() => responses.length > 0, 15_000);
  await source.stop();
};

afterAll(() => {
  setQueues({});
});

beforeEach(async () => {
  ({ queue, deadLetterQueue } = await createQueuePair({ visibilityTimeoutSeconds: 5, maxReceiveCount: 5 }));
  setQueues({ queue, deadLetterQueue });
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
});

describe('the bulk worker', () => {
  it('dead-letters an invite whose email has a pending invite of other terms, with that reason', async () => {
    const pending = simulator.seed('ada@example.com', 'reader', [{ id: 'proj_1', role: 'member' }]);

    await processOne({
      email: 'ada@example.com',
      role: 'owner',
      projects: [{ id: 'proj_1', role: 'member' }],
    });
    const dead = await drain(deadLetterQueue);

    expect(responses[0]?.batchItemFailures).toEqual([]);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.attributes).toMatchObject({
      [FAILURE_ATTRIBUTE.code]: 'invite_pending_with_different_terms',
      [FAILURE_ATTRIBUTE.status]: '409',
      [FAILURE_ATTRIBUTE.reason]: expect.stringContaining(`${pending.id} with role reader`),
    });
    expect(simulator.invites).toEqual([pending]);
  }, 30_000);

  it('dead-letters the pending-invites quota with its reason instead of counting it as a duplicate', async () => {
    simulator.seed('ada@example.com');
    simulator.options.duplicateAnswer = {
      status: 400,
      code: null,
      message: 'You have reached the maximum number of pending invites.',
    };

    await processOne({ email: 'ada@example.com', role: 'reader' });
    const dead = await drain(deadLetterQueue);

    expect(dead).toHaveLength(1);
    expect(dead[0]?.attributes).toMatchObject({
      [FAILURE_ATTRIBUTE.status]: '400',
      [FAILURE_ATTRIBUTE.reason]: 'You have reached the maximum number of pending invites.',
    });
  }, 30_000);

  it('replaces an expired invite that still reads pending with a new one', async () => {
    simulator.options.expiredInvites = 'stay-pending';
    const expired = simulator.expire(simulator.seed('ada@example.com').id);

    await processOne({ email: 'ada@example.com', role: 'reader' });

    expect(await drain(deadLetterQueue)).toEqual([]);
    expect(simulator.invites).toHaveLength(1);
    expect(simulator.invites[0]?.id).not.toBe(expired.id);
  }, 30_000);

  it('replaces a pending invite of other terms when the message says replace_pending (webhooks, such jobs)', async () => {
    const pending = simulator.seed('ada@example.com', 'reader');
    const message = encodeInvite(
      { email: 'ada@example.com', role: 'owner' },
      { jobId: 'wave-1', source: 'greenhouse', index: 0, replacePending: true },
    );

    await processOne(JSON.parse(message.body), message.attributes);

    expect(await drain(deadLetterQueue)).toEqual([]);
    expect(simulator.invites).toHaveLength(1);
    expect(simulator.invites[0]).toMatchObject({ email: 'ada@example.com', role: 'owner' });
    expect(simulator.invites[0]?.id).not.toBe(pending.id);
  }, 30_000);

  it('fans out a job that says "replace_pending": true into messages that replace', async () => {
    const pending = simulator.seed('ada@example.com', 'reader');

    await processOne({
      job_id: 'wave-2',
      replace_pending: true,
      invites: [{ email: 'ada@example.com', role: 'owner' }],
    });
    ({ source, responses } = startWorkers({ queue, upstream: simulator.url }));
    await waitFor(() => simulator.invites.some((invite) => invite.role === 'owner'), 15_000);

    expect(simulator.invites).toEqual([expect.objectContaining({ email: 'ada@example.com', role: 'owner' })]);
    expect(simulator.invites[0]?.id).not.toBe(pending.id);
    expect(await drain(deadLetterQueue)).toEqual([]);
  }, 30_000);
});
