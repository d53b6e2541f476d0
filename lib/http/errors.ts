/** The caller's request is wrong: 400, 404, 405, 413, 415 in OpenAI's error shape. */
import { InvitesError } from '../commons/errors';

/** 400: the request is not valid; `param` names the offending field. */
export class InvalidRequestError extends InvitesError {
  constructor(message: string, param: string | null = null, code: string | null = 'invalid_request') {
    super(message, { status: 400, type: 'invalid_request_error', param, code });
  }
}

/**
 * 404: no invite (or user) with that id, as OpenAI answered. The client's own error
 * (lib/openai/errors.ts: the client imports nothing of the HTTP layer); re-exported here, the same
 * class, so the API answers it with the same 404 body.
 */
export { NotFoundError } from '../openai/errors';

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
