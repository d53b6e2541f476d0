/**
 * An error answer from OpenAI as the error the product passes on: its status, type, code and
 * param kept, anything that looks like a key redacted from every one of them, and the wait a
 * 429 asks for (headers, else the message) capped.
 */
import { type InvitesError } from '../commons/errors';
import { NotFoundError, UpstreamApiError, UpstreamRateLimitError } from './errors';
import { upstreamWaitMs } from './retry-policy';
import { fits, maybeString, maybeStringOrNumber, objectOf, type Shape } from './upstream-shape';

interface UpstreamErrorBody {
  error: {
    message?: string | null;
    type?: string | null;
    code?: string | number | null;
    param?: string | null;
  };
}

/** OpenAI's error envelope; a field of another type makes the whole body unreadable (the status still speaks). */
const errorBodyShape: Shape = {
  error: objectOf({
    message: maybeString,
    type: maybeString,
    code: maybeStringOrNumber,
    param: maybeString,
  }),
};

/** Upstream answers can quote a masked key ("Incorrect API key provided: sk-admin-****"). */
export const redactKeys = (text: string): string => text.replace(/sk-[A-Za-z0-9_*.-]+/g, 'sk-***');

const redacted = (text: string | null | undefined): string | null => (text ? redactKeys(text) : null);

export interface ErrorAnswer {
  error: InvitesError;
  /** The wait OpenAI asked for (429 and 5xx may say), capped; undefined when it said none. */
  retryAfterMs?: number;
}

const readErrorBody = (text: string): UpstreamErrorBody['error'] | undefined => {
  try {
    const body: unknown = JSON.parse(text);
    return fits<UpstreamErrorBody>(body, errorBodyShape) ? body.error : undefined;
  } catch {
    return undefined;
  }
};

export const errorFromAnswer = (
  status: number,
  text: string,
  headers: Headers,
  requestId?: string,
): ErrorAnswer => {
  const parsed = readErrorBody(text);
  const message = redacted(parsed?.message) ?? `OpenAI answered HTTP ${status}.`;
  const code = redacted(parsed?.code == null ? null : String(parsed.code));
  // OpenAI's 429s may carry no Retry-After and say the wait only in the message.
  const retryAfterMs = upstreamWaitMs(headers, status === 429 ? parsed?.message : undefined);
  if (status === 429) {
    return {
      retryAfterMs,
      error: new UpstreamRateLimitError(message, { retryAfterMs, upstreamRequestId: requestId, code }),
    };
  }
  if (status === 404) {
    return { error: new NotFoundError(message, { code: code ?? undefined, upstreamRequestId: requestId }) };
  }
  return {
    retryAfterMs,
    error: new UpstreamApiError(message, {
      status,
      type: redacted(parsed?.type) ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
      code,
      param: redacted(parsed?.param),
      upstreamRequestId: requestId,
    }),
  };
};
