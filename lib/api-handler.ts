/**
 * The shape every API function shares: check the method against the route table, run the
 * operation with a deadline inside the function's timeout, answer in OpenAI's shape, and write
 * one request log line (plus audit lines for mutations).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { asInvitesError, MethodNotAllowedError } from './errors';
import { errorResponse, jsonResponse } from './http';
import { logger } from './logger';
import { type CallOptions, newUpstreamTrace, type OpenAIInvitesClient } from './openai-invites-client';
import { type RouteId, routeById } from './routes';
import { getInvitesClient } from './runtime';

export interface AuditFields {
  email?: string;
  inviteId?: string;
  [extra: string]: unknown;
}

export interface OperationContext {
  event: APIGatewayProxyEvent;
  client: OpenAIInvitesClient;
  /** Pass to every client call: the deadline and the trace logged with the request. */
  call: Required<CallOptions>;
  /** Writes one audit line for a mutation, naming the caller. */
  audit(action: string, fields: AuditFields): void;
}

export interface OperationResult {
  body: unknown;
  statusCode?: number;
  headers?: Record<string, string>;
}

export type Operation = (context: OperationContext) => Promise<OperationResult>;

/** Who called: the authorizer's principal, else the IAM identity, else the source IP. */
export const callerOf = (event: APIGatewayProxyEvent): string => {
  const { authorizer, identity } = event.requestContext ?? {};
  const principal = authorizer?.principalId ?? authorizer?.claims?.sub;
  return String(principal ?? identity?.userArn ?? identity?.caller ?? identity?.sourceIp ?? 'unknown');
};

const outcomeOf = (status: number): string =>
  status < 400
    ? 'success'
    : status < 500
      ? 'client_error'
      : status === 502 || status === 504
        ? 'upstream_error'
        : 'server_error';

/** Wraps an operation as an API Gateway REST (v1) proxy handler for the route `routeId`. */
export const apiHandler = (routeId: RouteId, operation: Operation) => {
  const route = routeById(routeId);
  return async (event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> => {
    const startedAt = performance.now();
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? 'local';
    const caller = callerOf(event);
    const trace = newUpstreamTrace();
    let result: APIGatewayProxyResult;
    let failure: ReturnType<typeof asInvitesError> | undefined;
    try {
      if (event.httpMethod?.toUpperCase() !== route.method)
        throw new MethodNotAllowedError(event.httpMethod, [route.method]);
      const client = getInvitesClient();
      const call = { deadline: client.deadlineWithin(context?.getRemainingTimeInMillis?.()), trace };
      const audit = (action: string, fields: AuditFields) =>
        logger.info('audit', { audit: { action, caller, requestId, ...fields } });
      const answer = await operation({ event, client, call, audit });
      result = jsonResponse(answer.statusCode ?? 200, answer.body, answer.headers);
    } catch (error) {
      failure = asInvitesError(error);
      result = errorResponse(failure);
    }
    const upstreamRequestId = trace.requestIds.at(-1);
    result.headers = {
      ...result.headers,
      'x-request-id': requestId,
      ...(upstreamRequestId ? { 'x-upstream-request-id': upstreamRequestId } : {}),
    };
    const line = {
      operation: routeId,
      requestId,
      caller,
      statusCode: result.statusCode,
      outcome: outcomeOf(result.statusCode),
      durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
      upstreamAttempts: trace.attempts,
      upstreamRequestIds: trace.requestIds,
      ...(failure ? { errorCode: failure.code, errorMessage: failure.message } : {}),
    };
    if (failure?.status === 500) logger.error('request', { ...line, error: failure.cause ?? failure });
    else logger.info('request', line);
    return result;
  };
};
