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
        cause,
      },
    );
  }
}
