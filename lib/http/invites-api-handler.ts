/**
 * `apiHandler` for the routes that call OpenAI: the container's invites client, a deadline inside
 * the function's timeout, and what was done upstream (attempts, OpenAI's request ids) on the
 * request's log line and in `x-upstream-request-id`, also when the call failed.
 */
import { type CallOptions, newUpstreamTrace, type OpenAIInvitesClient } from '../openai/client';
import { getInvitesClient } from '../openai/runtime';
import { apiHandler, type Operation, type OperationContext } from './api-handler';
import type { RouteId } from './routes';

export interface InvitesOperationContext extends OperationContext {
  client: OpenAIInvitesClient;
  /** Pass to every client call: the deadline and the trace logged with the request. */
  call: Required<CallOptions>;
}

export const invitesApiHandler = (routeId: RouteId, operation: Operation<InvitesOperationContext>) =>
  apiHandler(routeId, async (base) => {
    const { context, record } = base;
    const trace = newUpstreamTrace();
    // Filled in as the call goes, so a failed request is logged with what it did upstream too.
    Object.assign(record.fields, { upstreamAttempts: 0, upstreamRequestIds: trace.requestIds });
    try {
      const client = getInvitesClient();
      const call = { deadline: client.deadlineWithin(context?.getRemainingTimeInMillis?.()), trace };
      return await operation({ ...base, client, call });
    } finally {
      record.fields.upstreamAttempts = trace.attempts;
      const upstreamRequestId = trace.requestIds.at(-1);
      if (upstreamRequestId) record.headers['x-upstream-request-id'] = upstreamRequestId;
    }
  });
