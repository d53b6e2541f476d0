/**
 * The ledger's interface: what every path that changes invites records, and what the job route
 * reads. `DynamoDbLedger` (AWS), `MemoryLedger` (unit tests) and `SqliteLedger` (`npm start`,
 * local/) behave alike; all apply the rules of outcomes.ts, so a redelivered outcome never counts twice.
 */
import type {
  InviteEvent,
  InviteRecord,
  ItemOutcome,
  JobRecord,
  JobSnapshot,
  ReinviteClaim,
  ReinviteClaimRequest,
  StartJob,
} from './types';

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
   * Claims the re-invite of an expired invite before OpenAI is called, atomically: it succeeds
   * only when the email's record exists, is not revoked, has fewer than `max` re-invites and has
   * not claimed this expired invite already. Two sweeps at once: exactly one is granted.
   */
  claimReinvite(request: ReinviteClaimRequest): Promise<ReinviteClaim>;

  /** Gives back a claim whose re-invite failed, so the next sweep may try again. */
  releaseReinvite(email: string, expiredInviteId: string): Promise<void>;

  /**
   * Email records whose latest outcome is a failure a person must settle (NEEDS_ACTION_CODES in
   * types.ts), newest first. A later outcome for the email (offboarded, invited again) ends it.
   */
  listNeedingAction(): Promise<InviteRecord[]>;

  /** The job and its first `failureLimit` failures by index (default 100), or undefined when unknown. */
  getJob(jobId: string, options?: { failureLimit?: number }): Promise<JobSnapshot | undefined>;

  /** The `limit` most recently started jobs, newest first (`openai-invites jobs`, `GET …/bulk`). */
  listJobs(limit: number): Promise<JobRecord[]>;
}

export const DEFAULT_FAILURE_LIMIT = 100;

/** ISO-8601 of now, or of the event's own time. */
export const timeOf = (at: string | undefined, now: () => Date): string => at ?? now().toISOString();

/** The refusal a record gives a claim (the same rule in every ledger), or undefined: granted. */
export const reinviteRefusalOf = (
  record: InviteRecord | undefined,
  { expiredInviteId, max }: { expiredInviteId: string; max: number },
): ReinviteClaim | undefined => {
  if (!record) return { claimed: false, reason: 'unknown' };
  if (record.status === 'revoked' || record.lastOutcome === 'revoked')
    return { claimed: false, reason: 'revoked' };
  if (record.reinvitedFrom === expiredInviteId) return { claimed: false, reason: 'already_claimed' };
  if ((record.reinviteCount ?? 0) >= max) return { claimed: false, reason: 'limit_reached' };
  return undefined;
};
