/**
 * Job progress as the worker records it (issue 14): a job goes through SQS in moto, the bulk
 * worker and the simulator over HTTP, with 429s and 5xx injected and messages redelivered, and its
 * ledger record ends with every item settled exactly once, its failures named by index.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueueInvites } from '../../lib/bulk/producer';
import { encodeInvite } from '../../lib/bulk/messages';
import type { SqsQueue } from '../../lib/bulk/queue';
import { setQueues } from '../../lib/bulk/runtime';
import { MemoryLedger } from '../../lib/ledger/memory-ledger';
import { jobProgress } from '../../lib/ledger/progress';
import { recordJobStart, setLedger } from '../../lib/ledger/runtime';
import type { QueueEventSource } from '../../local/event-source';
import { InvitesSimulator } from '../../local/openai-simulator';
import { TEST_ADMIN_KEY } from '../support/keys';
import { createQueuePair, drain } from '../support/queues';
import { startWorkers, waitFor } from '../support/workers';
import { useSimulator } from '../support/simulator';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);
let ledger: MemoryLedger;
let queue: SqsQueue;
let deadLetterQueue: SqsQueue;
let source: QueueEventSource | undefined;

afterAll(() => {
  setQueues({});
  setLedger(undefined);
});

beforeEach(async () => {
  ledger = new MemoryLedger();
  setLedger(ledger);
  ({ queue, deadLetterQueue } = await createQueuePair({ visibilityTimeoutSeconds: 2, maxReceiveCount: 5 }));
  setQueues({ queue, deadLetterQueue });
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
});

describe('job progress recorded by the worker', () => {
  it('settles every item of a job once, through 429s, 5xx and redeliveries, failures by index', async () => {
    // Prepare: 40 items; one email already invited; two whose pending invites have other terms.
    const jobId = 'wave-1';
    const total = 40;
    simulator.seed('u3@example.com');
    await recordJobStart({ jobId, total, source: 'api' });
    const valid = Array.from({ length: total - 2 }, (_, index) => ({
      index,
      invite: { email: `u${index}@example.com`, role: 'reader' as const },
    }));
    await enqueueInvites(queue, valid, { jobId, source: 'api' });
    for (const index of [38, 39]) {
      // A pending invite of other terms: refused for good (the job does not say replace_pending).
      simulator.seed(`held${index}@example.com`, 'owner');
      await queue.send(
        encodeInvite({ email: `held${index}@example.com`, role: 'reader' }, { jobId, source: 'api', index }),
      );
    }
    simulator.inject({
      kind: 'status',
      method: 'POST',
      status: 429,
      times: 3,
      headers: { 'retry-after-ms': '50' },
    });
    simulator.options.failureRate = 0.1;

    // Act
    ({ source } = startWorkers({ queue, upstream: simulator.url, maxRetries: 1 }));
    await waitFor(async () => jobProgress((await ledger.getJob(jobId))!).status === 'completed', 60_000);
    const progress = jobProgress((await ledger.getJob(jobId))!);

    // Assess
    expect(progress).toMatchObject({ object: 'organization.invite.bulk_job', job_id: jobId, total });
    const { created, already_invited, revoked, failed, pending } = progress.counts;
    expect(created + already_invited + revoked + failed).toBe(total);
    expect(pending).toBe(0);
    expect(failed).toBe(2);
    expect(already_invited).toBeGreaterThanOrEqual(1);
    expect(progress.failures.map((failure) => failure.index)).toEqual([38, 39]);
    expect(progress.failures[0]).toMatchObject({
      email: 'held38@example.com',
      code: 'invite_pending_with_different_terms',
    });
    // Each email invited once, whatever was redelivered.
    const emails = simulator.invites.map((invite) => invite.email);
    expect(new Set(emails).size).toBe(emails.length);
    expect((await drain(deadLetterQueue)).length).toBe(2);
  }, 90_000);
});
