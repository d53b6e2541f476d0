/** The bulk queue's and the worker's configuration from the environment (README, "Configuration"). */
import { ConfigurationError } from '../commons/errors';
import { booleanFrom, ENV, type Env, integerFrom, stringFrom } from '../commons/env';
import { readClientConfig } from '../openai/config';
import { checkTimingModel } from './timing';
import { parseRate, RATE_ADVICE } from './rate-text';

export interface QueueConfig {
  /** The bulk queue: INVITE_QUEUE_URL. */
  queueUrl?: string;
  /** Where the worker puts permanent failures at once: INVITE_DLQ_URL. */
  deadLetterQueueUrl?: string;
  /** The leaver queue (revocations, offboarding): LEAVER_QUEUE_URL; unset, they go on the bulk queue. */
  leaverQueueUrl?: string;
}

export const readQueueConfig = (env: Env = process.env): QueueConfig => ({
  queueUrl: stringFrom(env, ENV.inviteQueueUrl),
  deadLetterQueueUrl: stringFrom(env, ENV.inviteDlqUrl),
  leaverQueueUrl: stringFrom(env, ENV.leaverQueueUrl),
});

/** OpenAI does not publish the Admin API's limits; 5 requests/s is a cautious start. */
export const DEFAULT_OPENAI_RATE_LIMIT_RPS = 5;

export const DEFAULT_WORKER_MAX_CONCURRENCY = 2;

export interface WorkerConfig {
  /** Requests per second to OpenAI for the whole worker fleet: OPENAI_RATE_LIMIT_RPS. */
  rateLimitRps: number;
  /** The event source's maximum concurrency: WORKER_MAX_CONCURRENCY. */
  maxConcurrency: number;
  /** First delay before a transiently failed record returns (no Retry-After): WORKER_RETRY_BASE_SECONDS. */
  retryBaseSeconds: number;
  /** The event source's batch size, for the timing check: WORKER_BATCH_SIZE (unset: not checked here). */
  batchSize?: number;
  /**
   * Remove a leaver who is already a member from the organization (never an owner):
   * OFFBOARD_MEMBERS, default false (destructive, so only when asked for).
   */
  offboardMembers?: boolean;
  /** THROTTLE_GIVE_UP_HOURS (default 72, failure-policy.ts). */
  throttleGiveUpHours?: number;
}

export const readWorkerConfig = (env: Env = process.env): WorkerConfig => {
  const rateLimitRps = parseRate(env[ENV.rateLimitRps]?.trim() || DEFAULT_OPENAI_RATE_LIMIT_RPS);
  if (rateLimitRps === undefined) {
    throw new ConfigurationError(`Environment variable OPENAI_RATE_LIMIT_RPS must be ${RATE_ADVICE}.`);
  }
  // Lambda's event source accepts a maximum concurrency from 2 to 1000.
  const maxConcurrency = integerFrom(env, ENV.workerMaxConcurrency, DEFAULT_WORKER_MAX_CONCURRENCY, 1, 1000);
  const retryBaseSeconds = integerFrom(env, ENV.workerRetryBaseSeconds, 5, 0, 900);
  const offboardMembers = booleanFrom(env, ENV.offboardMembers, false);
  // At most 84 h: the queue keeps a message 96 h, and the stack wants 12 h of margin (bulk-queue.ts).
  const throttleGiveUpHours = integerFrom(env, ENV.throttleGiveUpHours, 72, 1, 84);
  // Checked when the batch size is known (the stack checks its own at synth, lib/bulk/timing.ts).
  if (stringFrom(env, ENV.workerBatchSize) === undefined)
    return { rateLimitRps, maxConcurrency, retryBaseSeconds, offboardMembers, throttleGiveUpHours };
  const batchSize = integerFrom(env, ENV.workerBatchSize, 10, 1, 10_000);
  const { deadlineMs, attemptTimeoutMs } = readClientConfig(env);
  const [problem] = checkTimingModel({
    rateLimitRps,
    maxConcurrency,
    batchSize,
    deadlineMs,
    attemptTimeoutMs,
  });
  if (problem) throw new ConfigurationError(problem);
  return { rateLimitRps, maxConcurrency, retryBaseSeconds, batchSize, offboardMembers, throttleGiveUpHours };
};
