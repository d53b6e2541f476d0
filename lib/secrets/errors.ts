/** The Admin-key secret could not be used. */
import { InvitesError, type OpenAIErrorBody } from '../commons/errors';

/**
 * The error body without the secret's name or ARN (which tell a caller the account, region and
 * naming of the secrets): "secret X was not found" → "the secret was not found". The message,
 * which the function logs, keeps it for the operator.
 */
export const withoutSecretId = (body: OpenAIErrorBody, secretId: string | undefined): OpenAIErrorBody =>
  secretId
    ? {
        error: {
          ...body.error,
          message: body.error.message
            .replaceAll(`secret ${secretId}`, 'the secret')
            .replaceAll(secretId, '…'),
        },
      }
    : body;

/**
 * The Admin-key secret is missing, empty, malformed or unreadable: 500, or 503 when the read
 * failed for a reason that may pass (throttling, a network error). Never carries the value.
 */
export class AdminKeyUnavailableError extends InvitesError {
  readonly transient: boolean;
  readonly #secretId?: string;

  constructor(reason: string, options: { cause?: unknown; transient?: boolean; secretId?: string } = {}) {
    super(`The OpenAI Admin key is unavailable: ${reason}`, {
      status: options.transient ? 503 : 500,
      type: 'server_error',
      code: 'admin_key_unavailable',
      retryable: options.transient ?? false,
      cause: options.cause,
    });
    this.transient = options.transient ?? false;
    this.#secretId = options.secretId;
  }

  override toErrorBody(): OpenAIErrorBody {
    return withoutSecretId(super.toErrorBody(), this.#secretId);
  }
}
