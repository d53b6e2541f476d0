/**
 * The ledger's pure parts: job progress, how an item's outcome may change, recordSafely, and the
 * in-memory ledger's rules (the same suite runs on moto's DynamoDB in test/integration/ledger.test.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryLedger } from '../../lib/ledger/memory-ledger';
import { transitionOf } from '../../lib/ledger/outcomes';
import { jobProgress } from '../../lib/ledger/progress';
import { LEDGER_WRITE_FAILED_METRIC, recordSafely } from '../../lib/ledger/record-safely';
import type { JobItemRecord, JobRecord, OutcomeCounts } from '../../lib/ledger/types';
import { capturedLogLines } from '../support/captured-output';

const CREATED_AT = '2026-11-23T10:00:00.000Z';
const UPDATED_AT = '2026-11-23T10:05:30.000Z';

/** Record factories: a job with these counters, and a failed item at an index. */
const jobRecord = (counts: Partial<OutcomeCounts>, total?: number): JobRecord => ({
  jobId: 'wave-1',
  total,
  counts: { created: 0, already_invited: 0, revoked: 0, failed: 0, ...counts },
  createdAt: CREATED_AT,
  updatedAt: UPDATED_AT,
});
const failedItem = (index: number): JobItemRecord => ({
  jobId: 'wave-1',
  index,
  email: `user${index}@example.com`,
  outcome: 'failed',
  code: 'invalid_invite',
  message: `bad ${index}`,
  updatedAt: UPDATED_AT,
});

describe('jobProgress', () => {
  it('counts what is pending and stays in progress until nothing is', () => {
    const progress = jobProgress({
      job: jobRecord({ created: 3, failed: 1 }, 10),
      failures: [failedItem(4)],
    });

    expect(progress).toEqual({
      object: 'organization.invite.bulk_job',
      job_id: 'wave-1',
      status: 'in_progress',
      total: 10,
      counts: { created: 3, already_invited: 0, revoked: 0, failed: 1, pending: 6 },
      failures: [
        {
          index: 4,
          email: 'user4@example.com',
          code: 'invalid_invite',
          message: 'bad 4',
          person: '/people/user4%40example.com',
        },
      ],
      created_at: Date.parse(CREATED_AT) / 1000,
      updated_at: Date.parse(UPDATED_AT) / 1000,
    });
  });

  it('is completed when every item has settled', () => {
    const progress = jobProgress({
      job: jobRecord({ created: 5, already_invited: 2, revoked: 1, failed: 2 }, 10),
      failures: [failedItem(9), failedItem(1)],
    });

    expect(progress.status).toBe('completed');
    expect(progress.counts.pending).toBe(0);
    expect(progress.failures.map((failure) => failure.index)).toEqual([1, 9]);
  });

  it('lists the first 100 failures by index, whatever order they come in', () => {
    const failures = Array.from({ length: 150 }, (_, n) => failedItem(149 - n));

    const progress = jobProgress({ job: jobRecord({ failed: 150 }, 150), failures });

    expect(progress.failures).toHaveLength(100);
    expect(progress.failures[0]!.index).toBe(0);
    expect(progress.failures[99]!.index).toBe(99);
    expect(progress.counts.failed).toBe(150);
  });

  it('takes what has settled as the total of a job nobody started, and never goes below zero pending', () => {
    expect(jobProgress({ job: jobRecord({ created: 2 }), failures: [] })).toMatchObject({
      total: 2,
      status: 'completed',
      counts: { pending: 0 },
    });
    expect(jobProgress({ job: jobRecord({ created: 4 }, 3), failures: [] }).counts.pending).toBe(0);
  });
});

describe('transitionOf', () => {
  it('counts a first outcome, and moves a failure to a later success', () => {
    expect(transitionOf(undefined, 'failed')).toEqual({ kind: 'move', to: 'failed' });
    expect(transitionOf('failed', 'created')).toEqual({ kind: 'move', from: 'failed', to: 'created' });
    expect(transitionOf('already_invited', 'created')).toEqual({
      kind: 'move',
      from: 'already_invited',
      to: 'created',
    });
  });

  it('never undoes a success, and only refreshes the reason of a repeated failure', () => {
    expect(transitionOf('created', 'created')).toEqual({ kind: 'keep' });
    expect(transitionOf('created', 'already_invited')).toEqual({ kind: 'keep' });
    expect(transitionOf('created', 'failed')).toEqual({ kind: 'keep' });
    expect(transitionOf('revoked', 'failed')).toEqual({ kind: 'keep' });
    expect(transitionOf('failed', 'failed')).toEqual({ kind: 'update-reason' });
  });
});

describe('recordSafely', () => {
  afterEach(() => vi.useRealTimers());

  it('retries a failed write and reports success', async () => {
    const write = vi.fn().mockRejectedValueOnce(new Error('throttled')).mockResolvedValueOnce(undefined);

    await expect(recordSafely(write, { what: { action: 'test' }, retryDelayMs: 1 })).resolves.toBe(true);
    expect(write).toHaveBeenCalledTimes(2);
  });

  it('gives up without throwing: logs the failure and counts the metric', async () => {
    const metrics = { addMetric: vi.fn() };
    const write = vi.fn().mockRejectedValue(Object.assign(new Error('timed out'), { name: 'TimeoutError' }));

    const recorded = await recordSafely(write, {
      what: { action: 'job.item', jobId: 'wave-1', index: 7 },
      metrics,
      attempts: 3,
      retryDelayMs: 1,
    });

    expect(recorded).toBe(false);
    expect(write).toHaveBeenCalledTimes(3);
    expect(metrics.addMetric).toHaveBeenCalledWith(LEDGER_WRITE_FAILED_METRIC, 'Count', 1);
    expect(capturedLogLines().at(-1)).toMatchObject({
      message: 'ledger write failed',
      level: 'WARN',
      ledger: { action: 'job.item', jobId: 'wave-1', index: 7 },
      errorName: 'TimeoutError',
    });
  });
});

describe('MemoryLedger', () => {
  it('keeps the latest of an email, whatever its case, and lets no older event overwrite it', async () => {
    const ledger = new MemoryLedger();
    await ledger.recordInvite({
      email: 'Ada@Example.com',
      outcome: 'created',
      source: 'api',
      inviteId: 'invite-1',
      status: 'pending',
      role: 'reader',
      projects: [{ id: 'proj_1', role: 'member' }],
      at: '2026-11-23T10:00:00.000Z',
    });
    await ledger.recordInvite({
      email: 'ada@example.com',
      outcome: 'failed',
      source: 'cli',
      code: 'rate_limit_exceeded',
      message: 'slow down',
      at: '2026-11-23T09:00:00.000Z',
    });

    expect(await ledger.getInvite('ADA@example.com')).toEqual({
      email: 'ada@example.com',
      inviteId: 'invite-1',
      status: 'pending',
      role: 'reader',
      projects: [{ id: 'proj_1', role: 'member' }],
      source: 'api',
      lastOutcome: 'created',
      createdAt: '2026-11-23T10:00:00.000Z',
      updatedAt: '2026-11-23T10:00:00.000Z',
    });
    expect(await ledger.getInvite('nobody@example.com')).toBeUndefined();
  });
});
