/**
 * Bulk worker containers on a queue, as the Lambda SQS event source would run them, calling the
 * simulator; every batch response is kept for assertions.
 */
import type { SQSBatchResponse } from 'aws-lambda';
import { readClientConfig } from '../../lib/openai/config';
import type { PollableQueue } from '../../lib/bulk/queue';
import type { PacerOptions } from '../../lib/bulk/pacer';
import { createBulkWorker } from '../../lib/bulk/runtime';
import { QueueEventSource } from '../../local/event-source';
import { TEST_ADMIN_KEY } from './keys';

export interface WorkerOptions {
  queue: PollableQueue;
  /** The simulator's base URL. */
  upstream: string;
  rateLimitRps?: number;
  maxConcurrency?: number;
  maxRetries?: number;
  /** The containers' pacer settings (e.g. a higher floor for time-compressed episodes). */
  pacing?: PacerOptions;
  /** OFFBOARD_MEMBERS for the containers (default false). */
  offboardMembers?: boolean;
}

export interface RunningWorkers {
  source: QueueEventSource;
  responses: SQSBatchResponse[];
}

/** Starts the workers; stop them with `source.stop()`. The queues come from setQueues. */
export const startWorkers = (options: WorkerOptions): RunningWorkers => {
  const { rateLimitRps = 200, maxConcurrency = 2, maxRetries = 2 } = options;
  const config = { ...readClientConfig({}), baseUrl: options.upstream, adminKey: TEST_ADMIN_KEY, maxRetries };
  const responses: SQSBatchResponse[] = [];
  const source = new QueueEventSource({
    queue: options.queue,
    maxConcurrency,
    handlerFor: () => {
      const worker = createBulkWorker(
        config,
        { rateLimitRps, maxConcurrency, retryBaseSeconds: 1, offboardMembers: options.offboardMembers },
        options.pacing,
      );
      return async (event, context) => {
        const response = await worker.handle(event, context);
        responses.push(response);
        return response;
      };
    },
  });
  source.start();
  return { source, responses };
};

/** Resolves once `condition` holds; fails after `timeoutMs`. */
export const waitFor = async (
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> => {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > giveUpAt) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
