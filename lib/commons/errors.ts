/**
 * The base of every error the product answers with, and the two that belong to no feature.
 *
 * Each feature keeps its own errors beside it (`lib/http/errors.ts`, `lib/openai/errors.ts`, …),
 * each a subclass of `InvitesError`, which knows the HTTP status and the OpenAI error
 * `type`/`code`/`param` it maps to, so a handler only has to throw. Messages are written for the
 * caller and never contain the Admin key or any other secret.
 */

export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
  };
}

export interface InvitesErrorOptions {
  status: number;
  type: string;
  code?: string | null;
  param?: string | null;
  /** `x-request-id` of the upstream answer that caused this error, when there was one. */
  upstreamRequestId?: string;
  /** Extra response headers, e.g. `Retry-After` on a 429 or `Allow` on a 405. */
  headers?: Record<string, string>;
  /** May the same request succeed later, unchanged? Default false (see `InvitesError.retryable`). */
  retryable?: boolean;
  cause?: unknown;
}

/** Base class: an error that has an HTTP status and an OpenAI-shaped body. */
export class InvitesError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly upstreamRequestId?: string;
  readonly headers: Record<string, string>;
  /**
   * True when the same request may succeed later, unchanged (OpenAI's 5xx or 429, a timeout, a
   * connection error, a secret or queue briefly unavailable). The bulk worker's failure policy
   * retries these and dead-letters the rest, instead of guessing from the HTTP status.
   */
  readonly retryable: boolean;

  constructor(message: string, options: InvitesErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status;
    this.type = options.type;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.upstreamRequestId = options.upstreamRequestId;
    this.headers = options.headers ?? {};
    this.retryable = options.retryable ?? false;
  }

  toErrorBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** 500: an environment variable of the function is missing or invalid. */
export class ConfigurationError extends InvitesError {
  constructor(message: string) {
    super(message, { status: 500, type: 'server_error', code: 'configuration_error' });
  }
}

/** 500: anything we did not foresee. The message stays generic so internals never leak. */
export class InternalError extends InvitesError {
  constructor(cause?: unknown) {
    super('The server had an error while processing your request.', {
      status: 500,
      type: 'server_error',
      code: 'internal_error',
      cause,
    });
  }
}

/** Any thrown value as an `InvitesError`; unknown errors become a generic 500. */
export const asInvitesError = (error: unknown): InvitesError =>
  error instanceof InvitesError ? error : new InternalError(error);
