/**
 * The local stand-in for the Lambda SQS event source: the same behaviour over the in-process
 * queue of `npm start` and over a real SQS queue in moto.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { PollableQueue } from '../../lib/bulk/queue';
import { QueueEventSource } from '../../local/event-source';
import { LocalQueue } from '../../local/local-queue';
import { createQueuePair, drain } from '../support/queues';
import { waitFor } from '../support/workers';

const localPair = () => {
  const deadLetterQueue = new LocalQueue({ name: 'dlq' });
  const queue = new LocalQueue({
    name: 'queue',
    visibilityTimeoutSeconds: 1,
    maxReceiveCount: 2,
    deadLetterQueue,
  });
  return { queue, deadLetterQueue };
};

describe('LocalQueue', () => {
  it('hides a received message for the visibility timeout, then gives it back with a higher receive count', async () => {
    const { queue } = localPair();
    await queue.sendBatch([{ id: 'a', body: 'one', attributes: { job_id: 'j1' } }]);

    const first = await queue.receive(10, 0);
    const whileHidden = await queue.receive(10, 0);
    await queue.changeVisibility(first[0]!.receiptHandle, 0);
    const again = await queue.receive(10, 0);

    expect(first).toMatchObject([
      { body: 'one', attributes: { job_id: 'j1' }, systemAttributes: { ApproximateReceiveCount: '1' } },
    ]);
    expect(whileHidden).toEqual([]);
    expect(again[0]?.systemAttributes.ApproximateReceiveCount).toBe('2');
    expect(again[0]?.receiptHandle).not.toBe(first[0]?.receiptHandle);
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
    const { queue, deadLetterQueue } = localPair();
    await queue.send({ body: 'poison' });

    for (let n = 0; n < 2; n += 1) {
      const [message] = await queue.receive(1, 0);
      await queue.changeVisibility(message!.receiptHandle, 0);
    }
    const third = await queue.receive(1, 0);

    expect(third).toEqual([]);
    expect(queue.size).toBe(0);
    expect(deadLetterQueue.peek()).toMatchObject([{ body: 'poison' }]);
  });

  it('gives at most 10 per receive and refuses batches over 10', async () => {
    const { queue } = localPair();
    for (let n = 0; n < 3; n += 1) {
      await queue.sendBatch(Array.from({ length: 10 }, (_, i) => ({ id: String(i), body: `${n}-${i}` })));
    }

    expect(await queue.receive(25, 0)).toHaveLength(10);
    await expect(
      queue.sendBatch(Array.from({ length: 11 }, (_, i) => ({ id: String(i), body: 'x' }))),
    ).rejects.toThrow();
  });
});

describe.each([
  ['the in-process queue', async () => localPair()],
  ['SQS in moto', async () => createQueuePair({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 })],
])('QueueEventSource over %s', (_name, makeQueues) => {
  const remaining = async (queue: PollableQueue) => (await drain(queue)).map((message) => message.body);

  it('deletes handled records, retries reported failures, and redrives poison to the DLQ', async () => {
    const { queue, deadLetterQueue } = await makeQueues();
    const bodies = Array.from({ length: 25 }, (_, n) => (n === 7 ? 'poison' : `ok-${n}`));
    for (let start = 0; start < bodies.length; start += 10) {
      await queue.sendBatch(bodies.slice(start, start + 10).map((body, i) => ({ id: String(i), body })));
    }
    const handled: string[] = [];
    const seenEvents: SQSEvent[] = [];
    const source = new QueueEventSource({
      queue,
      maxConcurrency: 2,
      batchSize: 10,
      handlerFor:
        () =>
        async (event): Promise<SQSBatchResponse> => {
          seenEvents.push(event);
          const failures = event.Records.filter((record) => record.body === 'poison');
          for (const record of event.Records) if (record.body !== 'poison') handled.push(record.body);
          return { batchItemFailures: failures.map((record) => ({ itemIdentifier: record.messageId })) };
        },
    });

    source.start();
    await waitFor(
      async () => handled.length === 24 && (await remaining(deadLetterQueue)).includes('poison'),
      15_000,
    );
    await source.stop();

    expect(new Set(handled).size).toBe(24);
    expect(Math.max(...seenEvents.map((event) => event.Records.length))).toBeLessThanOrEqual(10);
    expect(seenEvents[0]?.Records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      attributes: { ApproximateReceiveCount: '1' },
      md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(await remaining(queue)).toEqual([]);
  }, 30_000);

  it('retries the whole batch when the handler throws', async () => {
    const { queue } = await makeQueues();
    await queue.sendBatch([
      { id: 'a', body: 'a' },
      { id: 'b', body: 'b' },
    ]);
    let calls = 0;
    const delivered: string[] = [];
    const source = new QueueEventSource({
      queue,
      maxConcurrency: 1,
      handlerFor: () => async (event) => {
        calls += 1;
        if (calls === 1) throw new Error('crash');
        delivered.push(...event.Records.map((record) => record.body));
      },
    });

    source.start();
    await waitFor(() => delivered.length >= 2, 15_000);
    await source.stop();

    expect(delivered.sort()).toEqual(['a', 'b']);
    expect(calls).toBeGreaterThanOrEqual(2);
  }, 30_000);
});
