/**
 * The bulk worker: record → action → outcome, with Powertools batch processing.
 *
 * What a record is comes from messages.ts (`decodeRecord`); what a failure means from
 * failure-policy.ts (`classify`); dead-letter messages are written by dead-letter.ts. Here:
 *
 * - Invite: the person's `present` is declared, with the message's `groups` if it names any
 *   (people/ordering.ts decides whether it stands); the person's create claim is taken
 *   (create-claim.ts: held by another processing → re-sent with a delay, `claim_held`); an intent
 *   already met gets no second create; else created, or "already invited / already a member"
 *   (deduplicated), so a redelivered message never makes a second invite, even on an upstream
 *   that accepts duplicates.
 * - Revocation: the person's `absent` is declared and the reconciler's rules decide for that one
 *   email (lifecycle/one-person.ts): a pending invite revoked; a member removed only with
 *   `offboardMembers` and authority, never an owner; else listed for a person, never counted revoked.
 * - Whole job: fanned out into one-invite messages (fan-out.ts), each invalid item dead-lettered
 *   alone with its index; a job whose shape cannot be read is dead-lettered once, whole.
 * - Poison (not JSON, an invalid invite or email): dead-lettered at once with its reason.
 * - A failure: `throttle` (a claim held included) → re-sent with a delay (no receive consumed); `retry` → reported in
 *   `batchItemFailures`, back after the policy's delay; `dead_letter` → to the DLQ with its reason.
 *
 * About 350 lines because the three record kinds' actions and the three failure actions
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
import {
  ATTRIBUTE,
  type DecodedRecord,
  decodeRecord,
  encodeThrottledResend,
  type MessageMeta,
  REVOKE_ACTION,
} from './messages';
import { OutcomeRecorder } from './outcome-recorder';
import type { EndpointPacers } from './endpoint-pacers';
import type { MessageQueue } from './queue';
import { declareAndReconcile } from '../lifecycle/one-person';
import { declarationOf, intentMet, REFUSALS } from './person-messages';
import { recordSafely } from '../ledger/record-safely';
import { describeTerms } from '../openai/invite-terms';
import type { InviteRequest } from '../openai/types';
import { intentOf } from '../people/intent';
import { observedInvite } from '../people/observed';
import { MemoryPersonStore } from '../people/memory-store';
import type { PersonStore } from '../people/store';
import { inLane, type Lane } from '../budget/lanes';
import { isReservedSource } from './origins';
import { CreateClaimHeldError } from './errors';
import { type HeldCreateClaim, withCreateClaim } from './create-claim';
import type { Invite } from '../openai/types';

export interface BulkWorkerOptions {
  client: OpenAIInvitesClient;
  /** The bulk queue: jobs are fanned out onto it, throttled records re-sent to it. */
  queue: MessageQueue;
  /**
   * The leaver queue, when there is one of its own (LEAVER_QUEUE_URL): the worker drains it too
   * (its own event source); throttled revocations are re-sent to it, and a record from it is
   * hidden for a retry on it. None: leavers share `queue`.
   */
  leaverQueue?: MessageQueue;
  deadLetterQueue: MessageQueue;
  metrics?: Metrics;
  /** This container's pacers, one per endpoint (its calls wait for them); told the invocation's deadline. */
  pacer?: EndpointPacers;
  /** The shared budget (lib/budget/), when the containers pace together: its pause informs re-send delays. */
  budget?: { waitMs(): number };
  /** Retry delays (failure-policy.ts FAILURE_DEFAULTS). */
  failurePolicy?: FailurePolicyOptions;
  /** Where settled outcomes are recorded (job progress); none = not recorded. */
  ledger?: Ledger;
  /** Remove leavers who are already members (OFFBOARD_MEMBERS); default false. */
  offboardMembers?: boolean;
  /** Where each message's intent is declared (people/); none = a store of this container's own. */
  people?: PersonStore;
}

type Outcome =
  | 'created'
  | 'deduplicated'
  | 'dead_lettered'
  | 'fanned_out'
  | 'fanned_out_in_part'
  | 'throttled'
  | 'claim_held'
  | 'revoked'
  | 'revoke_no_pending_invite'
  | 'revoke_needs_offboarding'
  | 'offboarded'
  | 'refused';

/** Thrown for a record to be retried; carries nothing secret. */
class RetryLater extends Error {}

/** SQS's longest visibility timeout is 12 hours. */
const MAX_VISIBILITY_SECONDS = 12 * 3600;

export class BulkInviteWorker {
  readonly #options: BulkWorkerOptions;
  readonly #deadLetters: DeadLetterWriter;
  readonly #recorder: OutcomeRecorder;
  readonly #processor = new BatchProcessor(EventType.SQS);
  readonly #people: PersonStore;

  constructor(options: BulkWorkerOptions) {
    this.#options = options;
    this.#people = options.people ?? new MemoryPersonStore();
    this.#deadLetters = new DeadLetterWriter(options.deadLetterQueue);
    this.#recorder = new OutcomeRecorder(options.ledger, options.metrics);
  }

  async handle(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const deadline = this.#options.client.deadlineWithin(context.getRemainingTimeInMillis());
    this.#options.pacer?.setDeadline(deadline);
    try {
      return await processPartialResponse(
        leaversFirst(event),
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
      // Every OpenAI call of this record takes the budget in the record's lane (leavers first).
      outcome = await inLane(laneOf(decoded), () => this.#act(decoded, record, deadline));
    } catch (error) {
      const failure = error instanceof InvitesError ? error : undefined;
      const errorCode = failure?.code ?? (error as Error)?.name;
      const decision = classify(
        error,
        {
          receiveCount,
          pacerWaitMs: this.#options.pacer?.waitMs() ?? this.#options.budget?.waitMs(),
          throttledSince: decoded.meta.throttledSince ? Date.parse(decoded.meta.throttledSince) : undefined,
        },
        this.#options.failurePolicy,
      );
      if (decision.action === 'dead_letter') {
        outcome = await this.#deadLetter(record, decision);
        await this.#recorder.failed(decoded.meta, emailOf(decoded), decision.code, decision.reason);
      } else if (
        decision.action === 'throttle' &&
        (await this.#resend(record, decoded.meta, decision.delaySeconds, decoded.kind === 'revoke'))
      ) {
        // Held back by another processing of the same person, not by the rate limit.
        const held = error instanceof CreateClaimHeldError;
        this.#count(held ? 'InvitesClaimHeld' : 'InvitesThrottled');
        return log('info', held ? 'claim_held' : 'throttled', {
          errorCode,
          delaySeconds: decision.delaySeconds,
        });
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
      case 'invite':
        return this.#invite(decoded.request, decoded.groups, decoded.meta, record, deadline);
    }
  }

  /**
   * An invite: the person's `present` is declared first (an older event than the person's
   * newest, or a joiner replayed after a leaver, invites nobody); then, holding the person's
   * create claim, an intent already met by a pending invite the product made gets no second
   * create (a resubmitted job, a redelivery).
   */
  async #invite(
    request: InviteRequest,
    groups: string[] | undefined,
    meta: MessageMeta,
    record: SQSRecord,
    deadline: number,
  ): Promise<Outcome> {
    // The message's groups (an HR department's) are the intent's: granted once a member (lib/access/).
    const intent = { ...intentOf(request), ...(groups ? { groups } : {}) };
    const { outcome: declared } = await this.#people.declare(
      declarationOf(record, meta, request.email, intent),
    );
    if (declared === 'superseded' || declared === 'replayed')
      return this.#refused(meta, request.email, declared);
    // One processing at a time creates this person's invite (create-claim.ts).
    return withCreateClaim(this.#people, request.email, deadline, (claim) =>
      this.#create(request, meta, claim, deadline),
    );
  }

  /** Holding the claim: an intent already met is deduplicated; else created (looking first when unsettled). */
  async #create(
    request: InviteRequest,
    meta: MessageMeta,
    claim: HeldCreateClaim,
    deadline: number,
  ): Promise<Outcome> {
    const { client, ledger, metrics } = this.#options;
    if (await intentMet(claim.person, request, { client, ledger, deadline })) {
      await this.#recordFound(request, meta, undefined, claim);
      return 'deduplicated';
    }
    const result = await client.ensureInvite(request, {
      deadline,
      replacePending: meta.replacePending,
      // A duplicate the ledger knows costs one retrieve, not a listing of every invite.
      knownInvites: inviteLookupOf(ledger, meta.source, metrics),
      // An earlier holder may have created it: an upstream that accepts duplicates would not say.
      lookFirst: claim.unsettled,
      trace: claim.trace,
    });
    const invite = result?.created ? result.invite : undefined;
    if (!invite) {
      await this.#recordFound(request, meta, result?.invite, claim);
      return 'deduplicated';
    }
    this.#count('InvitesCreated');
    await this.#recorder.invited(meta, request, invite);
    const { jobId, source } = meta;
    audit('invite.created', `bulk:${source}`, { jobId, email: invite.email, inviteId: invite.id });
    const at = new Date().toISOString();
    await recordSafely(
      async () =>
        void (await this.#people.update(
          request.email,
          {
            productInvite: { id: invite.id, at },
            observed: observedInvite(invite, at),
            // Recorded: a later holder sees the invite on the person, so the claim is settled with it.
            settleClaim: claim.token,
          },
          [
            {
              kind: 'invited',
              at,
              actor: `bulk:${source}`,
              inviteId: invite.id,
              detail: describeTerms(request),
              ...(jobId ? { reason: `job ${jobId}` } : {}),
            },
          ],
        )),
      { what: { action: 'person.invited', inviteId: invite.id }, metrics: this.#options.metrics },
    );
    return 'created';
  }

  /**
   * A deduplicated invite: counted, recorded for the job, and the claim settled. An invite found
   * after an unsettled claim (an earlier attempt's create, most likely this product's) is recorded
   * as the product's, so a later redelivery finds the intent met without asking OpenAI again.
   */
  async #recordFound(
    request: InviteRequest,
    meta: MessageMeta,
    found: Invite | undefined,
    claim: HeldCreateClaim,
  ): Promise<void> {
    this.#count('InvitesDeduplicated');
    await this.#recorder.invited(meta, request, undefined);
    const at = new Date().toISOString();
    const adopted = found && claim.unsettled;
    await recordSafely(
      async () =>
        void (await this.#people.update(
          request.email,
          {
            ...(found ? { observed: observedInvite(found, at) } : {}),
            ...(adopted ? { productInvite: { id: found.id, at } } : {}),
            settleClaim: claim.token,
          },
          adopted
            ? [
                {
                  kind: 'invited',
                  at,
                  actor: `bulk:${meta.source}`,
                  inviteId: found.id,
                  detail: describeTerms(request),
                  reason: 'found in OpenAI after an earlier attempt that may have created it',
                },
              ]
            : [],
        )),
      { what: { action: 'person.invite_found', inviteId: found?.id }, metrics: this.#options.metrics },
    );
  }

  /** A declaration a newer one overrides: nothing is done, the job says why, the history keeps it. */
  async #refused(meta: MessageMeta, email: string, outcome: 'superseded' | 'replayed'): Promise<Outcome> {
    const [code, reason] = REFUSALS[outcome];
    logger.warn('declaration refused', { jobId: meta.jobId, source: meta.source, email, code });
    await this.#recorder.failed(meta, email, code, reason);
    return 'refused';
  }

  /**
   * A revocation: delete the pending invite for the email. No invite → nothing to do; only an
   * accepted one (or OpenAI refusing because it was accepted meanwhile) → the person is already a
   * member: removed with `offboardMembers` (#offboard), else logged as a warning, recorded as
   * needing offboarding in OpenAI and counted as handled.
   */
  async #revoke(record: SQSRecord, email: string, meta: MessageMeta, deadline: number): Promise<Outcome> {
    const run = () =>
      declareAndReconcile(declarationOf(record, meta, email, { state: 'absent' }), {
        client: this.#options.client,
        store: this.#people,
        ledger: this.#options.ledger,
        knownInvites: inviteLookupOf(this.#options.ledger, meta.source, this.#options.metrics),
        actor: `bulk:${meta.source}`,
        offboardMembers: this.#options.offboardMembers ?? false,
        deadline,
      });
    let outcome = await run();
    // Accepted between the read and the delete: a member now, whom the same rules decide about.
    if (outcome.result?.status === 'skipped' && outcome.result.reason === 'accepted_meanwhile')
      outcome = await run();
    const { declared, action, result } = outcome;
    if (declared.outcome === 'superseded' || declared.outcome === 'replayed')
      return this.#refused(meta, email, declared.outcome);
    const done = result?.status === 'done';
    if (action?.kind === 'revoke' && done) {
      this.#count('InvitesRevoked');
      await this.#recorder.revoked(meta, email, action.inviteId);
      return 'revoked';
    }
    if (action?.kind === 'offboard' && done) {
      this.#count('MembersOffboarded');
      await this.#recorder.offboarded(meta, email);
      return 'offboarded';
    }
    // A member the product may not remove (or not now): listed for a person, never counted revoked.
    const awaiting =
      action?.kind === 'await_person'
        ? action.code
        : action?.userId
          ? declared.person.awaiting?.code
          : undefined;
    if (action && awaiting) {
      this.#count('RevocationsNeedingOffboarding');
      logger.warn('revocation needs offboarding', {
        messageId: record.messageId,
        jobId: meta.jobId,
        email,
        code: awaiting,
        reason: action.reason,
      });
      await this.#recorder.failed(meta, email, awaiting, action.reason);
      return 'revoke_needs_offboarding';
    }
    // Nothing of theirs in OpenAI (or it went meanwhile): the leaver's intent is met.
    this.#count('RevocationsWithoutInvite');
    await this.#recorder.revoked(meta, email);
    return 'revoke_no_pending_invite';
  }

  async #fanOut(record: SQSRecord, body: object, meta: MessageMeta): Promise<Outcome> {
    const result = await fanOutJob(record, body, meta, this.#options.queue, {
      failurePolicy: this.#options.failurePolicy,
      recorder: this.#recorder,
      deadLetterItem: async (failure) => {
        await this.#deadLetters.write(record, failure);
        this.#count('InvitesFailed');
      },
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
  async #resend(
    record: SQSRecord,
    meta: MessageMeta,
    delaySeconds: number,
    leaver: boolean,
  ): Promise<boolean> {
    try {
      const since = meta.throttledSince ?? new Date().toISOString();
      // A leaver's goes back to the leaver queue (even one that came on the bulk queue).
      const queue = leaver ? (this.#options.leaverQueue ?? this.#options.queue) : this.#options.queue;
      await queue.send({
        ...encodeThrottledResend(record, meta.attempt + 1, since),
        delaySeconds,
      });
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
    await this.#sourceOf(record)
      .changeVisibility(record.receiptHandle, visibility)
      .catch((changeError: unknown) =>
        logger.warn('could not change visibility', { messageId: record.messageId, error: changeError }),
      );
    return visibility;
  }

  /** The queue a record was received from: its receipt handle is valid there only. */
  #sourceOf(record: SQSRecord): MessageQueue {
    const { leaverQueue, queue } = this.#options;
    return leaverQueue?.arn !== undefined && record.eventSourceARN === leaverQueue.arn ? leaverQueue : queue;
  }

  #count(name: string, value = 1): void {
    if (value > 0) this.#options.metrics?.addMetric(name, MetricUnit.Count, value);
  }
}

/**
 * The budget lane of a record: a revocation is a leaver's; an invite from an HR system or SCIM
 * a joiner's; bulk jobs' items (and jobs to fan out) wait last.
 */
export const laneOf = (decoded: DecodedRecord): Lane => {
  if (decoded.kind === 'revoke') return 'leaver';
  if (decoded.kind === 'invite' && isReservedSource(decoded.meta.source)) return 'joiner';
  return 'bulk';
};

/** The batch with its revocations first (each record's lane orders its calls; this orders the starts). */
const leaversFirst = (event: SQSEvent): SQSEvent => {
  const isRevoke = (record: SQSRecord) =>
    record.messageAttributes?.[ATTRIBUTE.action]?.stringValue === REVOKE_ACTION;
  return {
    ...event,
    Records: [...event.Records.filter(isRevoke), ...event.Records.filter((r) => !isRevoke(r))],
  };
};

/** The person a record is about, when it names one. */
const emailOf = (decoded: DecodedRecord): string | undefined =>
  decoded.kind === 'invite' ? decoded.request.email : decoded.kind === 'revoke' ? decoded.email : undefined;
