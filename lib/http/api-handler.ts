/**
 * The shape every API function shares: check the method against the route table, name the caller,
 * and offer audit lines for mutations. Answers and the request line: http-handler.ts. Routes that
 * call OpenAI use `invitesApiHandler` (invites-api-handler.ts), which adds the client; this module
 * imports nothing of OpenAI, so a function that never calls it (the bulk producer) does not carry
 * the client, Secrets Manager or Powertools parameters in its bundle.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { audit } from '../commons/logger';
import { MethodNotAllowedError } from './errors';
import { type HttpAnswer, httpHandler, type RequestRecord } from './http-handler';
import { type RouteId, routeById } from './routes';

export interface AuditFields {
  email?: string;
  inviteId?: string;
  [extra: string]: unknown;
}

export interface OperationContext {
  event: APIGatewayProxyEvent;
  /** The Lambda context; absent when a test calls the handler with the event alone. */
  context: Context | undefined;
  /** The request's log line and answer headers, also filled when the operation fails. */
  record: RequestRecord;
  /** Who called: the authorizer's principal, else the IAM identity, else the source IP. */
  caller: string;
  /** Writes one audit line for a mutation, naming the caller. */
  audit(action: string, fields: AuditFields): void;
}

export type Operation<C extends OperationContext = OperationContext> = (context: C) => Promise<HttpAnswer>;

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
    record.fields.caller = caller;
    if (event.httpMethod?.toUpperCase() !== route.method) {
      throw new MethodNotAllowedError(event.httpMethod, [route.method]);
    }
    const auditThis = (action: string, fields: AuditFields) =>
      audit(action, caller, { requestId: record.requestId, ...fields });
    return operation({ event, context, record, caller, audit: auditThis });
  });
};
