/**
 * What every HTTP function does around its own work: time it, turn any error into OpenAI's error
 * shape, add `x-request-id`, put the Lambda context on every log line (lib/commons/invocation.ts),
 * and write one log line for the request (error level for 5xx, warn
 * for a refused signature, info otherwise). The API functions (api-handler.ts) and the webhook
 * (webhooks/handler.ts) are built on it.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { asInvitesError } from '../commons/errors';
import { errorResponse, jsonResponse } from './messages';
import { startInvocation } from '../commons/invocation';
import { logger } from '../commons/logger';

export interface HttpAnswer {
  body: unknown;
  statusCode?: number;
  headers?: Record<string, string>;
}

/** What the work can add to its request's log line and answer, also when it fails. */
export interface RequestRecord {
  readonly requestId: string;
  /** Extra fields of the request's log line. */
  fields: Record<string, unknown>;
  /** Extra headers of the answer, error answers included. */
  headers: Record<string, string>;
}

export type HttpWork = (
  event: APIGatewayProxyEvent,
  context: Context | undefined,
  record: RequestRecord,
) => Promise<HttpAnswer>;

const outcomeOf = (status: number): string =>
  status < 400
    ? 'success'
    : status < 500
      ? 'client_error'
      : status === 502 || status === 504
        ? 'upstream_error'
        : 'server_error';

/** An API Gateway REST (v1) proxy handler running `work`, logged under `message` and `operation`. */
export const httpHandler =
  (message: string, operation: string, work: HttpWork) =>
  async (event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> => {
    const startedAt = performance.now();
    startInvocation(context);
    const record: RequestRecord = {
      requestId: event.requestContext?.requestId ?? context?.awsRequestId ?? 'local',
      fields: {},
      headers: {},
    };
    let result: APIGatewayProxyResult;
    let failure: ReturnType<typeof asInvitesError> | undefined;
    try {
      const answer = await work(event, context, record);
      result = jsonResponse(answer.statusCode ?? 200, answer.body, answer.headers);
    } catch (error) {
      failure = asInvitesError(error);
      result = errorResponse(failure);
    }
    result.headers = { ...result.headers, 'x-request-id': record.requestId, ...record.headers };
    const line = {
      operation,
      requestId: record.requestId,
      statusCode: result.statusCode,
      outcome: outcomeOf(result.statusCode),
      durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
      ...record.fields,
      ...(failure ? { errorCode: failure.code, errorMessage: failure.message } : {}),
    };
    if (result.statusCode >= 500) logger.error(message, { ...line, error: failure?.cause ?? failure });
    else if (result.statusCode === 401) logger.warn(message, line);
    else logger.info(message, line);
    return result;
  };
