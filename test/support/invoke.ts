/**
 * Calls a function's handler in-process with the API Gateway event API Gateway would build,
 * and gives back the status, headers and parsed JSON body.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { matchRoute } from '../../lib/http/routes';
import { lambdaContext as localLambdaContext } from '../../local/lambda-context';
import { type ProxyRequest, toProxyEvent } from '../../local/proxy-event';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary fields of JSON answers.
export type Json = any;

export interface InvokeResult {
  statusCode: number;
  headers: Record<string, string>;
  body: Json;
}

type Handler = (event: APIGatewayProxyEvent, context?: Context) => Promise<APIGatewayProxyResult>;

/** A Lambda context with `timeoutMs` left, as the API functions get behind API Gateway. */
export const lambdaContext = (timeoutMs = 29_000): Context => localLambdaContext('test', timeoutMs);

/**
 * Routes `request` through the route table to its function, as API Gateway does. A request
 * whose method does not fit is sent to `fallbackFunction`, to see what that function answers.
 */
export const invoke = async (
  request: ProxyRequest,
  options: { context?: Context; fallbackFunction?: string } = {},
): Promise<InvokeResult> => {
  const match = matchRoute(request.method, request.path);
  let functionName = options.fallbackFunction;
  let event: APIGatewayProxyEvent;
  if (match.kind === 'found') {
    functionName = match.route.functionName;
    event = toProxyEvent(request, match.route, match.pathParameters);
  } else {
    if (!functionName) throw new Error(`No route for ${request.method} ${request.path}`);
    event = toProxyEvent(request, { path: request.path }, null);
  }
  const { handler } = (await import(`../../functions/${functionName}.ts`)) as { handler: Handler };
  const result = await handler(event, options.context ?? lambdaContext());
  return {
    statusCode: result.statusCode,
    headers: (result.headers ?? {}) as Record<string, string>,
    body: result.body ? JSON.parse(result.body) : undefined,
  };
};

export const jsonHeaders = { 'Content-Type': 'application/json' };
