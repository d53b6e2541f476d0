/** HR webhooks: unknown providers, failed signatures, events that cannot be used, unreadable secrets. */
import { InvitesError, type OpenAIErrorBody } from '../commons/errors';
import { withoutSecretId } from '../secrets/errors';

/** 404: no webhook provider of that name, or none configured in the webhook secret. */
export class WebhookProviderNotFoundError extends InvitesError {
  /** `known`: the registry's provider names (providers/registry.ts), for the "Known: …" text. */
  constructor(provider: string, reason: 'unknown' | 'not_configured', known: readonly string[] = []) {
    super(
      reason === 'unknown'
        ? `Unknown webhook provider ${JSON.stringify(provider.slice(0, 40))}. Known: ${known.join(', ')}.`
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

/**
 * A verified event that asks for more than a webhook may grant (lib/webhooks/grant-limits.ts):
 * refused, with its reason in the receipt; never thrown out of the handler.
 */
export class WebhookGrantRefusedError extends InvitesError {
  constructor(message: string) {
    super(message, { status: 403, type: 'invalid_request_error', code: 'grant_above_webhook_limit' });
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
  readonly #secretId?: string;

  constructor(reason: string, options: { cause?: unknown; transient?: boolean; secretId?: string } = {}) {
    super(`The webhook secrets are unavailable: ${reason}`, {
      status: options.transient ? 503 : 500,
      type: 'server_error',
      code: 'webhook_secrets_unavailable',
      cause: options.cause,
    });
    this.#secretId = options.secretId;
  }

  /** Without the secret's name or ARN; the logged message keeps it. */
  override toErrorBody(): OpenAIErrorBody {
    return withoutSecretId(super.toErrorBody(), this.#secretId);
  }
}

/**
 * 503: another delivery of this event holds its claim and has not finished (or was killed and its
 * lease has not expired yet). Not "duplicate": that attempt may still fail, so the sender retries.
 */
export class WebhookEventInProgressError extends InvitesError {
  constructor(eventIds: string[], retryAfterSeconds: number) {
    super(
      `Event ${eventIds.map((id) => JSON.stringify(id.slice(0, 128))).join(', ')} is being processed by another delivery; retry in ${retryAfterSeconds} seconds.`,
      {
        status: 503,
        type: 'server_error',
        code: 'webhook_event_in_progress',
        headers: { 'Retry-After': String(retryAfterSeconds) },
      },
    );
  }
}
