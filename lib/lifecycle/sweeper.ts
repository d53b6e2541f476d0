/**
 * The invite sweeper (README, "Expired invites"). OpenAI sends no event when an invite expires,
 * so a scheduled sweep reads every invite and re-invites the expired ones the product made and
 * still wants, with their original terms, at most `maxTimes` per email.
 *
 * Safe to run twice at once: each re-invite is claimed in the ledger (a conditional write) before
 * OpenAI is called, so only one sweep sends it; a failed call gives its claim back.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { audit, logger } from '../commons/logger';
import type { OpenAIInvitesClient } from '../openai/client';
import { UserAlreadyExistsError } from '../openai/errors';
import { isExpiredInvite, isLivePendingInvite } from '../openai/invite-terms';
import type { Invite, InviteRequest } from '../openai/types';
import { InvitesError } from '../commons/errors';
import { type Ledger, reinviteRefusalOf } from '../ledger/ledger';
import { recordSafely } from '../ledger/record-safely';
import { type InviteRecord, normaliseEmail, type ReinviteRefusal } from '../ledger/types';
import type { SweepConfig } from './config';

/** The actor of the sweep's audit lines and its ledger records. */
export const SWEEP_ACTOR = 'sweep';

/** Why an expired invite was not re-invited. */
export type SkipReason =
  | ReinviteRefusal
  /** The email holds a newer invite (pending or accepted), or a newer expired one. */
  | 'superseded'
  /** OpenAI says the person is already a member. */
  | 'member'
  /** REINVITE_EXPIRED=false: reported only. */
  | 'disabled'
  /** A dry run: would have been re-invited. */
  | 'dry_run'
  /** The invocation's time ran out before this one. */
  | 'out_of_time';

export interface SweepResult {
  email: string;
  expiredInviteId: string;
  action: 'reinvited' | 'skipped' | 'failed';
  reason?: SkipReason;
  inviteId?: string;
  /** The re-invites this email has had, this one included. */
  count?: number;
  code?: string;
}

export interface SweepSummary {
  dryRun: boolean;
  reinviteExpired: boolean;
  maxTimes: number;
  invitesRead: number;
  expiredSeen: number;
  reinvited: number;
  failed: number;
  skipped: Partial<Record<SkipReason, number>>;
  results: SweepResult[];
}

export interface SweepOptions extends SweepConfig {
  client: OpenAIInvitesClient;
  ledger: Ledger;
  metrics?: Pick<Metrics, 'addMetric'>;
  dryRun?: boolean;
  /** Epoch ms after which no further re-invite starts (the function's own timeout, less a margin). */
  deadline?: number;
}

const pascal = (reason: string): string =>
  reason.replace(/(^|_)([a-z])/g, (_match, _sep, letter: string) => letter.toUpperCase());

/** The terms of the original invite: the ledger's (a default project stays default), else OpenAI's. */
const termsOf = (invite: Invite, record: InviteRecord): InviteRequest => {
  const fromLedger = record.role === 'owner' || record.role === 'reader';
  return fromLedger
    ? { email: invite.email, role: record.role as InviteRequest['role'], projects: record.projects }
    : { email: invite.email, role: invite.role, projects: invite.projects };
};

/** Each email's invites, for the emails that hold an expired one. */
const expiredByEmail = (invites: Invite[]): Map<string, Invite[]> => {
  const byEmail = new Map<string, Invite[]>();
  for (const invite of invites) {
    const email = normaliseEmail(invite.email);
    byEmail.set(email, [...(byEmail.get(email) ?? []), invite]);
  }
  for (const [email, held] of byEmail)
    if (!held.some((invite) => isExpiredInvite(invite))) byEmail.delete(email);
  return byEmail;
};

/**
 * The one expired invite of an email to act on: none while a newer one is pending or accepted;
 * else the one the ledger names, or the newest (`created_at` has whole seconds only).
 */
const candidateOf = (held: Invite[], record: InviteRecord | undefined): Invite | undefined => {
  if (held.some((invite) => invite.status === 'accepted' || isLivePendingInvite(invite))) return undefined;
  const expired = held.filter((invite) => isExpiredInvite(invite));
  return (
    expired.find((invite) => invite.id === record?.inviteId) ??
    expired.reduce((newest, invite) => (invite.created_at > newest.created_at ? invite : newest))
  );
};

export const sweepInvites = async (options: SweepOptions): Promise<SweepSummary> => {
  const { client, ledger, metrics, dryRun = false, deadline } = options;
  const invites: Invite[] = [];
  for await (const invite of client.listAllInvites({ deadline })) invites.push(invite);
  const summary: SweepSummary = {
    dryRun,
    reinviteExpired: options.reinviteExpired,
    maxTimes: options.maxTimes,
    invitesRead: invites.length,
    expiredSeen: 0,
    reinvited: 0,
    failed: 0,
    skipped: {},
    results: [],
  };
  const skip = (invite: Invite, reason: SkipReason) => {
    summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1;
    summary.results.push({
      email: normaliseEmail(invite.email),
      expiredInviteId: invite.id,
      action: 'skipped',
      reason,
    });
  };
  for (const [email, held] of expiredByEmail(invites)) {
    const record = await ledger.getInvite(email);
    const invite = candidateOf(held, record);
    for (const other of held.filter((expired) => expired !== invite && isExpiredInvite(expired))) {
      summary.expiredSeen += 1;
      skip(other, 'superseded');
    }
    if (!invite) continue;
    summary.expiredSeen += 1;
    const refusal = reinviteRefusalOf(record, { expiredInviteId: invite.id, max: options.maxTimes });
    if (refusal?.claimed === false) skip(invite, refusal.reason);
    else if (!options.reinviteExpired) skip(invite, 'disabled');
    else if (dryRun) skip(invite, 'dry_run');
    else if (deadline !== undefined && Date.now() >= deadline) skip(invite, 'out_of_time');
    else await reinvite(invite, record!, options, summary, skip);
  }
  publish(summary, metrics);
  return summary;
};

const reinvite = async (
  invite: Invite,
  record: InviteRecord,
  { client, ledger, maxTimes, deadline, metrics }: SweepOptions,
  summary: SweepSummary,
  skip: (invite: Invite, reason: SkipReason) => void,
): Promise<void> => {
  const email = normaliseEmail(invite.email);
  const claim = await ledger.claimReinvite({ email, expiredInviteId: invite.id, max: maxTimes });
  if (!claim.claimed) return skip(invite, claim.reason);
  const request = termsOf(invite, record);
  try {
    const { invite: fresh } = await client.createInvite(request, {
      deadline: deadline === undefined ? undefined : Math.min(deadline, client.deadlineWithin()),
    });
    summary.reinvited += 1;
    summary.results.push({
      email,
      expiredInviteId: invite.id,
      action: 'reinvited',
      inviteId: fresh.id,
      count: claim.count,
    });
    audit('invite.reinvited', SWEEP_ACTOR, {
      email,
      inviteId: fresh.id,
      expiredInviteId: invite.id,
      reinviteCount: claim.count,
    });
    await recordSafely(
      () =>
        ledger.recordInvite({
          email,
          outcome: 'created',
          source: SWEEP_ACTOR,
          inviteId: fresh.id,
          status: fresh.status,
          role: request.role,
          projects: request.projects,
        }),
      { what: { action: 'invite.reinvited', inviteId: fresh.id }, metrics },
    );
  } catch (error) {
    // Not sent (or refused): give the claim back, so the next sweep may try again.
    await recordSafely(() => ledger.releaseReinvite(email, invite.id), {
      what: { action: 'reinvite.release', expiredInviteId: invite.id },
      metrics,
    });
    if (error instanceof UserAlreadyExistsError) return skip(invite, 'member');
    const code = error instanceof InvitesError ? (error.code ?? error.name) : (error as Error)?.name;
    summary.failed += 1;
    summary.results.push({ email, expiredInviteId: invite.id, action: 'failed', code });
    logger.warn('re-invite failed', { email, expiredInviteId: invite.id, errorCode: code });
    await recordSafely(
      () =>
        ledger.recordInvite({
          email,
          outcome: 'failed',
          source: SWEEP_ACTOR,
          code,
          message: (error as Error)?.message,
        }),
      { what: { action: 'invite.reinvite_failed', expiredInviteId: invite.id }, metrics },
    );
  }
};

/** Counts as metrics, and the sweep's one summary log line. */
const publish = (summary: SweepSummary, metrics: SweepOptions['metrics']): void => {
  const { results: _results, ...counts } = summary;
  const skipped = Object.values(summary.skipped).reduce((sum, count) => sum + count, 0);
  metrics?.addMetric('ExpiredSeen', MetricUnit.Count, summary.expiredSeen);
  metrics?.addMetric('Reinvited', MetricUnit.Count, summary.reinvited);
  metrics?.addMetric('ReinviteFailed', MetricUnit.Count, summary.failed);
  metrics?.addMetric('Skipped', MetricUnit.Count, skipped);
  for (const [reason, count] of Object.entries(summary.skipped)) {
    metrics?.addMetric(`Skipped${pascal(reason)}`, MetricUnit.Count, count);
  }
  logger.info('invite sweep', { sweep: counts });
};
