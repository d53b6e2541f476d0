/**
 * What the bulk worker does with a record that failed: the one place that decides, one
 * commented rule per case (modelled on openai-node's `shouldRetry`).
 *
 * - `throttle`: OpenAI (or our own pacer) said "not now", or another processing holds the
 *   person's create claim. The record is re-sent to the queue with a delay and deleted, so throttling never counts towards maxReceiveCount and never
 *   dead-letters an invite, however long it lasts.
 * - `retry`: a failure that may pass (the error says `retryable`, or it is our own setup). The
 *   record is reported in `batchItemFailures` and returns after `delaySeconds`; each return
 *   counts as a receive, so a failure that never passes ends in the DLQ by SQS's redrive.
 * - `dead_letter`: it will never succeed. Sent to the DLQ at once, with its code and reason.
 */
import { InvitesError } from '../commons/errors';
import { UpstreamRateLimitError } from '../openai/errors';
import { CreateClaimHeldError, PacerPausedError } from './errors';

export const FAILURE_DEFAULTS = {
  /** First wait before a transiently failed record returns (no server wait known): WORKER_RETRY_BASE_SECONDS. */
  retryBaseSeconds: 5,
  /** The retry wait doubles per receive up to this. */
  retryMaxSeconds: 900,
  /** SQS's longest message delay: a throttled record's re-send waits at most this. */
  maxThrottleDelaySeconds: 900,
  /** The shortest re-send delay, so a throttled record never comes straight back. */
  minThrottleDelaySeconds: 1,
  /** A record throttled this long is dead-lettered (`rate_limited_too_long`): THROTTLE_GIVE_UP_HOURS. */
  throttleGiveUpHours: 72,
} as const;

export type FailurePolicyOptions = Partial<Record<keyof typeof FAILURE_DEFAULTS, number>>;

export type FailureDecision =
  | { action: 'throttle'; delaySeconds: number }
  | { action: 'retry'; delaySeconds: number }
  | { action: 'dead_letter'; code: string; reason: string; status?: number };

export interface FailureContext {
  /** SQS's ApproximateReceiveCount of the record (1 on its first receive). */
  receiveCount: number;
  /** How long this container's pacer will hold calls back; the wait OpenAI asked for. */
  pacerWaitMs?: number;
  /** Epoch ms when throttling first held the record back (its `throttled_since`), if it has. */
  throttledSince?: number;
  /** Default Date.now(). */
  now?: number;
}

/** Setup problems of our own: they pass once an operator fixes them, so never dead-letter a wave. */
const SETUP_CODES = new Set(['admin_key_unavailable', 'admin_key_rejected', 'configuration_error']);

/** The wait before a transiently failed record returns: base × 2^(receives − 1), capped. */
export const retryDelaySeconds = (receiveCount: number, options: FailurePolicyOptions = {}): number => {
  const { retryBaseSeconds, retryMaxSeconds } = { ...FAILURE_DEFAULTS, ...options };
  const receives = Math.max(1, Math.floor(receiveCount) || 1);
  return Math.min(retryMaxSeconds, retryBaseSeconds * 2 ** (receives - 1));
};

const throttleDelaySeconds = (waitMs: number, options: FailurePolicyOptions): number => {
  const { minThrottleDelaySeconds, maxThrottleDelaySeconds } = { ...FAILURE_DEFAULTS, ...options };
  return Math.min(maxThrottleDelaySeconds, Math.max(minThrottleDelaySeconds, Math.ceil(waitMs / 1000)));
};

/**
 * Re-sent with a delay, until the give-up time: then dead-lettered with `rate_limited_too_long`
 * (the queues' retention exceeds that time with margin, infra/constructs/bulk-queue.ts).
 */
const throttleOrGiveUp = (
  waitMs: number,
  context: FailureContext,
  options: FailurePolicyOptions,
): FailureDecision => {
  const { throttleGiveUpHours } = { ...FAILURE_DEFAULTS, ...options };
  const since = context.throttledSince;
  if (since !== undefined && (context.now ?? Date.now()) - since >= throttleGiveUpHours * 3_600_000) {
    return {
      action: 'dead_letter',
      code: 'rate_limited_too_long',
      reason: `OpenAI's rate limit held this back since ${new Date(since).toISOString()}, longer than THROTTLE_GIVE_UP_HOURS (${throttleGiveUpHours}).`,
      status: 429,
    };
  }
  return { action: 'throttle', delaySeconds: throttleDelaySeconds(waitMs, options) };
};

/** Decides what happens to a record whose processing threw `error`. */
export const classify = (
  error: unknown,
  context: FailureContext,
  options: FailurePolicyOptions = {},
): FailureDecision => {
  // Our pacer holds calls back: nothing was sent; come back when it resumes.
  if (error instanceof PacerPausedError) return throttleOrGiveUp(error.waitMs, context, options);
  // Another processing is creating this person's invite: nothing was sent; back when its claim expires.
  if (error instanceof CreateClaimHeldError) return throttleOrGiveUp(error.waitMs, context, options);
  // OpenAI's rate limit, except an exhausted quota (also a 429), which no wait cures soon.
  if (error instanceof UpstreamRateLimitError && error.code !== 'insufficient_quota') {
    const waitMs = Math.max(error.retryAfterMs ?? 0, context.pacerWaitMs ?? 0);
    return throttleOrGiveUp(waitMs, context, options);
  }
  // Not one of ours: better retried (and, if it persists, redriven by SQS) than lost.
  if (!(error instanceof InvitesError)) {
    return { action: 'retry', delaySeconds: retryDelaySeconds(context.receiveCount, options) };
  }
  // It may pass (the error says so), or it is our own setup (the key, the configuration), which
  // passes once fixed.
  if (error.retryable || (error.code !== null && SETUP_CODES.has(error.code))) {
    const serverWait =
      error instanceof UpstreamRateLimitError && error.retryAfterMs !== undefined
        ? Math.ceil(error.retryAfterMs / 1000)
        : undefined;
    return { action: 'retry', delaySeconds: serverWait ?? retryDelaySeconds(context.receiveCount, options) };
  }
  // Everything else will be refused again: a 4xx of OpenAI's, a malformed answer (502), ….
  return {
    action: 'dead_letter',
    code: error.code ?? 'rejected',
    reason: error.message,
    status: error.status,
  };
};
