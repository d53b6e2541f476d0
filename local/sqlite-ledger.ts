/**
 * The ledger of `npm start`, in its state store (local/state-store.ts), so job progress and the
 * emails' records outlive a restart. Same rules as MemoryLedger and DynamoDbLedger (outcomes.ts),
 * same answers: test/integration/ledger.test.ts runs one suite on all three. Each call is one
 * SQLite transaction, so concurrent deliveries of one item serialise as DynamoDB's conditional
 * writes make them.
 */
import { DEFAULT_FAILURE_LIMIT, type Ledger, reinviteRefusalOf, timeOf } from '../lib/ledger/ledger';
import { transitionOf } from '../lib/ledger/outcomes';
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
} from '../lib/ledger/types';
import type { StateStore } from './state-store';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS ledger_invites (email TEXT PRIMARY KEY, record TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS ledger_jobs (job_id TEXT PRIMARY KEY, record TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS ledger_items (
    job_id TEXT NOT NULL,
    item_index INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (job_id, item_index)
  );
`;

const parsed = <T>(row: { record: string } | undefined): T | undefined =>
  row ? (JSON.parse(row.record) as T) : undefined;

export class SqliteLedger implements Ledger {
  readonly description: string;

  constructor(
    private readonly store: StateStore,
    private readonly now: () => Date = () => new Date(),
  ) {
    store.db.exec(SCHEMA);
    this.description = `SQLite in ${store.location} (kept across restarts)`;
  }

  async startJob({ jobId, total, source, at }: StartJob): Promise<void> {
    this.store.transaction(() => {
      const existing = this.#job(jobId);
      const time = timeOf(at, this.now);
      if (!existing) {
        this.#putJob({ jobId, total, source, counts: zeroCounts(), createdAt: time, updatedAt: time });
      } else if (existing.total === undefined) {
        // Outcomes arrived before the job was started: keep their counts, learn the total.
        this.#putJob({ ...existing, total, source });
      }
    });
  }

  async recordItem(outcome: ItemOutcome): Promise<void> {
    this.store.transaction(() => {
      const time = timeOf(outcome.at, this.now);
      const job = this.#job(outcome.jobId) ?? {
        jobId: outcome.jobId,
        counts: zeroCounts(),
        createdAt: time,
        updatedAt: time,
      };
      const previous = parsed<JobItemRecord>(
        this.store.db
          .prepare('SELECT record FROM ledger_items WHERE job_id = ? AND item_index = ?')
          .get(outcome.jobId, outcome.index) as { record: string } | undefined,
      );
      const transition = transitionOf(previous?.outcome, outcome.outcome);
      if (transition.kind === 'keep') {
        // As DynamoDbLedger: the same outcome again rewrites the email's record, nothing else.
        if (previous?.outcome === outcome.outcome && outcome.email) this.#writeInvite(outcome);
        return;
      }
      const item: JobItemRecord = {
        jobId: outcome.jobId,
        index: outcome.index,
        email: normaliseEmail(outcome.email),
        outcome: outcome.outcome,
        ...(outcome.outcome === 'failed' ? { code: outcome.code, message: outcome.message } : {}),
        updatedAt: time,
      };
      this.store.db
        .prepare(
          'INSERT OR REPLACE INTO ledger_items (job_id, item_index, outcome, record) VALUES (?, ?, ?, ?)',
        )
        .run(item.jobId, item.index, item.outcome, JSON.stringify(item));
      if (transition.kind === 'move') {
        if (transition.from) job.counts[transition.from] -= 1;
        job.counts[transition.to] += 1;
        job.updatedAt = this.now().toISOString();
      }
      // A job first heard of through this outcome is written even when only the reason changed.
      this.#putJob(job);
      // An item without a usable email (an invalid item of a job) counts in its job, nowhere else.
      if (outcome.email) this.#writeInvite(outcome);
    });
  }

  async recordInvite(event: InviteEvent): Promise<void> {
    this.store.transaction(() => this.#writeInvite(event));
  }

  async getInvite(email: string): Promise<InviteRecord | undefined> {
    return this.#invite(normaliseEmail(email));
  }

  async claimReinvite(request: ReinviteClaimRequest): Promise<ReinviteClaim> {
    // One transaction: of two sweeps claiming the same expired invite, one wins.
    return this.store.transaction(() => {
      const record = this.#invite(normaliseEmail(request.email));
      const refusal = reinviteRefusalOf(record, request);
      if (refusal || !record) return refusal ?? { claimed: false, reason: 'unknown' };
      const claimed = { ...record, reinviteCount: (record.reinviteCount ?? 0) + 1 };
      claimed.reinvitedFrom = request.expiredInviteId;
      this.#putInvite(claimed);
      return { claimed: true, count: claimed.reinviteCount };
    });
  }

  async releaseReinvite(email: string, expiredInviteId: string): Promise<void> {
    this.store.transaction(() => {
      const record = this.#invite(normaliseEmail(email));
      if (record?.reinvitedFrom !== expiredInviteId) return;
      const released = { ...record, reinviteCount: Math.max(0, (record.reinviteCount ?? 1) - 1) };
      delete released.reinvitedFrom;
      this.#putInvite(released);
    });
  }

  /** Reads every email record: `npm start`'s ledger holds a few thousand at most. */
  async listNeedingAction(): Promise<InviteRecord[]> {
    const rows = this.store.db.prepare('SELECT record FROM ledger_invites').all() as { record: string }[];
    return rows
      .map((row) => parsed<InviteRecord>(row)!)
      .filter((record) => record.lastOutcome === 'failed' && needsAction(record.failureCode))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  async getJob(jobId: string, options: { failureLimit?: number } = {}): Promise<JobSnapshot | undefined> {
    return this.store.transaction(() => {
      const job = this.#job(jobId);
      if (!job) return undefined;
      const rows = this.store.db
        .prepare(
          "SELECT record FROM ledger_items WHERE job_id = ? AND outcome = 'failed' ORDER BY item_index LIMIT ?",
        )
        .all(jobId, options.failureLimit ?? DEFAULT_FAILURE_LIMIT) as { record: string }[];
      return { job, failures: rows.map((row) => parsed<JobItemRecord>(row)!) };
    });
  }

  /** Reads every job: `npm start`'s ledger holds a few hundred at most. */
  async listJobs(limit: number): Promise<JobRecord[]> {
    const rows = this.store.db.prepare('SELECT record FROM ledger_jobs').all() as { record: string }[];
    return rows
      .map((row) => parsed<JobRecord>(row)!)
      .filter((job) => job.total !== undefined)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
  }

  #writeInvite(event: InviteEvent & { jobId?: string; index?: number }): void {
    const email = normaliseEmail(event.email);
    const time = timeOf(event.at, this.now);
    const existing = this.#invite(email);
    if (existing && existing.updatedAt > time) return; // an older event never overwrites a newer one
    const next: InviteRecord = {
      ...existing,
      email,
      source: event.source,
      lastOutcome: event.outcome,
      createdAt: existing?.createdAt ?? time,
      updatedAt: time,
    };
    for (const key of ['inviteId', 'status', 'role', 'projects', 'jobId', 'index'] as const) {
      if (event[key] !== undefined) (next as unknown as Record<string, unknown>)[key] = event[key];
    }
    if (event.outcome === 'failed')
      Object.assign(next, { failureCode: event.code, failureMessage: event.message });
    else {
      delete next.failureCode;
      delete next.failureMessage;
    }
    this.#putInvite(next);
  }

  #putInvite(record: InviteRecord): void {
    this.store.db
      .prepare('INSERT OR REPLACE INTO ledger_invites (email, record) VALUES (?, ?)')
      .run(record.email, JSON.stringify(record));
  }

  #invite(email: string): InviteRecord | undefined {
    return parsed<InviteRecord>(
      this.store.db.prepare('SELECT record FROM ledger_invites WHERE email = ?').get(email) as
        { record: string } | undefined,
    );
  }

  #job(jobId: string): JobRecord | undefined {
    return parsed<JobRecord>(
      this.store.db.prepare('SELECT record FROM ledger_jobs WHERE job_id = ?').get(jobId) as
        { record: string } | undefined,
    );
  }

  #putJob(job: JobRecord): void {
    this.store.db
      .prepare('INSERT OR REPLACE INTO ledger_jobs (job_id, record) VALUES (?, ?)')
      .run(job.jobId, JSON.stringify(job));
  }
}
