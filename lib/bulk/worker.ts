/**
 * The bulk worker: one invite a message, processed with Powertools batch processing.
 *
 * - Success: created, or "already invited / already a member" (counted as deduplicated), so a
 *   redelivered message never makes a second invite.
 * - Transient failure (429, 5xx, timeouts, network, the key or the queue unavailable): the record
 *   is reported in `batchItemFailures` and comes back after a visibility timeout set from
 *   Retry-After (or a backoff on its receive count), so it returns when OpenAI allows.
 * - Permanent failure (a 4xx that will never succeed, an unparsable or invalid body): sent to the
 *   dead-letter queue at once with the reason in message attributes, then counted as handled.
 * - A whole job (`{"invites": [...], "job_id"?}`) is fanned out into one-invite messages.
 * - A revocation (attribute `action=revoke`, body `{"email"}`, from the HR webhook): the pending
 *   invite for that email is deleted; none → success; only an accepted one → logged as needing
 *   offboarding (the person is a member: remove them in OpenAI) and counted as handled.
 *
 * Every HTTP attempt to OpenAI waits for this container's share of OPENAI_RATE_LIMIT_RPS.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ATTRIBUTE, checkJob, enqueueInvites } from './jobs';
import { EnqueueFailedError } from './errors';
import { ConfigurationError, InvitesError } from '../commons/errors';
import { AdminKeyRejectedError, UpstreamRateLimitError } from '../openai/errors';
import { AdminKeyUnavailableError } from '../secrets/errors';
import { logger } from '../commons/logger';
import type { MessageQueue } from './queue';
import type { OpenAIInvitesClient } from '../openai/client';
import { isRetryableStatus } from '../openai/retry-policy';
import { type Revocation, revokeInvite } from './revoke-invite';
import { parseInviteRequest } from '../http/validation';
import { ACTION_ATTRIBUTE, REVOKE_ACTION } from '../webhooks/revocations';

/** Dead-letter message attributes that say why. */
export const FAILURE_ATTRIBUTE = {
  reason: 'failure_reason',
  code: 'failure_code',
  status: 'failure_status',
  messageId: 'source_message_id',
  receiveCount: 'receive_count',
} as const;

/** SQS's longest visibility timeout is 12 hours. */
const MAX_VISIBILITY_SECONDS = 12 * 3600;

export interface BulkWorkerOptions {
  client: OpenAIInvitesClient;
  /** The bulk queue: whole jobs are fanned out onto it, and visibility is changed on it. */
  queue: MessageQueue;
  deadLetterQueue: MessageQueue;
  metrics?: Metrics;
  /** First retry delay of a transient failure without Retry-After; doubles per receive. */
  retryBaseSeconds?: number;
  /** Upper bound of that delay. */
  retryMaxSeconds?: number;
}

type Outcome =
  | 'created'
  | 'deduplicated'
  | 'dead_lettered'
  | 'fanned_out'
  | 'revoked'
  | 'revoke_no_pending_invite'
  | 'revoke_needs_offboarding';

/** Would trying again help? Problems of our own (key, config, queue) pass once fixed. */
const isTransient = (error: unknown): boolean => {
  if (
    error instanceof AdminKeyUnavailableError ||
    error instanceof AdminKeyRejectedError ||
    error instanceof ConfigurationError ||
    error instanceof EnqueueFailedError
  ) {
    return true;
  }
  if (error instanceof InvitesError) return isRetryableStatus(error.status);
  return true; // unknown errors: better retried than lost
};

/** Thrown for a record to be retried; carries nothing secret. */
class RetryLater extends Error {}

export class BulkInviteWorker {
  readonly #options: Required<Omit<BulkWorkerOptions, 'metrics'>> & Pick<BulkWorkerOptions, 'metrics'>;
  readonly #processor = new BatchProcessor(EventType.SQS);

  constructor(options: BulkWorkerOptions) {
    this.#options = { retryBaseSeconds: 5, retryMaxSeconds: 900, ...options };
  }

  async handle(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const deadline = this.#options.client.deadlineWithin(context.getRemainingTimeInMillis());
    try {
      return await processPartialResponse(
        event,
        (record: SQSRecord) => this.#process(record, deadline),
        this.#processor,
        // A batch that failed whole because OpenAI throttles is not a function error.
        { context, throwOnFullBatchFailure: false },
      );
    } finally {
      if (this.#options.metrics?.hasStoredMetrics()) this.#options.metrics.publishStoredMetrics();
    }
  }

  async #process(record: SQSRecord, deadline: number): Promise<void> {
    const startedAt = performance.now();
    const context = {
      messageId: record.messageId,
      jobId: record.messageAttributes[ATTRIBUTE.jobId]?.stringValue,
      source: record.messageAttributes[ATTRIBUTE.source]?.stringValue,
      receiveCount: Number(record.attributes.ApproximateReceiveCount),
    };
    try {
      const outcome = await this.#handleRecord(record, deadline);
      logger.info('bulk record', {
        ...context,
        outcome,
        durationMs: Math.round(performance.now() - startedAt),
      });
    } catch (error) {
      const failure = error instanceof InvitesError ? error : undefined;
      const retryAfterSeconds = await this.#delayRetry(record, error);
      this.#count(error instanceof UpstreamRateLimitError ? 'InvitesThrottled' : 'InvitesRetried');
      logger.warn('bulk record', {
        ...context,
        outcome: 'retry',
        errorCode: failure?.code ?? (error as Error)?.name,
        errorMessage: failure?.message,
        retryAfterSeconds,
        durationMs: Math.round(performance.now() - startedAt),
      });
      throw new RetryLater(failure?.code ?? 'transient failure');
    }
  }

  async #handleRecord(record: SQSRecord, deadline: number): Promise<Outcome> {
    const source = record.messageAttributes[ATTRIBUTE.source]?.stringValue ?? 'queue';
    const jobId = record.messageAttributes[ATTRIBUTE.jobId]?.stringValue;
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      return this.#deadLetter(record, { code: 'unparsable_body', reason: 'The message body is not JSON.' });
    }
    if (record.messageAttributes[ACTION_ATTRIBUTE]?.stringValue === REVOKE_ACTION)
      return this.#revoke(record, body, deadline, source, jobId);
    if (typeof body === 'object' && body !== null && 'invites' in body)
      return this.#fanOut(record, body, source);
    let request: ReturnType<typeof parseInviteRequest>;
    try {
      request = parseInviteRequest(body);
    } catch (error) {
      const invalid = error as InvitesError;
      return this.#deadLetter(record, {
        code: 'invalid_invite',
        reason: invalid.message,
        status: invalid.status,
      });
    }
    try {
      const invite = await this.#options.client.createInviteIfAbsent(request, { deadline });
      this.#count(invite ? 'InvitesCreated' : 'InvitesDeduplicated');
      if (invite) {
        const audit = {
          action: 'invite.created',
          caller: `bulk:${source}`,
          jobId,
          email: invite.email,
          inviteId: invite.id,
        };
        logger.info('audit', { audit });
      }
      return invite ? 'created' : 'deduplicated';
    } catch (error) {
      return this.#deadLetterUnlessTransient(record, error);
    }
  }

  /**
   * A revocation: delete the pending invite for the email. No invite → nothing to do; only an
   * accepted one (or OpenAI refusing because it was accepted meanwhile) → the person is already a
   * member, which needs offboarding in OpenAI: logged as a warning and counted as handled.
   */
  async #revoke(
    record: SQSRecord,
    body: unknown,
    deadline: number,
    source: string,
    jobId: string | undefined,
  ): Promise<Outcome> {
    let email: string;
    try {
      ({ email } = parseInviteRequest({ email: (body as { email?: unknown })?.email, role: 'reader' }));
    } catch (error) {
      const invalid = error as InvitesError;
      return this.#deadLetter(record, { code: 'invalid_revocation', reason: invalid.message, status: 400 });
    }
    let revocation: Revocation;
    try {
      revocation = await revokeInvite(this.#options.client, email, { deadline });
    } catch (error) {
      return this.#deadLetterUnlessTransient(record, error);
    }
    if (revocation.outcome === 'no_pending_invite') {
      this.#count('RevocationsWithoutInvite');
      return 'revoke_no_pending_invite';
    }
    if (revocation.outcome === 'needs_offboarding') {
      this.#count('RevocationsNeedingOffboarding');
      logger.warn('revocation needs offboarding', {
        messageId: record.messageId,
        jobId,
        email,
        inviteId: revocation.inviteId,
        reason: 'The invite was already accepted: remove the user from the OpenAI organization.',
      });
      return 'revoke_needs_offboarding';
    }
    this.#count('InvitesRevoked');
    const audit = {
      action: 'invite.revoked',
      caller: `bulk:${source}`,
      jobId,
      email,
      inviteId: revocation.inviteId,
    };
    logger.info('audit', { audit });
    return 'revoked';
  }

  /** A failure that may pass is thrown (the record is retried); any other goes to the DLQ. */
  async #deadLetterUnlessTransient(record: SQSRecord, error: unknown): Promise<Outcome> {
    if (isTransient(error)) throw error;
    const failure = error as InvitesError;
    return this.#deadLetter(record, {
      code: failure.code ?? 'rejected',
      reason: failure.message,
      status: failure.status,
    });
  }

  /** A whole job: valid items become one-invite messages, invalid ones go to the DLQ with their index. */
  async #fanOut(record: SQSRecord, body: object, source: string): Promise<Outcome> {
    let job: ReturnType<typeof checkJob>;
    try {
      job = checkJob(body);
    } catch (error) {
      return this.#deadLetter(record, { code: 'invalid_job', reason: (error as Error).message, status: 400 });
    }
    await enqueueInvites(this.#options.queue, job.valid, { jobId: job.jobId, source });
    for (const item of job.invalid) {
      await this.#options.deadLetterQueue.send({
        body: JSON.stringify((body as { invites: unknown[] }).invites[item.index]),
        attributes: this.#failureAttributes(record, {
          code: 'invalid_invite',
          reason: `${item.param}: ${item.message}`,
          status: 400,
          extra: { [ATTRIBUTE.jobId]: job.jobId, [ATTRIBUTE.index]: String(item.index) },
        }),
      });
    }
    this.#count('InvitesFailed', job.invalid.length);
    logger.info('bulk job fanned out', {
      jobId: job.jobId,
      enqueued: job.valid.length,
      invalid: job.invalid.length,
    });
    return 'fanned_out';
  }

  async #deadLetter(
    record: SQSRecord,
    failure: { code: string; reason: string; status?: number },
  ): Promise<Outcome> {
    await this.#options.deadLetterQueue.send({
      body: record.body,
      attributes: this.#failureAttributes(record, failure),
    });
    this.#count('InvitesFailed');
    logger.warn('bulk record dead-lettered', {
      messageId: record.messageId,
      failureCode: failure.code,
      reason: failure.reason,
    });
    return 'dead_lettered';
  }

  #failureAttributes(
    record: SQSRecord,
    failure: { code: string; reason: string; status?: number; extra?: Record<string, string> },
  ): Record<string, string> {
    const kept = Object.fromEntries(
      Object.entries(record.messageAttributes)
        .filter(([, value]) => value.stringValue !== undefined)
        .map(([name, value]) => [name, value.stringValue as string]),
    );
    return {
      ...kept,
      ...failure.extra,
      [FAILURE_ATTRIBUTE.reason]: failure.reason.slice(0, 1000),
      [FAILURE_ATTRIBUTE.code]: failure.code,
      ...(failure.status ? { [FAILURE_ATTRIBUTE.status]: String(failure.status) } : {}),
      [FAILURE_ATTRIBUTE.messageId]: record.messageId,
      [FAILURE_ATTRIBUTE.receiveCount]: record.attributes.ApproximateReceiveCount,
    };
  }

  /** Hides a record that will be retried until OpenAI allows it (Retry-After) or a backoff passes. */
  async #delayRetry(record: SQSRecord, error: unknown): Promise<number> {
    const { retryBaseSeconds, retryMaxSeconds } = this.#options;
    const receiveCount = Math.max(1, Number(record.attributes.ApproximateReceiveCount) || 1);
    const seconds =
      error instanceof UpstreamRateLimitError && error.retryAfterMs !== undefined
        ? Math.ceil(error.retryAfterMs / 1000)
        : Math.min(retryMaxSeconds, retryBaseSeconds * 2 ** (receiveCount - 1));
    const visibility = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, seconds));
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
