/**
 * Issue 13 on real parts: SQS in moto (queue + DLQ with redrive), the local event source, the
 * worker with its adaptive pacer, the simulator over HTTP answering 429s with the wait only in
 * the message, as users report OpenAI's Admin API does.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ATTRIBUTE } from '../../lib/bulk/messages';
import type { FailedEntry, MessageQueue, OutgoingMessage, SqsQueue } from '../../lib/bulk/queue';
import { setQueues } from '../../lib/bulk/runtime';
import type { QueueEventSource } from '../../local/event-source';
import { InvitesSimulator } from '../../local/openai-simulator';
import { capturedLogLines } from '../support/captured-output';
import { TEST_ADMIN_KEY } from '../support/keys';
import { createQueuePair, drain } from '../support/queues';
import { startWorkers, waitFor } from '../support/workers';
import { useSimulator } from '../support/simulator';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);
let queue: SqsQueue;
let deadLetterQueue: SqsQueue;
let source: QueueEventSource | undefined;

const throttledAnswer = (seconds: string) => ({
  kind: 'status' as const,
  status: 429,
  times: 1e9,
  body: {
    error: {
      message: `Rate limit reached for requests. Please try again after ${seconds} seconds.`,
      type: 'invalid_request_error',
      param: null,
      code: 'rate_limit_exceeded',
    },
  },
});

const emailsCreated = () => simulator.invites.map((invite) => invite.email).sort();

afterAll(() => {
  setQueues({});
});
beforeEach(async () => {
  // maxReceiveCount 2: a single receive consumed by throttling would soon redrive to the DLQ.
  ({ queue, deadLetterQueue } = await createQueuePair({ visibilityTimeoutSeconds: 20, maxReceiveCount: 2 }));
  setQueues({ queue, deadLetterQueue });
});
afterEach(async () => {
  await source?.stop();
  source = undefined;
  simulator.clearFaults();
});

describe('bulk at OpenAI’s real limits', () => {
  it('ends an all-429 episode (5 min ÷ 20) with every invite created once and none in the DLQ', async () => {
    const emails = Array.from({ length: 6 }, (_, n) => `wave${n}@example.com`);
    await queue.sendBatch(
      emails.map((email, index) => ({ id: String(index), body: JSON.stringify({ email, role: 'reader' }) })),
    );
    simulator.inject(throttledAnswer('0.347'));

    ({ source } = startWorkers({
      queue,
      upstream: simulator.url,
      rateLimitRps: 20,
      pacing: { floorRps: 0.5 },
    }));
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    const duringEpisode = simulator.requests.length;
    simulator.clearFaults();
    await waitFor(() => simulator.invites.length === emails.length, 40_000);
    await source?.stop();

    expect(emailsCreated()).toEqual(emails.sort());
    expect(await drain(deadLetterQueue)).toEqual([]);
    expect(await drain(queue)).toEqual([]);
    const throttled = capturedLogLines().filter(
      (line) => line.message === 'bulk record' && line.outcome === 'throttled',
    );
    // The episode outlasted maxReceiveCount many times over, yet no receive was consumed.
    expect(Math.max(...throttled.map((line) => Number(line.attempt)))).toBeGreaterThanOrEqual(2);
    expect(
      capturedLogLines()
        .filter((line) => line.outcome === 'created')
        .every((line) => line.receiveCount === 1),
    ).toBe(true);
    // Paced during the episode: far fewer calls than one per record per second.
    expect(duringEpisode).toBeLessThan(6 * 15);
  }, 90_000);

  it('retries a job whose fan-out failed part way without re-sending the items already sent', async () => {
    // SQS takes the first batch of the job but keeps refusing the second, resends included, once.
    const sentIndexes: string[] = [];
    let refusals = 4;
    const flaky: MessageQueue = {
      url: queue.url,
      send: (message) => queue.send(message),
      changeVisibility: (handle, seconds) => queue.changeVisibility(handle, seconds),
      async sendBatch(entries: OutgoingMessage[]): Promise<FailedEntry[]> {
        if (refusals > 0 && entries.some((entry) => Number(entry.attributes?.[ATTRIBUTE.index]) >= 10)) {
          refusals -= 1;
          return entries.map((entry) => ({
            id: entry.id,
            code: 'InternalError',
            message: 'down',
            senderFault: false,
          }));
        }
        const failed = await queue.sendBatch(entries);
        sentIndexes.push(...entries.map((entry) => entry.attributes![ATTRIBUTE.index]!));
        return failed;
      },
    };
    setQueues({ queue: flaky, deadLetterQueue });
    const emails = Array.from({ length: 15 }, (_, n) => `job${n}@example.com`);
    await queue.send({
      body: JSON.stringify({ job_id: 'wave-9', invites: emails.map((email) => ({ email, role: 'reader' })) }),
    });

    ({ source } = startWorkers({ queue, upstream: simulator.url }));
    await waitFor(() => simulator.invites.length === emails.length, 40_000);
    await source?.stop();

    expect(sentIndexes.sort((a, b) => Number(a) - Number(b))).toEqual(
      emails.map((_, index) => String(index)),
    );
    expect(emailsCreated()).toEqual(emails.sort());
    expect(simulator.requests.filter((request) => request.method === 'POST')).toHaveLength(15);
    expect(await drain(deadLetterQueue)).toEqual([]);
    const outcomes = capturedLogLines()
      .filter((line) => line.message === 'bulk record' && String(line.outcome).startsWith('fanned'))
      .map((line) => line.outcome);
    expect(outcomes).toEqual(['fanned_out_in_part', 'fanned_out']);
  }, 90_000);
});
