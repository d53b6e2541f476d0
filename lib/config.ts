/**
 * Function configuration from the environment: the same names in Lambda, `npm start` and tests
 * (README, "Configuration").
 */
import { DEFAULT_ADMIN_KEY_MAX_AGE_SECONDS } from './admin-key';
import { ConfigurationError } from './errors';
import type { InviteProject, OrganizationRole } from './invite-types';
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

// ---- HR webhooks ----------------------------------------------------------------------------

/** How long a webhook event id is remembered, so a replay within it enqueues nothing: 24 h. */
export const DEFAULT_WEBHOOK_DEDUPE_WINDOW_SECONDS = 86_400;
export const DEFAULT_BAMBOOHR_API_BASE_URL = 'https://api.bamboohr.com/api/gateway.php';

export interface WebhookConfig {
  /** Name or ARN of the secret with the signing secrets: WEBHOOK_SECRETS_SECRET_ID. */
  secretsSecretId?: string;
  /** Cache age of that secret: WEBHOOK_SECRETS_MAX_AGE_SECONDS (default 300). */
  secretsMaxAgeSeconds: number;
  /** Organization role of a webhook invite that names none: WEBHOOK_DEFAULT_ROLE (default reader). */
  defaultRole: OrganizationRole;
  /** Department (case-insensitive) → projects: WEBHOOK_DEPARTMENT_PROJECTS, JSON. */
  departmentProjects: Record<string, InviteProject[]>;
  /** DynamoDB table remembering event ids: WEBHOOK_DEDUPE_TABLE; unset = in memory (npm start). */
  dedupeTable?: string;
  /** WEBHOOK_DEDUPE_WINDOW_SECONDS (default 86400). */
  dedupeWindowSeconds: number;
  /** BAMBOOHR_API_BASE_URL: BambooHR's API gateway (a fake one in tests). */
  bambooHrApiBaseUrl: string;
}

const departmentProjectsFrom = (env: Env): Record<string, InviteProject[]> => {
  const raw = env.WEBHOOK_DEPARTMENT_PROJECTS?.trim();
  if (!raw) return {};
  const invalid = () =>
    new ConfigurationError(
      'Environment variable WEBHOOK_DEPARTMENT_PROJECTS must be JSON {"Department": [{"id": "proj_…", "role": "member"|"owner"}, …]}.',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const map: Record<string, InviteProject[]> = {};
  for (const [department, projects] of Object.entries(parsed)) {
    if (
      !Array.isArray(projects) ||
      projects.some(
        (project) =>
          typeof project?.id !== 'string' ||
          !/^[A-Za-z0-9_-]{1,128}$/.test(project.id) ||
          (project.role !== 'member' && project.role !== 'owner'),
      )
    ) {
      throw invalid();
    }
    map[department.trim().toLowerCase()] = projects.map(({ id, role }) => ({ id, role }));
  }
  return map;
};

export const readWebhookConfig = (env: Env = process.env): WebhookConfig => {
  const defaultRole = env.WEBHOOK_DEFAULT_ROLE?.trim() || 'reader';
  if (defaultRole !== 'reader' && defaultRole !== 'owner') {
    throw new ConfigurationError('Environment variable WEBHOOK_DEFAULT_ROLE must be "reader" or "owner".');
  }
  return {
    secretsSecretId: env.WEBHOOK_SECRETS_SECRET_ID?.trim() || undefined,
    secretsMaxAgeSeconds: integerFrom(env, 'WEBHOOK_SECRETS_MAX_AGE_SECONDS', 300, 0, 86_400),
    defaultRole,
    departmentProjects: departmentProjectsFrom(env),
    dedupeTable: env.WEBHOOK_DEDUPE_TABLE?.trim() || undefined,
    dedupeWindowSeconds: integerFrom(
      env,
      'WEBHOOK_DEDUPE_WINDOW_SECONDS',
      DEFAULT_WEBHOOK_DEDUPE_WINDOW_SECONDS,
      60,
      30 * 86_400,
    ),
    bambooHrApiBaseUrl: urlFrom(env, 'BAMBOOHR_API_BASE_URL', DEFAULT_BAMBOOHR_API_BASE_URL),
  };
};
