/** The bearer-token authorizer's own failure (its refusals are API Gateway's 401/403). */
import { InvitesError } from '../commons/errors';

/**
 * 500: the bearer tokens' secret is missing, unreadable or malformed (token mode). The authorizer
 * throws it, and API Gateway answers 500, never 401: callers are not to blame.
 */
export class TokenSecretError extends InvitesError {
  constructor(reason: string, options: { cause?: unknown } = {}) {
    super(`The API tokens are unavailable: ${reason}`, {
      status: 500,
      type: 'server_error',
      code: 'api_tokens_unavailable',
      cause: options.cause,
    });
  }
}
