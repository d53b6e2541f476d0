/**
 * The objects a warm container keeps between invocations, built once from the environment.
 * The local gateway, tests and benchmarks replace them with their own through the setters.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { type AdminKeySource, SecretsManagerAdminKey, StaticAdminKey } from './admin-key';
import { BulkInviteWorker } from './bulk-worker';
import {
  type ClientConfig,
  readClientConfig,
  readQueueConfig,
  readWorkerConfig,
  type WorkerConfig,
} from './config';
import { AdminKeyUnavailableError, ConfigurationError } from './errors';
import { logger } from './logger';
import { type MessageQueue, SqsQueue } from './message-queue';
import { type InvitesClientOptions, OpenAIInvitesClient } from './openai-invites-client';
import { RateLimiter } from './rate-limiter';

/** The Admin key's source: the secret when named, else OPENAI_ADMIN_KEY (local use only). */
export const adminKeySourceFrom = (config: ClientConfig): AdminKeySource => {
  if (config.adminKeySecretId) {
    return new SecretsManagerAdminKey({
      secretId: config.adminKeySecretId,
      maxAgeSeconds: config.adminKeyMaxAgeSeconds,
    });
  }
  if (config.adminKey) return new StaticAdminKey(config.adminKey);
  return {
    description: 'nowhere',
    getKey: () => Promise.reject(new AdminKeyUnavailableError('OPENAI_ADMIN_KEY_SECRET_ID is not set.')),
  };
};

export const createInvitesClient = (
  config: ClientConfig = readClientConfig(),
  extra: Partial<InvitesClientOptions> = {},
): OpenAIInvitesClient =>
  new OpenAIInvitesClient({
    adminKey: adminKeySourceFrom(config),
    baseUrl: config.baseUrl,
    attemptTimeoutMs: config.attemptTimeoutMs,
    deadlineMs: config.deadlineMs,
    maxRetries: config.maxRetries,
    onRetry: (notice) => logger.warn('retrying OpenAI call', { retry: notice }),
    ...extra,
  });

let invitesClient: OpenAIInvitesClient | undefined;

/** The container's client, created on first use. */
export const getInvitesClient = (): OpenAIInvitesClient => {
  invitesClient ??= createInvitesClient();
  return invitesClient;
};

export const setInvitesClient = (client: OpenAIInvitesClient | undefined): void => {
  invitesClient = client;
};

// ---- Queues ---------------------------------------------------------------------------------

let inviteQueue: MessageQueue | undefined;
let deadLetterQueue: MessageQueue | undefined;

const sqsQueueFrom = (url: string | undefined, variable: string): MessageQueue => {
  if (!url) throw new ConfigurationError(`Environment variable ${variable} is not set.`);
  return new SqsQueue(url);
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
