/**
 * The leaver queue (issue 27, item 2) on SQS in moto: a revocation sent after 200 queued joiners
 * is applied (the simulator's invite deleted) within seconds, long before the joiner backlog is
 * done, because it goes on a queue of its own that the same worker drains through its own event
 * source. Without a leaver queue (LEAVER_QUEUE_URL unset), leavers go on the bulk queue as before.
 */
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enqueueInvites, enqueueRevocation } from '../../lib/bulk/producer';
import { SqsQueue } from '../../lib/bulk/queue';
import { findLeaverQueue, getInviteQueue, getLeaverQueue, setQueues } from '../../lib/bulk/runtime';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import { setLedger } from '../../lib/ledger/runtime';
import { DynamoDbPersonStore } from '../../lib/people/dynamodb-store';
import { setPersonStore } from '../../lib/people/runtime';
import type { QueueEventSource } from '../../local/event-source';
import { InvitesSimulator } from '../../local/openai-simulator';
import { createLedgerTable, ledgerClient } from '../support/dynamodb';
import { TEST_ADMIN_KEY } from '../support/keys';
import { createQueuePair, drain, sqs } from '../support/queues';
import { useSimulator } from '../support/simulator';
import { startWorkers, waitFor } from '../support/workers';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);
const sources: QueueEventSource[] = [];

/** A second queue redriving to the same dead-letter queue, as the stack makes the leaver queue. */
const leaverQueueBeside = async (deadLetterQueue: SqsQueue): Promise<SqsQueue> => {
  const arn = (
    await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: deadLetterQueue.url, AttributeNames: ['QueueArn'] }),
    )
  ).Attributes?.QueueArn;
  const created = await sqs.send(
    new CreateQueueCommand({
      QueueName: `leavers-${Date.now()}`,
      Attributes: {
        VisibilityTimeout: '30',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 3 }),
      },
    }),
  );
  return new SqsQueue(created.QueueUrl!, sqs);
};

beforeAll(async () => {
  const table = await createLedgerTable();
  setLedger(new DynamoDbLedger(table, ledgerClient));
  setPersonStore(new DynamoDbPersonStore(table, { client: ledgerClient }));
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
  setQueues({});
});

afterAll(() => {
  setLedger(undefined);
  setPersonStore(undefined);
});

describe('the leaver queue', () => {
  it('applies a revocation sent behind 200 queued joiners within seconds, before the backlog is done', async () => {
    const { queue, deadLetterQueue } = await createQueuePair({ visibilityTimeoutSeconds: 30 });
    const leaverQueue = await leaverQueueBeside(deadLetterQueue);
    setQueues({ queue, deadLetterQueue, leaverQueue });
    const leaver = simulator.seed('leaver@example.com', 'reader');
    const joiners = Array.from({ length: 200 }, (_, index) => ({
      index,
      invite: { email: `joiner-${index}@example.com`, role: 'reader' as const },
    }));
    await enqueueInvites(getInviteQueue(), joiners, { jobId: 'wave', source: 'api' });

    // Two containers on the bulk queue and the leaver queue's own, all the same worker code,
    // paced to 20 calls/s so the backlog takes about ten seconds.
    const upstream = simulator.url;
    sources.push(startWorkers({ queue, upstream, rateLimitRps: 20, maxConcurrency: 2 }).source);
    sources.push(startWorkers({ queue: leaverQueue, upstream, rateLimitRps: 20, maxConcurrency: 1 }).source);
    const joined = () => simulator.invites.filter((invite) => invite.email.startsWith('joiner-')).length;
    await waitFor(() => joined() >= 20, 20_000);

    const arrivedAt = Date.now();
    await enqueueRevocation(getLeaverQueue(), leaver.email, { jobId: 'okta:leaver', source: 'okta' });
    await waitFor(() => !simulator.invites.some((invite) => invite.id === leaver.id), 10_000);
    const appliedMs = Date.now() - arrivedAt;
    const joinedWhenApplied = joined();

    expect(appliedMs).toBeLessThan(5_000);
    expect(joinedWhenApplied).toBeLessThan(200);
    // The revocation went on the leaver queue only: nothing of the leaver's waits on the bulk one.
    const left = await drain(queue);
    expect(left.some((message) => message.body.includes('leaver@example.com'))).toBe(false);
    expect(await drain(deadLetterQueue)).toEqual([]);
  }, 60_000);

  it('sends leavers to the bulk queue when there is no leaver queue (LEAVER_QUEUE_URL unset)', async () => {
    const { queue, deadLetterQueue } = await createQueuePair();
    setQueues({ queue, deadLetterQueue });

    await enqueueRevocation(getLeaverQueue(), 'leaver@example.com', { jobId: 'okta:l', source: 'okta' });

    expect(findLeaverQueue()).toBeUndefined();
    expect(await drain(queue)).toMatchObject([
      { body: JSON.stringify({ email: 'leaver@example.com' }), attributes: { action: 'revoke' } },
    ]);
  });
});
