/**
 * The SCIM function: one handler for every `/scim/v2/…` route of the route table. It checks the
 * bearer token, the content type and size of a body, parses JSON, dispatches on the route's
 * resource path and method, and answers `application/scim+json`, errors in SCIM's shape
 * (errors.ts). One log line a request, as the other functions write; the token is never logged.
 * functions/scim.ts wraps it in withInvocation (the Lambda context on every log line).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { logger } from '../commons/logger';
import { headerValue, rawBody, receivedAt } from '../http/messages';
import { getPersonStore } from '../people/runtime';
import {
  MAX_BODY_BYTES,
  oneResourceType,
  oneSchema,
  resourceTypes,
  schemas,
  serviceProviderConfig,
} from './discovery';
import { invalidSyntax, ScimError } from './errors';
import { getScimConfig, getScimStore, getScimTokenSource } from './runtime';
import { type Query, type ScimAnswer, type ScimRequestContext, ScimService } from './service';
import type { ScimKind } from './store';
import { bearerOf, tokenMatches, unauthorized } from './token';

export const SCIM_BASE_PATH = '/scim/v2';
export const SCIM_CONTENT_TYPE = 'application/scim+json';

const isScimJson = (contentType: string | undefined): boolean => {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === SCIM_CONTENT_TYPE || type === 'application/json';
};

const bodyOf = (event: APIGatewayProxyEvent): unknown => {
  const contentType = headerValue(event.headers, 'content-type');
  if (!isScimJson(contentType))
    throw new ScimError(415, `Send the body as Content-Type: ${SCIM_CONTENT_TYPE} (or application/json).`);
  const bytes = rawBody(event);
  if (bytes.byteLength > MAX_BODY_BYTES)
    throw new ScimError(413, `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  if (bytes.byteLength === 0) throw invalidSyntax('A JSON body is required.');
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalidSyntax('The body is not valid JSON.');
  }
};

const baseUrlOf = (event: APIGatewayProxyEvent): string => {
  const host = headerValue(event.headers, 'host') ?? event.requestContext?.domainName ?? 'localhost';
  const proto =
    headerValue(event.headers, 'x-forwarded-proto') ?? (/^(127\.|localhost)/.test(host) ? 'http' : 'https');
  const stage = event.requestContext?.stage;
  return `${proto}://${host}${stage ? `/${stage}` : ''}${SCIM_BASE_PATH}`;
};

const queryOf = (event: APIGatewayProxyEvent): Query => {
  const params = event.queryStringParameters ?? {};
  const find = (name: string) =>
    Object.entries(params).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] ?? undefined;
  return {
    filter: find('filter'),
    startIndex: find('startIndex'),
    count: find('count'),
    attributes: find('attributes'),
    excludedAttributes: find('excludedAttributes'),
  };
};

const KINDS: Record<string, ScimKind> = { Users: 'User', Groups: 'Group' };

const methodNotAllowed = (method: string) => new ScimError(405, `${method} is not supported here.`);

/** The operation for the route's resource path (`/scim/v2/Users/{id}`) and method. */
const dispatch = async (event: APIGatewayProxyEvent, context: ScimRequestContext): Promise<ScimAnswer> => {
  const method = (event.httpMethod ?? 'GET').toUpperCase();
  const resource = (event.resource ?? '').slice(SCIM_BASE_PATH.length);
  const [, collection, parameter] = resource.split('/');
  const id = event.pathParameters?.id ?? '';
  const { baseUrl } = context;
  if (collection === 'ServiceProviderConfig') return { status: 200, body: serviceProviderConfig(baseUrl) };
  if (collection === 'ResourceTypes')
    return { status: 200, body: parameter ? oneResourceType(id, baseUrl) : resourceTypes(baseUrl) };
  if (collection === 'Schemas')
    return { status: 200, body: parameter ? oneSchema(id, baseUrl) : schemas(baseUrl) };
  const kind = KINDS[collection ?? ''];
  if (!kind) throw new ScimError(404, 'No such SCIM resource.');
  const service = new ScimService({
    scim: getScimStore(),
    people: getPersonStore(),
    config: getScimConfig(),
  });
  if (!parameter) {
    if (method === 'GET') return service.list(kind, queryOf(event), context);
    if (method === 'POST') return service.create(kind, bodyOf(event), context);
    throw methodNotAllowed(method);
  }
  switch (method) {
    case 'GET':
      return service.get(kind, id, queryOf(event), context);
    case 'PUT':
      return service.replace(kind, id, bodyOf(event), context);
    case 'PATCH':
      return service.patch(kind, id, bodyOf(event), context);
    case 'DELETE':
      return service.delete(kind, id, context);
    default:
      throw methodNotAllowed(method);
  }
};

const isThrottle = (error: unknown): boolean =>
  /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded/.test((error as Error)?.name ?? '');

/** Any failure as a SCIM error: a throttled store is shed with 429, anything else unknown is 500. */
const asScimError = (error: unknown): ScimError => {
  if (error instanceof ScimError) return error;
  if (isThrottle(error))
    return new ScimError(429, 'Too many requests right now; try again shortly.', undefined, {
      'Retry-After': '2',
    });
  return new ScimError(500, 'The SCIM endpoint failed; try again.', undefined, {}, error);
};

const answer = (status: number, body: unknown, headers: Record<string, string>): APIGatewayProxyResult => ({
  statusCode: status,
  headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...headers },
  body: body === undefined ? '' : JSON.stringify(body),
});

export const scimHandler = async (
  event: APIGatewayProxyEvent,
  lambda?: Context,
): Promise<APIGatewayProxyResult> => {
  const startedAt = performance.now();
  const requestId = event.requestContext?.requestId ?? lambda?.awsRequestId ?? 'local';
  let result: APIGatewayProxyResult;
  let failure: ScimError | undefined;
  try {
    const presented = bearerOf(headerValue(event.headers, 'authorization'));
    const expected = await getScimTokenSource().token();
    if (presented === undefined || !tokenMatches(presented, expected)) throw unauthorized();
    const context: ScimRequestContext = {
      requestId,
      at: receivedAt(event),
      caller: 'scim',
      baseUrl: baseUrlOf(event),
    };
    const { status, body } = await dispatch(event, context);
    result = answer(status, body, {});
  } catch (error) {
    failure = asScimError(error);
    result = answer(failure.status, failure.toBody(), failure.headers);
  }
  result.headers = { ...result.headers, 'x-request-id': requestId };
  const line = {
    operation: 'scim',
    method: event.httpMethod,
    resource: event.resource,
    requestId,
    statusCode: result.statusCode,
    durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
    ...(failure
      ? { errorCode: failure.scimType ?? String(failure.status), errorMessage: failure.detail }
      : {}),
  };
  if (result.statusCode >= 500) logger.error('scim request', { ...line, error: failure?.cause });
  else if (result.statusCode === 401) logger.warn('scim request', line);
  else logger.info('scim request', line);
  return result;
};
