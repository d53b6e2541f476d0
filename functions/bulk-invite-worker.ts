/** SQS → OpenAI: one invite a message, paced, with partial batch failures (logic in lib/bulk/worker.ts). */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { getBulkWorker } from '../lib/bulk/runtime';
import { withInvocation } from '../lib/commons/invocation';

export const handler = withInvocation((event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  getBulkWorker().handle(event, context),
);
