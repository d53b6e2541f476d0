/**
 * Function configuration from the environment: the same names in Lambda, `npm start` and tests
 * (README, "Configuration").
 */
import { DEFAULT_ADMIN_KEY_MAX_AGE_SECONDS } from './admin-key';
import { ConfigurationError } from './errors';
import {
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_RETRIES,
  DEFAULT_OPENAI_BASE_URL,
} from './openai-invites-client';

type Env = Record<string, string | undefined>;

export interface ClientConfig {
  baseUrl: string;
  /** Name or ARN of the Admin-key secret. */
  adminKeySecretId?: string;
  /** A key given directly: `npm start` only, never set by the stack. */
  adminKey?: string;
  adminKeyMaxAgeSeconds: number;
  attemptTimeoutMs: number;
  deadlineMs: number;
  maxRetries: number;
}

const integerFrom = (env: Env, name: string, fallback: number, min: number, max: number): number => {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(`Environment variable ${name} must be an integer from ${min} to ${max}.`);
  }
  return value;
};

const urlFrom = (env: Env, name: string, fallback: string): string => {
  const raw = env[name]?.trim() || fallback;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) {
    throw new ConfigurationError(`Environment variable ${name} must be an http(s) URL.`);
  }
  return raw.replace(/\/+$/, '');
};

export const readClientConfig = (env: Env = process.env): ClientConfig => ({
  baseUrl: urlFrom(env, 'OPENAI_BASE_URL', DEFAULT_OPENAI_BASE_URL),
  adminKeySecretId: env.OPENAI_ADMIN_KEY_SECRET_ID?.trim() || undefined,
  adminKey: env.OPENAI_ADMIN_KEY?.trim() || undefined,
  adminKeyMaxAgeSeconds: integerFrom(
    env,
    'OPENAI_ADMIN_KEY_MAX_AGE_SECONDS',
    DEFAULT_ADMIN_KEY_MAX_AGE_SECONDS,
    0,
    86_400,
  ),
  attemptTimeoutMs: integerFrom(env, 'OPENAI_ATTEMPT_TIMEOUT_MS', DEFAULT_ATTEMPT_TIMEOUT_MS, 100, 10_000),
  deadlineMs: integerFrom(env, 'OPENAI_DEADLINE_MS', DEFAULT_DEADLINE_MS, 100, 900_000),
  maxRetries: integerFrom(env, 'OPENAI_MAX_RETRIES', DEFAULT_MAX_RETRIES, 0, 10),
});

export interface QueueConfig {
  /** The bulk queue: INVITE_QUEUE_URL. */
  queueUrl?: string;
  /** Where the worker puts permanent failures at once: INVITE_DLQ_URL. */
  deadLetterQueueUrl?: string;
}

export const readQueueConfig = (env: Env = process.env): QueueConfig => ({
  queueUrl: env.INVITE_QUEUE_URL?.trim() || undefined,
  deadLetterQueueUrl: env.INVITE_DLQ_URL?.trim() || undefined,
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
}

export const readWorkerConfig = (env: Env = process.env): WorkerConfig => {
  const rateLimitRps = Number(env.OPENAI_RATE_LIMIT_RPS?.trim() || DEFAULT_OPENAI_RATE_LIMIT_RPS);
  if (!(rateLimitRps > 0 && rateLimitRps <= 10_000)) {
    throw new ConfigurationError('Environment variable OPENAI_RATE_LIMIT_RPS must be a number above 0.');
  }
  // Lambda's event source accepts a maximum concurrency from 2 to 1000.
  const maxConcurrency = integerFrom(env, 'WORKER_MAX_CONCURRENCY', DEFAULT_WORKER_MAX_CONCURRENCY, 1, 1000);
  const retryBaseSeconds = integerFrom(env, 'WORKER_RETRY_BASE_SECONDS', 5, 0, 900);
  return { rateLimitRps, maxConcurrency, retryBaseSeconds };
};
