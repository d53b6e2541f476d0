/**
 * What keeps a web page away from the loopback servers of `npm start` (the gateway, which with a
 * real Admin key is an unauthenticated proxy to OpenAI, and the simulator's control API):
 * - DNS rebinding: a page on attacker.example whose name now resolves to 127.0.0.1 reaches us with
 *   `Host: attacker.example`. Only a loopback name or address, with the port we listen on, passes.
 * - Cross-site requests: a page elsewhere can make a browser send, without asking first, only a
 *   "simple" request: GET, HEAD or POST, with no content type or a form or text one. Such requests
 *   carry `Origin` (refused unless it is a loopback origin), and as a second line a simple request
 *   with a body (a POST sent as text, a form, or without a type) is refused: no client of ours
 *   sends one. Everything else needs a CORS preflight, which these servers never grant, so a
 *   DELETE, a PUT, or any request with an empty body passes whatever content type it declares
 *   (the seeds' bash client sends `curl -d '' -X DELETE`, an empty form).
 * Clients that are not browsers (curl, the SDK, HR senders' test tools) send neither a foreign
 * Host nor an Origin, and send JSON already.
 * Node's own answers to malformed requests (400, 431) get OpenAI's error shape here too.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { InvitesError } from '../lib/commons/errors';

/** 403: a request a web page may have sent, refused before any function or upstream call. */
export class ForbiddenLocalRequestError extends InvitesError {
  constructor(message: string, code: 'forbidden_host' | 'cross_site_request') {
    super(message, { status: 403, type: 'invalid_request_error', code });
  }
}

/** Methods a page can send cross-site without a preflight (the fetch standard's CORS-safelisted methods). */
const SIMPLE_METHODS = new Set(['GET', 'HEAD', 'POST']);

/** Content types a page can send without a preflight, by essence (parameters ignored); none at all too. */
const SIMPLE_CONTENT_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

/** localhost, *.localhost, 127.0.0.0/8 and ::1: names and addresses that only mean this machine. */
export const isLoopbackHostname = (hostname: string): boolean => {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '[::1]' ||
    /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(name)
  );
};

/** `host[:port]` (as in Host, or an origin's authority) → hostname and port; undefined if malformed. */
const authority = (value: string, defaultPort: number): { hostname: string; port: number } | undefined => {
  if (/[/@?#\\\s]/.test(value)) return undefined;
  try {
    const url = new URL(`http://${value}`);
    return { hostname: url.hostname, port: url.port ? Number(url.port) : defaultPort };
  } catch {
    return undefined;
  }
};

const isSimpleContentType = (contentType: string | undefined): boolean =>
  contentType === undefined || SIMPLE_CONTENT_TYPES.has(contentType.split(';')[0]!.trim().toLowerCase());

/** A body with bytes in it: a non-zero Content-Length, or a chunked one (its length unknown yet). */
const hasBody = (req: IncomingMessage): boolean => {
  const length = req.headers['content-length'];
  if (length !== undefined) return length.trim() !== '0';
  return req.headers['transfer-encoding'] !== undefined;
};

/**
 * True for what a browser may send cross-site without a preflight and carry a payload: a simple
 * method with a body of a simple content type (or none). An empty body carries nothing to act on.
 */
export const isPreflightFreeWrite = (req: IncomingMessage): boolean =>
  SIMPLE_METHODS.has((req.method ?? 'GET').toUpperCase()) &&
  hasBody(req) &&
  isSimpleContentType(req.headers['content-type']);

/** Throws ForbiddenLocalRequestError unless `req` can only have come from a local, non-browser or same-origin client. */
export const checkLocalRequest = (req: IncomingMessage, port: number): void => {
  const host = req.headers.host;
  const parsed = host === undefined ? undefined : authority(host, 80);
  if (!parsed || !isLoopbackHostname(parsed.hostname) || parsed.port !== port) {
    throw new ForbiddenLocalRequestError(
      `Host ${JSON.stringify((host ?? '').slice(0, 100))} is not this server: use http://127.0.0.1:${port} or http://localhost:${port}.`,
      'forbidden_host',
    );
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const match = /^https?:\/\/(.+)$/i.exec(origin);
    const from = match
      ? authority(match[1]!, origin.toLowerCase().startsWith('https') ? 443 : 80)
      : undefined;
    if (!from || !isLoopbackHostname(from.hostname)) {
      throw new ForbiddenLocalRequestError(
        `Cross-site requests are refused: Origin ${JSON.stringify(origin.slice(0, 100))} is not a loopback origin.`,
        'cross_site_request',
      );
    }
  }
  if (isPreflightFreeWrite(req)) {
    const method = (req.method ?? 'GET').toUpperCase();
    throw new ForbiddenLocalRequestError(
      `A ${method} with a body must be sent as Content-Type: application/json; text, form or untyped bodies are what a web page can send cross-site.`,
      'cross_site_request',
    );
  }
};

/** Raw HTTP/1.1 answer for a socket Node has not parsed a request from. */
const rawAnswer = (status: number, reason: string, error: InvitesError): string => {
  const body = JSON.stringify(error.toErrorBody());
  return [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `x-request-id: ${randomUUID()}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
};

/**
 * Answers what Node refuses before any handler runs (malformed HTTP → 400, headers over Node's
 * limit → 431) in OpenAI's error shape instead of Node's empty body.
 */
export const answerClientErrors = (server: Server): void => {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const answer = tooLarge
      ? rawAnswer(
          431,
          'Request Header Fields Too Large',
          new InvitesError('The request headers are too large.', {
            status: 431,
            type: 'invalid_request_error',
            code: 'headers_too_large',
          }),
        )
      : rawAnswer(
          400,
          'Bad Request',
          new InvitesError('The request is not valid HTTP/1.1.', {
            status: 400,
            type: 'invalid_request_error',
            code: 'malformed_request',
          }),
        );
    socket.end(answer);
  });
};
