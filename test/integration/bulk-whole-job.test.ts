/**
 * Issue 27, item 4, on real parts: a whole-job message another system put straight on the bulk
 * queue (SQS in moto), with one invalid item among 21 → two worker containers (as the event
 * source mapping runs them) → the simulator over HTTP, the job's progress in the ledger in moto's
 * DynamoDB. The 20 valid people are invited; the invalid item alone is in the DLQ with its index
 * and the bulk route's reason; the job completes 20 created, 1 failed; `openai-invites dlq list`
 * and `job` show it. The same job enqueued again sends nobody twice and dead-letters nothing more.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAILURE_ATTRIBUTE } from '../../lib/bulk/messages';
import type { SqsQueue } from '../../lib/bulk/queue';
import { setQueues } from '../../lib/bulk/runtime';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import { jobProgress } from '../../lib/ledger/progress';
import { setLedger } from '../../lib/ledger/runtime';
import type { QueueEventSource } from '../../local/event-source';
import { LocalGateway } from '../../local/gateway';
import { InvitesSimulator } from '../../local/openai-simulator';
import { capturedLogLines } from '../support/captured-output';
import { runCli } from '../support/cli';
import { createLedgerTable, ledgerClient } from '../support/dynamodb';
import { TEST_ADMIN_KEY } from '../support/keys';
import { createQueuePair, drain } from '../support/queues';
import { useSimulator } from '../support/simulator';
import { startWorkers, waitFor } from '../support/workers';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);
const gateway = new LocalGateway();
let gatewayUrl: string;
let ledger: DynamoDbLedger;
let queue: SqsQueue;
let deadLetterQueue: SqsQueue;
let source: QueueEventSource | undefined;

beforeAll(async () => {
  ledger = new DynamoDbLedger(await createLedgerTable(), ledgerClient);
  setLedger(ledger);
  gatewayUrl = await gateway.start();
});
afterAll(async () => {
  await gateway.stop();
  setLedger(undefined);
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

const INVALID_AT = 13;
const jobId = `hr-wave-${Date.now()}`;
const invites = Array.from({ length: 21 }, (_, n) =>
  n === INVALID_AT
    ? { email: 'not-an-email', role: 'reader' }
    : { email: `p${n}@example.com`, role: 'reader' },
);
const settled = async () => {
  const snapshot = await ledger.getJob(jobId);
  return snapshot !== undefined && jobProgress(snapshot).status === 'completed';
};

describe('a whole-job message with one invalid item among 21, enqueued directly on SQS', () => {
  it('invites the 20 valid people, dead-letters the invalid item alone with its index and reason, and counts it failed', async () => {
    await queue.send({
      body: JSON.stringify({ job_id: jobId, invites }),
      attributes: { source: 'hr-export' },
    });

    ({ source } = startWorkers({ queue, upstream: simulator.url, maxConcurrency: 2 }));
    await waitFor(async () => simulator.invites.length === 20 && (await settled()), 30_000);

    expect(simulator.invites.map((invite) => invite.email).sort()).toEqual(
      invites
        .filter((_, n) => n !== INVALID_AT)
        .map((invite) => invite.email)
        .sort(),
    );
    const progress = jobProgress((await ledger.getJob(jobId))!);
    expect(progress).toMatchObject({
      status: 'completed',
      total: 21,
      counts: { created: 20, already_invited: 0, failed: 1, pending: 0 },
      failures: [
        {
          index: INVALID_AT,
          code: 'invalid_invite',
          message: expect.stringMatching(/^invites\[13\]\.email: /),
        },
      ],
    });

    // What an operator sees: the dead letter by job and index, and the job's failure by index.
    const listed = await runCli(['dlq', 'list', '--job', jobId, '--dlq-url', deadLetterQueue.url]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(
        `not-an-email +${jobId} +${INVALID_AT} +invalid_invite +1 +\\d+s +invites\\[13\\]\\.email: `,
      ),
    );
    const shown = await runCli(['job', jobId, '--gateway', gatewayUrl]);
    expect(shown.stdout).toContain(`Job ${jobId}: completed, 21 of 21 invites settled`);
    expect(shown.stdout).toMatch(/#13 +invalid_invite: invites\[13\]\.email: /);

    // The same job again (a redelivery, a producer's retry): nobody invited twice, nothing dead-lettered twice.
    const deduplicated = () =>
      capturedLogLines().filter((line) => line.message === 'bulk record' && line.outcome === 'deduplicated');
    await queue.send({
      body: JSON.stringify({ job_id: jobId, invites }),
      attributes: { source: 'hr-export' },
    });
    await waitFor(() => deduplicated().length >= 20, 30_000);
    await source?.stop();

    expect(simulator.invites).toHaveLength(20);
    const dead = await drain(deadLetterQueue);
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]!.body)).toEqual(invites[INVALID_AT]);
    expect(dead[0]?.attributes).toMatchObject({
      job_id: jobId,
      source: 'hr-export',
      index: String(INVALID_AT),
      [FAILURE_ATTRIBUTE.code]: 'invalid_invite',
      [FAILURE_ATTRIBUTE.status]: '400',
    });
    expect(dead[0]?.attributes[FAILURE_ATTRIBUTE.reason]).toMatch(
      /^invites\[13\]\.email: Invalid value for 'email'/,
    );
    expect(jobProgress((await ledger.getJob(jobId))!).counts).toMatchObject({
      created: 20,
      failed: 1,
      pending: 0,
    });
  }, 90_000);
});
