/**
 * The bulk worker: record → action → outcome, with Powertools batch processing.
 *
 * What a record is comes from messages.ts (`decodeRecord`); what a failure means from
 * failure-policy.ts (`classify`); dead-letter messages are written by dead-letter.ts. Here:
 *
 * - Invite: created, or "already invited / already a member" (deduplicated), so a redelivered
 *   message never makes a second invite.
 * - Revocation: the pending invite for the email is deleted; none → success; an accepted one (or
 *   a member without one) → with `offboardMembers`, the user is removed (an owner never:
 *   dead-lettered `owner_not_removed`); without, logged and recorded as needing offboarding.
 * - Whole job: fanned out into one-invite messages (fan-out.ts), or dead-lettered once, whole.
 * - Poison (not JSON, an invalid invite or email): dead-lettered at once with its reason.
 * - A failure: `throttle` → re-sent with a delay (no receive consumed); `retry` → reported in
 *   `batchItemFailures`, back after the policy's delay; `dead_letter` → to the DLQ with its reason.
 *
 * A little over 250 lines because the three record kinds' actions and the three failure actions
 * read best side by side; each decision itself lives in its own module.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { InvitesError } from '../commons/errors';
import { audit, logger } from '../commons/logger';
import type { OpenAIInvitesClient } from '../openai/client';
import { DeadLetterWriter } from './dead-letter';
import { classify, type FailurePolicyOptions } from './failure-policy';
import { fanOutJob } from './fan-out';
import { inviteLookupOf } from '../ledger/invite-lookup';
import type { Ledger } from '../ledger/ledger';
import { type DecodedRecord, decodeRecord, encodeThrottledResend, type MessageMeta } from './messages';
import { OutcomeRecorder } from './outcome-recorder';
import type { EndpointPacers } from './endpoint-pacers';
import type { MessageQueue } from './queue';
import { offboardMember } from './offboard-member';
import { revokeInvite } from './revoke-invite';

export interface BulkWorkerOptions {
  client: OpenAIInvitesClient;
  /** The bulk queue: jobs are fanned out onto it, throttled records re-sent to it. */
  queue: MessageQueue;
  deadLetterQueue: MessageQueue;
  metrics?: Metrics;
  /** This container's pacers, one per endpoint (its calls wait for them); told the invocation's deadline. */
  pacer?: EndpointPacers;
  /** Retry delays (failure-policy.ts FAILURE_DEFAULTS). */
  failurePolicy?: FailurePolicyOptions;
  /** Where settled outcomes are recorded (job progress); none = not recorded. */
  ledger?: Ledger;
  /** Remove leavers who are already members (OFFBOARD_MEMBERS); default false. */
  offboardMembers?: boolean;
}

type Outcome =
  | 'created'
  | 'deduplicated'
  | 'dead_lettered'
  | 'fanned_out'
  | 'fanned_out_in_part'
  | 'throttled'
  | 'revoked'
  | 'revoke_no_pending_invite'
  | 'revoke_needs_offboarding'
  | 'offboarded';

/** Thrown for a record to be retried; carries nothing secret. */
class RetryLater extends Error {}

const NEEDS_OFFBOARDING_REASON =
  'The invite was already accepted: remove the user from the OpenAI organization.';

/** SQS's longest visibility timeout is 12 hours. */
const MAX_VISIBILITY_SECONDS = 12 * 3600;

export class BulkInviteWorker {
  readonly #options: BulkWorkerOptions;
  readonly #deadLetters: DeadLetterWriter;
  readonly #recorder: OutcomeRecorder;
  readonly #processor = new BatchProcessor(EventType.SQS);

  constructor(options: BulkWorkerOptions) {
    this.#options = options;
    this.#deadLetters = new DeadLetterWriter(options.deadLetterQueue);
    this.#recorder = new OutcomeRecorder(options.ledger, options.metrics);
  }

  async handle(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const deadline = this.#options.client.deadlineWithin(context.getRemainingTimeInMillis());
    this.#options.pacer?.setDeadline(deadline);
    try {
      return await processPartialResponse(
        event,
        (record: SQSRecord) => this.#process(record, deadline),
        this.#processor,
        // A batch that failed whole because OpenAI is down is not a function error.
        { context, throwOnFullBatchFailure: false },
      );
    } finally {
      this.#options.pacer?.setDeadline(undefined);
      if (this.#options.metrics?.hasStoredMetrics()) this.#options.metrics.publishStoredMetrics();
    }
  }

  async #process(record: SQSRecord, deadline: number): Promise<void> {
    const startedAt = performance.now();
    const decoded = decodeRecord(record);
    const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
    const context = { messageId: record.messageId, jobId: decoded.meta.jobId, source: decoded.meta.source };
    const log = (level: 'info' | 'warn', outcome: string, extra: Record<string, unknown> = {}) =>
      logger[level]('bulk record', {
        ...context,
        receiveCount,
        attempt: decoded.meta.attempt,
        outcome,
        ...extra,
        durationMs: Math.round(performance.now() - startedAt),
      });
    let outcome: Outcome;
    try {
      outcome = await this.#act(decoded, record, deadline);
    } catch (error) {
      const failure = error instanceof InvitesError ? error : undefined;
      const errorCode = failure?.code ?? (error as Error)?.name;
      const decision = classify(
        error,
        { receiveCount, pacerWaitMs: this.#options.pacer?.waitMs() },
        this.#options.failurePolicy,
      );
      if (decision.action === 'dead_letter') {
        outcome = await this.#deadLetter(record, decision);
        await this.#recorder.failed(decoded.meta, emailOf(decoded), decision.code, decision.reason);
      } else if (
        decision.action === 'throttle' &&
        (await this.#resend(record, decoded.meta, decision.delaySeconds))
      ) {
        this.#count('InvitesThrottled');
        return log('info', 'throttled', { errorCode, delaySeconds: decision.delaySeconds });
      } else {
        const delaySeconds = await this.#delayRetry(record, decision.delaySeconds);
        this.#count('InvitesRetried');
        log('warn', 'retry', { errorCode, errorMessage: failure?.message, retryAfterSeconds: delaySeconds });
        throw new RetryLater(errorCode ?? 'transient failure');
      }
    }
    log('info', outcome);
  }

  async #act(decoded: DecodedRecord, record: SQSRecord, deadline: number): Promise<Outcome> {
    switch (decoded.kind) {
      case 'poison': {
        const outcome = await this.#deadLetter(record, decoded);
        await this.#recorder.failed(decoded.meta, decoded.email, decoded.code, decoded.reason);
        return outcome;
      }
      case 'job':
        return this.#fanOut(record, decoded.body, decoded.meta);
      case 'revoke':
        return this.#revoke(record, decoded.email, decoded.meta, deadline);
      case 'invite': {
        const invite = await this.#options.client.createInviteIfAbsent(decoded.request, {
          deadline,
          replacePending: decoded.meta.replacePending,
          // A duplicate the ledger knows costs one retrieve, not a listing of every invite.
          knownInvites: inviteLookupOf(this.#options.ledger, decoded.meta.source, this.#options.metrics),
        });
        this.#count(invite ? 'InvitesCreated' : 'InvitesDeduplicated');
        await this.#recorder.invited(decoded.meta, decoded.request, invite);
        if (!invite) return 'deduplicated';
        const { jobId, source } = decoded.meta;
        audit('invite.created', `bulk:${source}`, { jobId, email: invite.email, inviteId: invite.id });
        return 'created';
      }
    }
  }

  /**
   * A revocation: delete the pending invite for the email. No invite → nothing to do; only an
   * accepted one (or OpenAI refusing because it was accepted meanwhile) → the person is already a
   * member: removed with `offboardMembers` (#offboard), else logged as a warning, recorded as
   * needing offboarding in OpenAI and counted as handled.
   */
  async #revoke(record: SQSRecord, email: string, meta: MessageMeta, deadline: number): Promise<Outcome> {
    const revocation = await revokeInvite(this.#options.client, email, {
      deadline,
      knownInvites: inviteLookupOf(this.#options.ledger, meta.source, this.#options.metrics),
    });
    // A member may have joined without an invite of ours still listed: only offboarding asks.
    const offboarded =
      this.#options.offboardMembers && revocation.outcome !== 'revoked'
        ? await this.#offboard(email, meta, deadline)
        : undefined;
    if (offboarded) return offboarded;
    // Offboarding found no member (an accepted invite's user already gone): nothing is left to do.
    if (revocation.outcome === 'no_pending_invite' || offboarded === null) {
      this.#count('RevocationsWithoutInvite');
      await this.#recorder.revoked(meta, email);
      return 'revoke_no_pending_invite';
    }
    if (revocation.outcome === 'needs_offboarding') {
      this.#count('RevocationsNeedingOffboarding');
      logger.warn('revocation needs offboarding', {
        messageId: record.messageId,
        jobId: meta.jobId,
        email,
        inviteId: revocation.inviteId,
        reason: NEEDS_OFFBOARDING_REASON,
      });
      await this.#recorder.failed(meta, email, 'revoke_needs_offboarding', NEEDS_OFFBOARDING_REASON);
      return 'revoke_needs_offboarding';
    }
    this.#count('InvitesRevoked');
    await this.#recorder.revoked(meta, email, revocation.inviteId);
    audit('invite.revoked', `bulk:${meta.source}`, {
      jobId: meta.jobId,
      email,
      inviteId: revocation.inviteId,
    });
    return 'revoked';
  }

  /**
   * Removes the member with this email; null when there is none. An owner throws
   * `OwnerNotRemovedError`: the failure policy dead-letters it.
   */
  async #offboard(email: string, meta: MessageMeta, deadline: number): Promise<Outcome | null> {
    const offboarding = await offboardMember(this.#options.client, email, { deadline });
    if (offboarding.outcome === 'not_a_member') return null;
    const { user } = offboarding;
    this.#count('MembersOffboarded');
    await this.#recorder.offboarded(meta, email);
    audit('user.removed', `bulk:${meta.source}`, {
      jobId: meta.jobId,
      email,
      userId: user.id,
      role: user.role,
    });
    return 'offboarded';
  }

  async #fanOut(record: SQSRecord, body: object, meta: MessageMeta): Promise<Outcome> {
    const result = await fanOutJob(record, body, meta, this.#options.queue, {
      failurePolicy: this.#options.failurePolicy,
      recorder: this.#recorder,
    });
    return result.outcome === 'invalid' ? this.#deadLetter(record, result) : result.outcome;
  }

  async #deadLetter(
    record: SQSRecord,
    failure: { code: string; reason: string; status?: number },
  ): Promise<Outcome> {
    await this.#deadLetters.write(record, failure);
    this.#count('InvitesFailed');
    return 'dead_lettered';
  }

  /** The record again, one attempt further, after `delaySeconds`; false when SQS would not take it. */
  async #resend(record: SQSRecord, meta: MessageMeta, delaySeconds: number): Promise<boolean> {
    try {
      await this.#options.queue.send({ ...encodeThrottledResend(record, meta.attempt + 1), delaySeconds });
      return true;
    } catch (error) {
      logger.warn('could not re-send a throttled record', { messageId: record.messageId, error });
      return false;
    }
  }

  /** Hides a record that will be retried until the policy's delay has passed. */
  async #delayRetry(record: SQSRecord, delaySeconds: number): Promise<number> {
    const visibility = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, delaySeconds));
    // If this fails the record still returns, after the queue's own visibility timeout.
    await this.#options.queue
      .changeVisibility(record.receiptHandle, visibility)
      .catch((changeError: unknown) =>
        logger.warn('could not change visibility', { messageId: record.messageId, error: changeError }),
      );
    return visibility;
  }

  #count(name: string, value = 1): void {
    if (value > 0) this.#options.metrics?.addMetric(name, MetricUnit.Count, value);
  }
}

/** The person a record is about, when it names one. */
const emailOf = (decoded: DecodedRecord): string | undefined =>
  decoded.kind === 'invite' ? decoded.request.email : decoded.kind === 'revoke' ? decoded.email : undefined;
