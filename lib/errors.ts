/**
 * Every error the product answers with, in one place.
 *
 * Each class knows the HTTP status and the OpenAI error `type`/`code`/`param` it maps to, so a
 * handler only has to throw; `toErrorBody` turns any of them into OpenAI's error shape. Messages
 * are written for the caller and never contain the Admin key or any other secret.
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

  constructor(message: string, options: InvitesErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status;
    this.type = options.type;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.upstreamRequestId = options.upstreamRequestId;
    this.headers = options.headers ?? {};
  }

  toErrorBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

// ---- The caller's request -------------------------------------------------------------------

/** 400: the request is not valid; `param` names the offending field. */
export class InvalidRequestError extends InvitesError {
  constructor(message: string, param: string | null = null, code: string | null = 'invalid_request') {
    super(message, { status: 400, type: 'invalid_request_error', param, code });
  }
}

/** 400: a bulk job's shape (not one of its items) is wrong, so nothing of it can be used. */
export class InvalidJobError extends InvalidRequestError {}

/** 404: no route, or no invite with that id. */
export class NotFoundError extends InvitesError {
  constructor(message: string, options: { code?: string; param?: string; upstreamRequestId?: string } = {}) {
    super(message, {
      status: 404,
      type: 'invalid_request_error',
      code: options.code ?? 'not_found',
      param: options.param ?? null,
      upstreamRequestId: options.upstreamRequestId,
    });
  }
}

/** 404: no route has this path, worded as OpenAI words it. */
export class RouteNotFoundError extends InvitesError {
  constructor(method: string, path: string) {
    super(`Invalid URL (${method} ${path})`, {
      status: 404,
      type: 'invalid_request_error',
      code: 'unknown_url',
    });
  }
}

/** 405: the path exists but not with this method. */
export class MethodNotAllowedError extends InvitesError {
  constructor(method: string, allowed: readonly string[]) {
    super(`Method ${method} is not allowed here. Allowed: ${allowed.join(', ')}.`, {
      status: 405,
      type: 'invalid_request_error',
      code: 'method_not_allowed',
      headers: { Allow: allowed.join(', ') },
    });
  }
}

/** 413: the body is larger than the route accepts. */
export class PayloadTooLargeError extends InvitesError {
  constructor(limitBytes: number) {
    super(`Request body is larger than ${limitBytes} bytes.`, {
      status: 413,
      type: 'invalid_request_error',
      code: 'payload_too_large',
    });
  }
}

/** 415: the body is not declared as JSON. */
export class UnsupportedMediaTypeError extends InvitesError {
  constructor(received: string | undefined) {
    super(
      `Content-Type must be application/json${received ? `, received ${JSON.stringify(received.slice(0, 100))}` : ''}.`,
      { status: 415, type: 'invalid_request_error', code: 'unsupported_media_type' },
    );
  }
}

// ---- Invite state ---------------------------------------------------------------------------

/** 409: the invite was accepted, so OpenAI will not delete it. */
export class InviteAlreadyAcceptedError extends InvitesError {
  constructor(inviteId: string, upstreamRequestId?: string) {
    super(
      `Invite ${inviteId} has already been accepted and cannot be deleted; remove the user from the organization instead.`,
      { status: 409, type: 'invalid_request_error', code: 'invite_already_accepted', upstreamRequestId },
    );
  }
}

/** 409: OpenAI says the user already exists, and there is no pending invite to return. */
export class UserAlreadyExistsError extends InvitesError {
  constructor(upstreamRequestId?: string) {
    super('This user is already a member of the organization or cannot be invited again.', {
      status: 409,
      type: 'invalid_request_error',
      code: 'user_already_exists',
      param: 'email',
      upstreamRequestId,
    });
  }
}

// ---- The Admin key --------------------------------------------------------------------------

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
      cause: options.cause,
    });
    this.transient = options.transient ?? false;
  }
}

/** 502: OpenAI refused the Admin key even after a fresh read of the secret. */
export class AdminKeyRejectedError extends InvitesError {
  constructor(upstreamRequestId?: string) {
    super(
      'OpenAI rejected the configured Admin key (401), also after re-reading the secret. Check the secret holds a valid Admin key.',
      { status: 502, type: 'server_error', code: 'admin_key_rejected', upstreamRequestId },
    );
  }
}

// ---- OpenAI, upstream -----------------------------------------------------------------------

/** An error answer from OpenAI, passed on with its own status, type, code and param. */
export class UpstreamApiError extends InvitesError {}

/** 429 from OpenAI that outlasted our retries or deadline; carries `Retry-After` when known. */
export class UpstreamRateLimitError extends InvitesError {
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    options: { retryAfterMs?: number; upstreamRequestId?: string; code?: string | null },
  ) {
    const headers: Record<string, string> = {};
    if (options.retryAfterMs !== undefined) {
      headers['Retry-After'] = String(Math.max(1, Math.ceil(options.retryAfterMs / 1000)));
      headers['retry-after-ms'] = String(Math.ceil(options.retryAfterMs));
    }
    super(message, {
      status: 429,
      type: 'rate_limit_error',
      code: options.code ?? 'rate_limit_exceeded',
      upstreamRequestId: options.upstreamRequestId,
      headers,
    });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** 502: OpenAI answered with something that is not the documented JSON. */
export class UpstreamMalformedResponseError extends InvitesError {
  constructor(detail: string, upstreamRequestId?: string) {
    super(`OpenAI returned a malformed response: ${detail}`, {
      status: 502,
      type: 'server_error',
      code: 'upstream_malformed_response',
      upstreamRequestId,
    });
  }
}

/** 504: OpenAI did not answer within the attempt timeout or the overall deadline. */
export class UpstreamTimeoutError extends InvitesError {
  constructor(message: string) {
    super(message, { status: 504, type: 'server_error', code: 'upstream_timeout' });
  }
}

/** 502: the connection to OpenAI failed (DNS, reset, refused). */
export class UpstreamConnectionError extends InvitesError {
  constructor(cause: unknown) {
    super('Could not reach OpenAI.', {
      status: 502,
      type: 'server_error',
      code: 'upstream_unreachable',
      cause,
    });
  }
}

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

// ---- Webhooks -------------------------------------------------------------------------------

/** 404: no webhook provider of that name, or none configured in the webhook secret. */
export class WebhookProviderNotFoundError extends InvitesError {
  constructor(provider: string, reason: 'unknown' | 'not_configured') {
    super(
      reason === 'unknown'
        ? `Unknown webhook provider ${JSON.stringify(provider.slice(0, 40))}. Known: standard, greenhouse, okta, bamboohr.`
        : `Webhook provider ${provider} is not configured: the webhook secret has no "${provider}" entry.`,
      {
        status: 404,
        type: 'invalid_request_error',
        code: reason === 'unknown' ? 'unknown_webhook_provider' : 'webhook_provider_not_configured',
      },
    );
  }
}

/**
 * 401: the webhook's signature (or shared secret) is missing, malformed or wrong, or its timestamp
 * is outside the tolerance. The message says which, never the expected or received value.
 */
export class WebhookSignatureError extends InvitesError {
  /** Only a mismatch may be cured by re-reading a rotated secret. */
  readonly mismatch: boolean;

  constructor(reason: string, options: { mismatch?: boolean } = {}) {
    super(`Webhook verification failed: ${reason}`, {
      status: 401,
      type: 'invalid_request_error',
      code: 'invalid_signature',
    });
    this.mismatch = options.mismatch ?? false;
  }
}

/** 422: a verified event that cannot become an invite or a revocation (no email, no lookup, invalid). */
export class UnprocessableWebhookEventError extends InvitesError {
  constructor(message: string, code = 'unprocessable_event', param: string | null = null) {
    super(message, { status: 422, type: 'invalid_request_error', code, param });
  }
}

/** 502: an HR system's API (the BambooHR employee lookup) failed or answered something unusable. */
export class HrLookupFailedError extends InvitesError {
  constructor(message: string, cause?: unknown) {
    super(message, { status: 502, type: 'server_error', code: 'hr_lookup_failed', cause });
  }
}

/** 500/503: the webhook secret is unreadable or malformed. Never carries the value. */
export class WebhookSecretsUnavailableError extends InvitesError {
  constructor(reason: string, options: { cause?: unknown; transient?: boolean } = {}) {
    super(`The webhook secrets are unavailable: ${reason}`, {
      status: options.transient ? 503 : 500,
      type: 'server_error',
      code: 'webhook_secrets_unavailable',
      cause: options.cause,
    });
  }
}

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
