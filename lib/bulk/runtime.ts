/**
 * The queues and the worker a warm container keeps between invocations, built once from the
 * environment. The local gateway, tests and benchmarks replace them through the setters.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SQSClient } from '@aws-sdk/client-sqs';
import { boundedAwsClientConfig } from '../commons/aws-clients';
import { ENV } from '../commons/env';
import { ConfigurationError } from '../commons/errors';
import { findLedger } from '../ledger/runtime';
import { findPersonStore } from '../people/runtime';
import { logger } from '../commons/logger';
import { type ClientConfig, readClientConfig } from '../openai/config';
import { createInvitesClient } from '../openai/runtime';
import { readQueueConfig, readWorkerConfig, type WorkerConfig } from './config';
import { type MessageQueue, SqsQueue } from './queue';
import { EndpointPacers, pacedFetch } from './endpoint-pacers';
import type { PacerOptions } from './pacer';
import { BulkInviteWorker } from './worker';
import { findBudget } from '../budget/runtime';
import type { SharedBudget } from '../budget/budget';

let inviteQueue: MessageQueue | undefined;
let deadLetterQueue: MessageQueue | undefined;
let leaverQueue: MessageQueue | undefined;

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

/**
 * Where leaver messages go (revocations, offboarding): the leaver queue (LEAVER_QUEUE_URL), which
 * the worker drains beside the bulk one, so that a leaver never waits behind a joiner backlog.
 * Unset (an older deployment, a test), the bulk queue, as before.
 */
export const getLeaverQueue = (): MessageQueue => {
  const url = leaverQueue ? undefined : readQueueConfig().leaverQueueUrl;
  if (url) leaverQueue = sqsQueueFrom(url, 'LEAVER_QUEUE_URL');
  return leaverQueue ?? getInviteQueue();
};

/** The leaver queue when there is one of its own (else undefined: leavers share the bulk queue). */
export const findLeaverQueue = (): MessageQueue | undefined => {
  getLeaverQueue();
  return leaverQueue;
};

export const setQueues = (queues: {
  queue?: MessageQueue;
  deadLetterQueue?: MessageQueue;
  /** The leaver queue; none = leavers on `queue` (unless LEAVER_QUEUE_URL names one). */
  leaverQueue?: MessageQueue;
}): void => {
  inviteQueue = queues.queue;
  deadLetterQueue = queues.deadLetterQueue;
  leaverQueue = queues.leaverQueue;
};

// ---- The bulk worker ------------------------------------------------------------------------

/**
 * A worker as one container runs it: its own client and one pacer per OpenAI endpoint, each
 * starting at the container's share of the fleet's ceiling (OPENAI_RATE_LIMIT_RPS /
 * WORKER_MAX_CONCURRENCY) and adapting to what OpenAI allows (pacer.ts, endpoint-pacers.ts). Kept
 * by `getBulkWorker`, so the pacers' state outlives an invocation.
 */
export const createBulkWorker = (
  config: ClientConfig = readClientConfig(),
  workerConfig: WorkerConfig = readWorkerConfig(),
  pacing: PacerOptions = {},
  /** The container's share of the budget (default the environment's; tests give each container one). */
  budget: SharedBudget | undefined = findBudget(),
): BulkInviteWorker => {
  // With the shared budget (lib/budget/) the containers pace together; without, each alone.
  const pacer = budget
    ? undefined
    : new EndpointPacers(workerConfig.rateLimitRps / workerConfig.maxConcurrency, pacing);
  const client = createInvitesClient(config, {
    budget,
    ...(pacer && { beforeAttempt: (request) => pacer.for(request).take(), fetch: pacedFetch(pacer) }),
    onRetry: (notice) => logger.warn('retrying OpenAI call', { retry: notice }),
  });
  return new BulkInviteWorker({
    client,
    pacer,
    budget,
    queue: getInviteQueue(),
    leaverQueue: findLeaverQueue(),
    deadLetterQueue: getDeadLetterQueue(),
    metrics: new Metrics({
      namespace: process.env[ENV.metricsNamespace] ?? 'OpenAIInvites',
      serviceName: process.env[ENV.serviceName] ?? 'openai-invites',
    }),
    failurePolicy: {
      retryBaseSeconds: workerConfig.retryBaseSeconds,
      ...(workerConfig.throttleGiveUpHours && { throttleGiveUpHours: workerConfig.throttleGiveUpHours }),
    },
    ledger: findLedger(),
    offboardMembers: workerConfig.offboardMembers ?? false,
    people: findPersonStore(),
  });
};

let bulkWorker: BulkInviteWorker | undefined;

export const getBulkWorker = (): BulkInviteWorker => {
  bulkWorker ??= createBulkWorker();
  return bulkWorker;
};
