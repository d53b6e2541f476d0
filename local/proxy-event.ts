/**
 * Builds the API Gateway REST (v1) proxy event that API Gateway would hand a function, from a
 * plain description of an HTTP request. The local gateway and the tests both use it.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Route } from '../lib/http/routes';

export const STAGE = 'v1';

export interface ProxyRequest {
  method: string;
  /** Path after the stage, e.g. `/organization/invites/invite-abc`. */
  path: string;
  /** Query parameters; repeated names keep every value, in order. */
  query?: Record<string, string | string[]>;
  /** Headers; repeated names keep every value, in order. */
  headers?: Record<string, string | string[]>;
  /** The raw body bytes (or text). */
  body?: Buffer | string;
  /** Send the body base64-encoded, as API Gateway does for binary media types. */
  base64?: boolean;
  sourceIp?: string;
  /** What an authorizer would have put in `requestContext.authorizer`. */
  authorizer?: Record<string, string>;
}

const toMulti = (values: Record<string, string | string[]> | undefined) => {
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of entries) {
    const list = Array.isArray(value) ? value : [value];
    multi[name] = list;
    // API Gateway puts the last value of a repeated name in the single-value map.
    single[name] = list.at(-1) ?? '';
  }
  return { single, multi };
};

export const toProxyEvent = (
  request: ProxyRequest,
  route: Pick<Route, 'path'>,
  pathParameters: Record<string, string> | null,
): APIGatewayProxyEvent => {
  const query = toMulti(request.query);
  const headers = toMulti(request.headers);
  const bytes = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  const hasBody = bytes !== undefined && bytes.byteLength > 0;
  const now = new Date();
  const requestId = randomUUID();
  return {
    resource: route.path,
    path: request.path,
    httpMethod: request.method.toUpperCase(),
    headers: headers.single ?? {},
    multiValueHeaders: headers.multi ?? {},
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: pathParameters && Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: null,
    body: hasBody ? bytes.toString(request.base64 ? 'base64' : 'utf8') : null,
    isBase64Encoded: hasBody && request.base64 === true,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: request.authorizer ?? null,
      domainName: 'localhost',
      domainPrefix: 'localhost',
      extendedRequestId: requestId,
      httpMethod: request.method.toUpperCase(),
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp ?? '127.0.0.1',
        user: null,
        userAgent: headers.single?.['user-agent'] ?? headers.single?.['User-Agent'] ?? null,
        userArn: null,
      },
      path: `/${STAGE}${request.path}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: route.path,
      stage: STAGE,
    },
  };
};
