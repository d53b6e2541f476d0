/**
 * The shape every API function shares: check the method against the route table, run the
 * operation with a deadline inside the function's timeout, and log what it did upstream and who
 * called (plus audit lines for mutations). Answers and the request line: http-handler.ts.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { MethodNotAllowedError } from './errors';
import { type HttpAnswer, httpHandler } from './http-handler';
import { logger } from '../commons/logger';
import { type CallOptions, newUpstreamTrace, type OpenAIInvitesClient } from '../openai/client';
import { type RouteId, routeById } from './routes';
import { getInvitesClient } from '../openai/runtime';

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

export type Operation = (context: OperationContext) => Promise<HttpAnswer>;

/** Who called: the authorizer's principal, else the IAM identity, else the source IP. */
export const callerOf = (event: APIGatewayProxyEvent): string => {
  const { authorizer, identity } = event.requestContext ?? {};
  const principal = authorizer?.principalId ?? authorizer?.claims?.sub;
  return String(principal ?? identity?.userArn ?? identity?.caller ?? identity?.sourceIp ?? 'unknown');
};

/** Wraps an operation as an API Gateway REST (v1) proxy handler for the route `routeId`. */
export const apiHandler = (routeId: RouteId, operation: Operation) => {
  const route = routeById(routeId);
  return httpHandler('request', routeId, async (event, context, record) => {
    const caller = callerOf(event);
    const trace = newUpstreamTrace();
    // Filled in as the call goes, so a failed request is logged with what it did upstream too.
    Object.assign(record.fields, { caller, upstreamAttempts: 0, upstreamRequestIds: trace.requestIds });
    try {
      if (event.httpMethod?.toUpperCase() !== route.method) {
        throw new MethodNotAllowedError(event.httpMethod, [route.method]);
      }
      const client = getInvitesClient();
      const call = { deadline: client.deadlineWithin(context?.getRemainingTimeInMillis?.()), trace };
      const audit = (action: string, fields: AuditFields) =>
        logger.info('audit', { audit: { action, caller, requestId: record.requestId, ...fields } });
      return await operation({ event, client, call, audit });
    } finally {
      record.fields.upstreamAttempts = trace.attempts;
      const upstreamRequestId = trace.requestIds.at(-1);
      if (upstreamRequestId) record.headers['x-upstream-request-id'] = upstreamRequestId;
    }
  });
};
