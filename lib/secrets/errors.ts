/** The Admin-key secret could not be used. */
import { InvitesError } from '../commons/errors';

/**
 * The Admin-key secret is missing, empty, malformed or unreadable: 500, or 503 when the read
 * failed for a reason that may pass (throttling, a network error). Never carries the value.
 */
export class AdminKeyUnavailableError extends InvitesError {
  readonly transient: boolean;

  constructor(reason: string, options: { cause?: unknown; transient?: boolean } = {}) {
    super(`The OpenAI Admin key is unavailable: ${reason}`, {
      status: options.transient ? 503 : 500,
      type: 'server_error',
      code: 'admin_key_unavailable',
      retryable: options.transient ?? false,
      cause: options.cause,
    });
    this.transient = options.transient ?? false;
  }
}
