/**
 * The worker's outcomes in the ledger (lib/ledger/): one write per settled record, as an item of
 * its job when the message names one (`job_id`, `index`), else as the email's latest outcome.
 * Transient failures write nothing, so the item stays pending until it settles. Every write goes
 * through `recordSafely`: a ledger that is down never turns a made invite into a retry.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logger } from '../commons/logger';
import type { Ledger } from '../ledger/ledger';
import { recordSafely } from '../ledger/record-safely';
import type { InviteEvent } from '../ledger/types';
import type { Invite, InviteRequest } from '../openai/types';
import type { MessageMeta } from './messages';

export class OutcomeRecorder {
  constructor(
    private readonly ledger: Ledger | undefined,
    private readonly metrics?: Metrics,
  ) {}

  /** A job is known, with its total, before its items settle (idempotent: a retried job changes nothing). */
  async jobStarted(jobId: string, total: number, source: string): Promise<void> {
    const ledger = this.ledger;
    if (!ledger) return;
    await recordSafely(() => ledger.startJob({ jobId, total, source }), {
      what: { action: 'job.start', jobId, total },
      metrics: this.metrics,
    });
  }

  /** An invite made (`invite` given) or found already there (undefined). */
  async invited(meta: MessageMeta, request: InviteRequest, invite: Invite | undefined): Promise<void> {
    await this.#record(meta, {
      email: request.email,
      outcome: invite ? 'created' : 'already_invited',
      role: request.role,
      ...(request.projects ? { projects: request.projects } : {}),
      ...(invite ? { inviteId: invite.id, status: invite.status } : {}),
    });
  }

  /** A revocation settled: the pending invite deleted (or there was none). */
  async revoked(meta: MessageMeta, email: string, inviteId?: string): Promise<void> {
    await this.#record(meta, { email, outcome: 'revoked', status: 'revoked', inviteId });
  }

  /** A leaver removed from the OpenAI organization (OFFBOARD_MEMBERS). */
  async offboarded(meta: MessageMeta, email: string): Promise<void> {
    await this.#record(meta, { email, outcome: 'revoked', status: 'offboarded' });
  }

  /** A record that will not succeed (dead-lettered, or a leaver who needs offboarding by a person). */
  async failed(meta: MessageMeta, email: string | undefined, code: string, message: string): Promise<void> {
    // Without an email there is no person to record (a body that is not an invite at all)…
    if (email === undefined && (meta.jobId === undefined || meta.index === undefined)) return;
    // …but an item of a job still counts as failed in it ('' = no email record).
    await this.#record(meta, { email: email ?? '', outcome: 'failed', code, message });
  }

  /**
   * The places of a job's items already failed with `code` (e.g. dead-lettered by an earlier
   * delivery of the same whole-job message). Empty without a ledger, or when it cannot be read.
   */
  async failedIndexes(jobId: string, code: string, limit: number): Promise<Set<number>> {
    const ledger = this.ledger;
    if (!ledger) return new Set();
    try {
      const snapshot = await ledger.getJob(jobId, { failureLimit: limit });
      return new Set(
        (snapshot?.failures ?? [])
          .filter((item) => item.outcome === 'failed' && item.code === code)
          .map((item) => item.index),
      );
    } catch (error) {
      logger.warn('could not read the job from the ledger', { jobId, error });
      return new Set();
    }
  }

  async #record(meta: MessageMeta, event: Omit<InviteEvent, 'source'>): Promise<void> {
    const ledger = this.ledger;
    if (!ledger) return;
    const { jobId, index, source } = meta;
    const full = { ...event, source };
    await recordSafely(
      () =>
        jobId === undefined
          ? ledger.recordInvite(full)
          : // A revocation from a webhook names its job (the event) but no index: it is item 0.
            ledger.recordItem({ ...full, jobId, index: index ?? 0 }),
      { what: { action: `item.${event.outcome}`, jobId, index }, metrics: this.metrics },
    );
  }
}
