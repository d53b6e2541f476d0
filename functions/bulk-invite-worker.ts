/** SQS → OpenAI: one invite a message, paced, with partial batch failures (logic in lib/bulk/worker.ts). */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { getBulkWorker } from '../lib/bulk/runtime';

export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  getBulkWorker().handle(event, context);
