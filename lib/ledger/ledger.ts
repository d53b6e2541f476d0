/**
 * The ledger's interface: what every path that changes invites records, and what the job route
 * reads. `DynamoDbLedger` (AWS), `MemoryLedger` (unit tests) and `SqliteLedger` (`npm start`,
 * local/) behave alike; all apply the rules of outcomes.ts, so a redelivered outcome never counts twice.
 */
import type { InviteEvent, InviteRecord, ItemOutcome, JobSnapshot, StartJob } from './types';

export interface Ledger {
  /** Where the records live, for `npm start`'s banner and logs. */
  readonly description: string;

  /**
   * Registers a job and its total before its items are enqueued. Idempotent: a second call for
   * the same job id (a redelivered whole-job message) changes nothing.
   */
  startJob(job: StartJob): Promise<void>;

  /**
   * Records how one item of a job ended, moves the job's counters accordingly and updates the
   * email's record. Idempotent under redelivery (see outcomes.ts).
   */
  recordItem(outcome: ItemOutcome): Promise<void>;

  /** Records an outcome for an email outside any job (API create/delete). */
  recordInvite(event: InviteEvent): Promise<void>;

  /** The email's record (any case), or undefined when the ledger never heard of it. */
  getInvite(email: string): Promise<InviteRecord | undefined>;

  /**
   * Email records whose latest outcome is a failure a person must settle (NEEDS_ACTION_CODES in
   * types.ts), newest first. A later outcome for the email (offboarded, invited again) ends it.
   */
  listNeedingAction(): Promise<InviteRecord[]>;

  /** The job and its first `failureLimit` failures by index (default 100), or undefined when unknown. */
  getJob(jobId: string, options?: { failureLimit?: number }): Promise<JobSnapshot | undefined>;
}

export const DEFAULT_FAILURE_LIMIT = 100;

/** ISO-8601 of now, or of the event's own time. */
export const timeOf = (at: string | undefined, now: () => Date): string => at ?? now().toISOString();
