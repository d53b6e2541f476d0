/**
 * The queues and the worker a warm container keeps between invocations, built once from the
 * environment. The local gateway, tests and benchmarks replace them through the setters.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SQSClient } from '@aws-sdk/client-sqs';
import { boundedAwsClientConfig } from '../commons/aws-clients';
import { ConfigurationError } from '../commons/errors';
import { logger } from '../commons/logger';
import { type ClientConfig, readClientConfig } from '../openai/config';
import { createInvitesClient } from '../openai/runtime';
import { readQueueConfig, readWorkerConfig, type WorkerConfig } from './config';
import { type MessageQueue, SqsQueue } from './queue';
import { RateLimiter } from './rate-limiter';
import { BulkInviteWorker } from './worker';

let inviteQueue: MessageQueue | undefined;
let deadLetterQueue: MessageQueue | undefined;

const sqsQueueFrom = (url: string | undefined, variable: string): MessageQueue => {
  if (!url) throw new ConfigurationError(`Environment variable ${variable} is not set.`);
  // Bounded calls: a stalled SQS must not hold the webhook or the producer until Lambda kills it.
  return new SqsQueue(url, new SQSClient(boundedAwsClientConfig()));
};

/** The bulk queue (INVITE_QUEUE_URL). */
export const getInviteQueue = (): MessageQueue => {
  inviteQueue ??= sqsQueueFrom(readQueueConfig().queueUrl, 'INVITE_QUEUE_URL');
  return inviteQueue;
};

/** Where the worker puts permanent failures (INVITE_DLQ_URL). */
export const getDeadLetterQueue = (): MessageQueue => {
  deadLetterQueue ??= sqsQueueFrom(readQueueConfig().deadLetterQueueUrl, 'INVITE_DLQ_URL');
  return deadLetterQueue;
};

export const setQueues = (queues: { queue?: MessageQueue; deadLetterQueue?: MessageQueue }): void => {
  inviteQueue = queues.queue;
  deadLetterQueue = queues.deadLetterQueue;
};

// ---- The bulk worker ------------------------------------------------------------------------

/**
 * A worker as one container runs it: its own client, paced to its share of the fleet's rate
 * (OPENAI_RATE_LIMIT_RPS / WORKER_MAX_CONCURRENCY) and pausing on 429.
 */
export const createBulkWorker = (
  config: ClientConfig = readClientConfig(),
  workerConfig: WorkerConfig = readWorkerConfig(),
): BulkInviteWorker => {
  const limiter = new RateLimiter(workerConfig.rateLimitRps / workerConfig.maxConcurrency);
  const client = createInvitesClient(config, {
    beforeAttempt: () => limiter.take(),
    onRetry: (notice) => {
      if (notice.status === 429) limiter.pauseFor(notice.delayMs);
      logger.warn('retrying OpenAI call', { retry: notice });
    },
  });
  return new BulkInviteWorker({
    client,
    queue: getInviteQueue(),
    deadLetterQueue: getDeadLetterQueue(),
    metrics: new Metrics({
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'OpenAIInvites',
      serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'openai-invites',
    }),
    retryBaseSeconds: workerConfig.retryBaseSeconds,
  });
};

let bulkWorker: BulkInviteWorker | undefined;

export const getBulkWorker = (): BulkInviteWorker => {
  bulkWorker ??= createBulkWorker();
  return bulkWorker;
};
