/**
 * The ledger in this process's memory: unit tests and benchmarks (`npm start` keeps its ledger in
 * SQLite: local/sqlite-ledger.ts). Same rules as DynamoDbLedger (outcomes.ts), same answers; records are copied in
 * and out so a caller can never change them behind the ledger's back.
 */
import { DEFAULT_FAILURE_LIMIT, type Ledger, reinviteRefusalOf, timeOf } from './ledger';
import { transitionOf } from './outcomes';
import {
  type InviteEvent,
  type InviteRecord,
  type ItemOutcome,
  type JobItemRecord,
  type JobRecord,
  type JobSnapshot,
  needsAction,
  normaliseEmail,
  type ReinviteClaim,
  type ReinviteClaimRequest,
  type StartJob,
  zeroCounts,
} from './types';

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryLedger implements Ledger {
  readonly description = 'in memory (this process only)';
  readonly #invites = new Map<string, InviteRecord>();
  readonly #jobs = new Map<string, { job: JobRecord; items: Map<number, JobItemRecord> }>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async startJob({ jobId, total, source, at }: StartJob): Promise<void> {
    const existing = this.#jobs.get(jobId);
    const time = timeOf(at, this.now);
    if (!existing) {
      this.#jobs.set(jobId, {
        job: { jobId, total, source, counts: zeroCounts(), createdAt: time, updatedAt: time },
        items: new Map(),
      });
    } else if (existing.job.total === undefined) {
      // Outcomes arrived before the job was started: keep their counts, learn the total.
      Object.assign(existing.job, { total, source });
    }
  }

  async recordItem(outcome: ItemOutcome): Promise<void> {
    const time = timeOf(outcome.at, this.now);
    const entry = this.#jobOrNew(outcome.jobId, time);
    const previous = entry.items.get(outcome.index);
    const transition = transitionOf(previous?.outcome, outcome.outcome);
    if (transition.kind === 'keep') {
      // As DynamoDbLedger: the same outcome again rewrites the email's record, nothing else.
      if (previous?.outcome === outcome.outcome && outcome.email) await this.recordInvite(outcome);
      return;
    }
    entry.items.set(outcome.index, {
      jobId: outcome.jobId,
      index: outcome.index,
      email: normaliseEmail(outcome.email),
      outcome: outcome.outcome,
      ...(outcome.outcome === 'failed' ? { code: outcome.code, message: outcome.message } : {}),
      updatedAt: time,
    });
    if (transition.kind === 'move') {
      if (transition.from) entry.job.counts[transition.from] -= 1;
      entry.job.counts[transition.to] += 1;
      entry.job.updatedAt = this.now().toISOString();
    }
    // An item without a usable email (an invalid item of a job) counts in its job, nowhere else.
    if (outcome.email) await this.recordInvite(outcome);
  }

  async recordInvite(event: InviteEvent & { jobId?: string; index?: number }): Promise<void> {
    const email = normaliseEmail(event.email);
    const time = timeOf(event.at, this.now);
    const existing = this.#invites.get(email);
    if (existing && existing.updatedAt > time) return; // an older event never overwrites a newer one
    const failed = event.outcome === 'failed';
    const next: InviteRecord = {
      ...existing,
      email,
      source: event.source,
      lastOutcome: event.outcome,
      createdAt: existing?.createdAt ?? time,
      updatedAt: time,
    };
    for (const key of ['inviteId', 'status', 'role', 'projects', 'jobId', 'index'] as const) {
      if (event[key] !== undefined) (next as unknown as Record<string, unknown>)[key] = copy(event[key]);
    }
    if (failed) Object.assign(next, { failureCode: event.code, failureMessage: event.message });
    else {
      delete next.failureCode;
      delete next.failureMessage;
    }
    this.#invites.set(email, next);
  }

  async getInvite(email: string): Promise<InviteRecord | undefined> {
    const record = this.#invites.get(normaliseEmail(email));
    return record && copy(record);
  }

  async claimReinvite(request: ReinviteClaimRequest): Promise<ReinviteClaim> {
    // Read and write without an await between them: one claim wins, as DynamoDB's condition does.
    const record = this.#invites.get(normaliseEmail(request.email));
    const refusal = reinviteRefusalOf(record, request);
    if (refusal || !record) return refusal ?? { claimed: false, reason: 'unknown' };
    record.reinviteCount = (record.reinviteCount ?? 0) + 1;
    record.reinvitedFrom = request.expiredInviteId;
    return { claimed: true, count: record.reinviteCount };
  }

  async releaseReinvite(email: string, expiredInviteId: string): Promise<void> {
    const record = this.#invites.get(normaliseEmail(email));
    if (record?.reinvitedFrom !== expiredInviteId) return;
    record.reinviteCount = Math.max(0, (record.reinviteCount ?? 1) - 1);
    delete record.reinvitedFrom;
  }

  async listNeedingAction(): Promise<InviteRecord[]> {
    const waiting = [...this.#invites.values()].filter(
      (record) => record.lastOutcome === 'failed' && needsAction(record.failureCode),
    );
    return copy(waiting.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)));
  }

  async getJob(jobId: string, options: { failureLimit?: number } = {}): Promise<JobSnapshot | undefined> {
    const entry = this.#jobs.get(jobId);
    if (!entry) return undefined;
    const failures = [...entry.items.values()]
      .filter((item) => item.outcome === 'failed')
      .sort((a, b) => a.index - b.index)
      .slice(0, options.failureLimit ?? DEFAULT_FAILURE_LIMIT);
    return copy({ job: entry.job, failures });
  }

  async listJobs(limit: number): Promise<JobRecord[]> {
    return copy(
      [...this.#jobs.values()]
        .map((entry) => entry.job)
        .filter((job) => job.total !== undefined)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, limit),
    );
  }

  #jobOrNew(jobId: string, time: string) {
    let entry = this.#jobs.get(jobId);
    if (!entry) {
      entry = {
        job: { jobId, counts: zeroCounts(), createdAt: time, updatedAt: time },
        items: new Map<number, JobItemRecord>(),
      };
      this.#jobs.set(jobId, entry);
    }
    return entry;
  }
}
