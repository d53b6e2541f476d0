/** What OpenAI answered, or failed to answer, as the errors the product passes on. */
import { InvitesError, type InvitesErrorOptions } from '../commons/errors';
import { describeTerms } from './invite-terms';
import { isRetryableStatus } from './retry-policy';
import type { Invite, InviteRequest } from './types';

/** Header of `POST /organization/invites` that asks to replace a pending invite of other terms. */
export const REPLACE_PENDING_HEADER = 'x-invite-replace-pending';

/** 404: OpenAI has no invite (or user) with that id (`not_found`, or OpenAI's own code). */
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

/**
 * 409: the email has a live pending invite with another role or other projects. Never retried
 * (the answer will not change); the bulk worker dead-letters it under this code. Callers that
 * mean "replace" say so: the API's `x-invite-replace-pending: true` header, a bulk job's
 * `"replace_pending": true`, the client's `{ replacePending: true }`.
 */
export class InvitePendingWithDifferentTermsError extends InvitesError {
  readonly pendingInvite: Invite;

  constructor(pending: Invite, requested: InviteRequest, upstreamRequestId?: string) {
    super(
      `A pending invite for this email grants other terms: ${pending.id} with ${describeTerms(pending)}, ` +
        `while this request asks for ${describeTerms(requested)}. Delete the pending invite first, or ` +
        `ask to replace it (header ${REPLACE_PENDING_HEADER}: true; in a bulk job "replace_pending": true; ` +
        'with the CLI: openai-invites bulk-invite FILE --replace-pending).',
      {
        status: 409,
        type: 'invalid_request_error',
        code: 'invite_pending_with_different_terms',
        param: 'email',
        upstreamRequestId,
      },
    );
    this.pendingInvite = pending;
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

/**
 * An error answer from OpenAI, passed on with its own status, type, code and param; retryable
 * when its status is (408, 5xx), as the client's own retry policy says.
 */
export class UpstreamApiError extends InvitesError {
  constructor(message: string, options: InvitesErrorOptions) {
    super(message, { ...options, retryable: options.retryable ?? isRetryableStatus(options.status) });
  }
}

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
      retryable: true,
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
    super(message, { status: 504, type: 'server_error', code: 'upstream_timeout', retryable: true });
  }
}

/** 502: the connection to OpenAI failed (DNS, reset, refused). */
export class UpstreamConnectionError extends InvitesError {
  constructor(cause: unknown) {
    super('Could not reach OpenAI.', {
      status: 502,
      type: 'server_error',
      code: 'upstream_unreachable',
      retryable: true,
      cause,
    });
  }
}
