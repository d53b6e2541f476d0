/** A bulk job that cannot be used, or a queue that would not take it. */
import { InvitesError } from '../commons/errors';
import { InvalidRequestError } from '../http/errors';

/** 400: a bulk job's shape (not one of its items) is wrong, so nothing of it can be used. */
export class InvalidJobError extends InvalidRequestError {}

/** 503: the bulk queue would not take every message, even after resending. */
export class EnqueueFailedError extends InvitesError {
  constructor(failed: number, detail: string, cause?: unknown) {
    super(
      `${failed} invites could not be enqueued (${detail}); send the job again: invites are idempotent.`,
      {
        status: 503,
        type: 'server_error',
        code: 'enqueue_failed',
        // SQS refusing is mostly brief; a sender fault (a bad entry) is caught before sending.
        retryable: true,
        cause,
      },
    );
  }
}

/**
 * 429: this container's pacer holds calls back (OpenAI throttled it) past what is left of the
 * invocation. Nothing reached OpenAI; the worker re-sends the record with a delay.
 */
export class PacerPausedError extends InvitesError {
  constructor(readonly waitMs: number) {
    super(`Paused for OpenAI's rate limit; calls resume in ${Math.ceil(waitMs / 1000)} s.`, {
      status: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_paused',
      retryable: true,
    });
  }
}

/**
 * 429: another processing of the same person holds their create claim (create-claim.ts) until
 * `waitMs` from now. Nothing was sent; the worker re-sends the record with that delay.
 */
export class CreateClaimHeldError extends InvitesError {
  constructor(readonly waitMs: number) {
    super(`Another processing is creating this person's invite; back in ${Math.ceil(waitMs / 1000)} s.`, {
      status: 429,
      type: 'rate_limit_error',
      code: 'claim_held',
      retryable: true,
    });
  }
}
