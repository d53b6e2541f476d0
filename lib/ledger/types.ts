/**
 * What the ledger holds: one record per email (the latest we know of its invite) and, per job,
 * its total, its counters and one record per item with that item's outcome.
 */
import type { InviteStatus, InviteProject } from '../openai/types';

/** How an item of a job (or an invite by any path) ended. */
export const OUTCOMES = ['created', 'already_invited', 'revoked', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * Who asked: `api`, `cli`, a webhook provider's name (`greenhouse`, `okta`, …), `queue` (a message
 * another system put on the bulk queue), as the bulk queue's `source` attribute carries it.
 */
export type Source = string;

/** One invite the product handled, by the lower-cased email: the latest we know of it. */
export interface InviteRecord {
  email: string;
  inviteId?: string;
  /** `offboarded`: the person was removed from the organization (OFFBOARD_MEMBERS). */
  status?: InviteStatus | 'revoked' | 'offboarded';
  role?: string;
  projects?: InviteProject[];
  source: Source;
  jobId?: string;
  index?: number;
  lastOutcome: Outcome;
  failureCode?: string;
  failureMessage?: string;
  /** Re-invites of an expired invite the sweeper claimed for this email (lib/lifecycle/). */
  reinviteCount?: number;
  /** The expired invite the last claimed re-invite replaces: one claim per expired invite. */
  reinvitedFrom?: string;
  /** ISO-8601: when the ledger first heard of this email. */
  createdAt: string;
  /** ISO-8601: the event this record reflects; an older event never overwrites a newer one. */
  updatedAt: string;
}

/** An outcome to record for an email (API create/delete, a webhook, or a job's item). */
export interface InviteEvent {
  email: string;
  outcome: Outcome;
  source: Source;
  inviteId?: string;
  status?: InviteRecord['status'];
  role?: string;
  projects?: InviteProject[];
  /** For a failure: a short code (`invalid_invite`, `rate_limit_exceeded`, …) and the reason. */
  code?: string;
  message?: string;
  /** ISO-8601, default now. */
  at?: string;
}

/** A job's item outcome: the invite event plus where it sits in its job. */
/** `email` is '' for an item without a usable one (an invalid item of a job): no email record is written. */
export interface ItemOutcome extends InviteEvent {
  jobId: string;
  index: number;
}

/** Asks to re-invite `email`, whose invite `expiredInviteId` expired, as its `max`-th time at most. */
export interface ReinviteClaimRequest {
  email: string;
  expiredInviteId: string;
  max: number;
}

/** Why a re-invite was not claimed: no record, revoked, `max` reached, or another sweep has it. */
export type ReinviteRefusal = 'unknown' | 'revoked' | 'limit_reached' | 'already_claimed';

export type ReinviteClaim = { claimed: true; count: number } | { claimed: false; reason: ReinviteRefusal };

export type OutcomeCounts = Record<Outcome, number>;

export interface JobRecord {
  jobId: string;
  /** Items in the job; undefined when outcomes arrived for a job nobody started (then settled counts). */
  total?: number;
  source?: Source;
  counts: OutcomeCounts;
  createdAt: string;
  updatedAt: string;
}

export interface JobItemRecord {
  jobId: string;
  index: number;
  email: string;
  outcome: Outcome;
  code?: string;
  message?: string;
  updatedAt: string;
}

/** A job as the progress route needs it: the job record and its failed items (first ones by index). */
export interface JobSnapshot {
  job: JobRecord;
  failures: JobItemRecord[];
}

export interface StartJob {
  jobId: string;
  total: number;
  source: Source;
  /** ISO-8601, default now. */
  at?: string;
}

export const zeroCounts = (): OutcomeCounts => ({ created: 0, already_invited: 0, revoked: 0, failed: 0 });

/**
 * Failure codes that wait for a person: a leaver still in the OpenAI organization (offboarding
 * off, or an owner, never removed automatically). `openai-invites offboarding list` shows them.
 */
export const NEEDS_ACTION_CODES = ['revoke_needs_offboarding', 'owner_not_removed'] as const;

export const needsAction = (code: string | undefined): boolean =>
  (NEEDS_ACTION_CODES as readonly (string | undefined)[]).includes(code);

/** Emails are one person however they are cased. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
