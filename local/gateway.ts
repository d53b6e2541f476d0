/**
 * The local API gateway: HTTP on 127.0.0.1 → API Gateway REST (v1) proxy events → the same
 * function handlers the stack deploys → HTTP. It serves the route table under `/v1`, and the
 * local-only routes it is given under `/local` (local-routes.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { asInvitesError } from '../lib/commons/errors';
import { MethodNotAllowedError, PayloadTooLargeError, RouteNotFoundError } from '../lib/http/errors';
import { errorResponse, jsonResponse } from '../lib/http/messages';
import { matchRoute, ROUTES, type Route } from '../lib/http/routes';
import { lambdaContext } from './lambda-context';
import { LOCAL_PREFIX, localBodyOf, type LocalRoute } from './local-routes';
import { close, drain, listen } from './loopback-server';
import { type ProxyRequest, STAGE, toProxyEvent } from './proxy-event';
import { answerClientErrors, checkLocalRequest } from './request-guard';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** API Gateway's own payload limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** API Gateway's integration timeout. */
const INTEGRATION_TIMEOUT_MS = 29_000;

export interface LocalGatewayOptions {
  routes?: readonly Route[];
  /** Served under `/local`, outside `/v1`, behind the same guard (local-routes.ts). */
  localRoutes?: readonly LocalRoute[];
  /** Loads a function's handler by its file name under `functions/`. */
  loadHandler?: (functionName: string) => Promise<ProxyHandler>;
}

const loadFunctionHandler = async (functionName: string): Promise<ProxyHandler> =>
  ((await import(`../functions/${functionName}.ts`)) as { handler: ProxyHandler }).handler;

/** Node's headers as API Gateway's single- and multi-value maps (the raw pairs keep the case sent). */
const headersOf = (req: IncomingMessage): Record<string, string[]> => {
  const headers: Record<string, string[]> = {};
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    const name = req.rawHeaders[index]!;
    const existing = Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase()) ?? name;
    headers[existing] = [...(headers[existing] ?? []), req.rawHeaders[index + 1]!];
  }
  return headers;
};

const queryOf = (url: URL): Record<string, string[]> => {
  const query: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) query[name] = [...(query[name] ?? []), value];
  return query;
};

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_PAYLOAD_BYTES) throw new PayloadTooLargeError(MAX_PAYLOAD_BYTES);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

const isUtf8 = (bytes: Buffer): boolean => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

const writeResult = (res: ServerResponse, result: APIGatewayProxyResult): void => {
  // Every answer carries one, as API Gateway's do: the gateway's own (403, 404, 405, 413) included.
  const headers: Record<string, string | string[]> = Object.keys(result.headers ?? {}).some(
    (name) => name.toLowerCase() === 'x-request-id',
  )
    ? {}
    : { 'x-request-id': randomUUID() };
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    headers[name] = values.map(String);
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(result.statusCode, { ...headers, 'Content-Length': body.byteLength });
  res.end(body);
};

export class LocalGateway {
  readonly #routes: readonly Route[];
  readonly #loadHandler: (functionName: string) => Promise<ProxyHandler>;
  readonly #localRoutes: readonly LocalRoute[];
  #server?: Server;
  #url = '';
  #port = 0;

  constructor(options: LocalGatewayOptions = {}) {
    this.#routes = options.routes ?? ROUTES;
    this.#loadHandler = options.loadHandler ?? loadFunctionHandler;
    this.#localRoutes = options.localRoutes ?? [];
  }

  /** `http://127.0.0.1:PORT/v1`. */
  get url(): string {
    return this.#url;
  }

  /** Listens on 127.0.0.1 only: with a real key this is an unauthenticated proxy to OpenAI. */
  async start(port = 0): Promise<string> {
    const host = '127.0.0.1';
    this.#server = createServer((req, res) => void this.#serve(req, res));
    answerClientErrors(this.#server);
    this.#port = await listen(this.#server, port, host);
    this.#url = `http://${host}:${this.#port}/${STAGE}`;
    return this.#url;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await close(server);
  }

  /** Stops taking requests and lets those in flight finish, for up to `graceMs` (Ctrl-C). */
  async drain(graceMs: number): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await drain(server, graceMs);
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    let result: APIGatewayProxyResult;
    try {
      // Before routing, so a refused request learns nothing about the routes either.
      checkLocalRequest(req, this.#port);
      result = await this.#dispatch(req, method, url);
    } catch (error) {
      result = errorResponse(asInvitesError(error));
    }
    writeResult(res, result);
  }

  async #dispatchLocal(req: IncomingMessage, method: string, url: URL): Promise<APIGatewayProxyResult> {
    const atPath = this.#localRoutes.filter((route) => route.path === url.pathname);
    if (atPath.length === 0) throw new RouteNotFoundError(method, url.pathname);
    const route = atPath.find((candidate) => candidate.method === method);
    if (!route)
      throw new MethodNotAllowedError(
        method,
        atPath.map((candidate) => candidate.method),
      );
    const body = route.method === 'POST' ? localBodyOf(await readBody(req)) : {};
    return jsonResponse(200, await route.handle({ url, body }));
  }

  async #dispatch(req: IncomingMessage, method: string, url: URL): Promise<APIGatewayProxyResult> {
    if (url.pathname.startsWith(`${LOCAL_PREFIX}/`)) return this.#dispatchLocal(req, method, url);
    const stagePrefix = `/${STAGE}`;
    const inStage = url.pathname === stagePrefix || url.pathname.startsWith(`${stagePrefix}/`);
    const match = inStage
      ? matchRoute(method, url.pathname.slice(stagePrefix.length), this.#routes)
      : undefined;
    if (!match || match.kind === 'not-found') throw new RouteNotFoundError(method, url.pathname);
    if (match.kind === 'method-not-allowed') throw new MethodNotAllowedError(method, match.allowed);
    const body = await readBody(req);
    const request: ProxyRequest = {
      method,
      path: url.pathname.slice(stagePrefix.length),
      query: queryOf(url),
      headers: headersOf(req),
      body,
      // API Gateway passes text through; bytes that are not UTF-8 are kept intact as base64.
      base64: body.byteLength > 0 && !isUtf8(body),
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, ''),
    };
    const event = toProxyEvent(request, match.route, match.pathParameters);
    const handler = await this.#loadHandler(match.route.functionName);
    return handler(event, lambdaContext(match.route.functionName, INTEGRATION_TIMEOUT_MS));
  }
}
