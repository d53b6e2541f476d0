/**
 * The functions' environment: every variable's name, once, and the typed readers the feature
 * config modules (`lib/*\/config.ts`) use. `infra/` sets the same names from these constants, so
 * the stack and the code cannot disagree on a spelling.
 */
import { ConfigurationError } from './errors';

export type Env = Record<string, string | undefined>;

/** Environment variable names, by what they configure (README, "Configuration"). */
export const ENV = {
  // OpenAI and its Admin key
  /** The upstream the Admin key is sent to (https unless loopback). */
  invitesUpstreamUrl: 'INVITES_UPSTREAM_URL',
  adminKeySecretId: 'OPENAI_ADMIN_KEY_SECRET_ID',
  /** A key given directly: `npm start` only, never set by the stack. */
  adminKey: 'OPENAI_ADMIN_KEY',
  adminKeyMaxAgeSeconds: 'OPENAI_ADMIN_KEY_MAX_AGE_SECONDS',
  attemptTimeoutMs: 'OPENAI_ATTEMPT_TIMEOUT_MS',
  deadlineMs: 'OPENAI_DEADLINE_MS',
  maxRetries: 'OPENAI_MAX_RETRIES',
  // Bulk queue and worker
  inviteQueueUrl: 'INVITE_QUEUE_URL',
  inviteDlqUrl: 'INVITE_DLQ_URL',
  /** The leaver queue: revocations and offboarding, consumed by the same worker (unset: the bulk queue). */
  leaverQueueUrl: 'LEAVER_QUEUE_URL',
  rateLimitRps: 'OPENAI_RATE_LIMIT_RPS',
  workerMaxConcurrency: 'WORKER_MAX_CONCURRENCY',
  workerRetryBaseSeconds: 'WORKER_RETRY_BASE_SECONDS',
  workerBatchSize: 'WORKER_BATCH_SIZE',
  /** Hours a record may be held back by OpenAI's rate limit before it is dead-lettered (default 72). */
  throttleGiveUpHours: 'THROTTLE_GIVE_UP_HOURS',
  /** `true`: a leaver who is already a member is removed from the organization (never an owner). */
  offboardMembers: 'OFFBOARD_MEMBERS',
  // HR webhooks
  webhookSecretsSecretId: 'WEBHOOK_SECRETS_SECRET_ID',
  webhookSecretsMaxAgeSeconds: 'WEBHOOK_SECRETS_MAX_AGE_SECONDS',
  webhookDefaultRole: 'WEBHOOK_DEFAULT_ROLE',
  /** The highest organization role a webhook invite may carry (default `reader`). */
  webhookMaxRole: 'WEBHOOK_MAX_ROLE',
  /** The highest project role a webhook invite may carry (default `member`). */
  webhookMaxProjectRole: 'WEBHOOK_MAX_PROJECT_ROLE',
  webhookDepartmentProjects: 'WEBHOOK_DEPARTMENT_PROJECTS',
  /** Department → OpenAI organization group ids (the person's intended `groups`). */
  webhookDepartmentGroups: 'WEBHOOK_DEPARTMENT_GROUPS',
  webhookDedupeTable: 'WEBHOOK_DEDUPE_TABLE',
  webhookDedupeWindowSeconds: 'WEBHOOK_DEDUPE_WINDOW_SECONDS',
  bambooHrApiBaseUrl: 'BAMBOOHR_API_BASE_URL',
  // The invite ledger
  inviteLedgerTable: 'INVITE_LEDGER_TABLE',
  // People (on the ledger table): how long each person's history events are kept
  personHistoryDays: 'PERSON_HISTORY_DAYS',
  // Lifecycle: the invite sweeper
  reinviteExpired: 'REINVITE_EXPIRED',
  reinviteMaxTimes: 'REINVITE_MAX_TIMES',
  /** The most people one reconcile or sweep may revoke or remove before it stops (brakes). */
  reconcileMaxRemovals: 'RECONCILE_MAX_REMOVALS',
  /** `true`: a leaver's project API keys are deleted, not only listed (lib/access/leaver-keys.ts). */
  revokeLeaverKeys: 'REVOKE_LEAVER_KEYS',
  // SCIM 2.0 endpoint (docs/scim.md)
  /** Name or ARN of the secret holding the SCIM bearer token (the stack sets it). */
  scimTokenSecretId: 'SCIM_TOKEN_SECRET_ID',
  /** `npm start` only: the SCIM bearer token (else a development token is printed). */
  scimToken: 'SCIM_TOKEN',
  /** The organization role of a SCIM user without the OpenAI extension's role (default reader). */
  scimDefaultRole: 'SCIM_DEFAULT_ROLE',
  /** JSON {"<SCIM group displayName or externalId>": "<OpenAI group id>"}. */
  scimGroupMap: 'SCIM_GROUP_MAP',
  // The shared budget for OpenAI's limits (lib/budget/, docs/rate-budget.md)
  /** `false`: each function paces alone, as before the budget (default `true` with a ledger table). */
  sharedBudget: 'OPENAI_SHARED_BUDGET',
  /** Without the budget's store, a container paces at this share of the last known rate (default 0.25). */
  budgetFallbackShare: 'OPENAI_BUDGET_FALLBACK_SHARE',
  // Bearer-token authorizer
  apiTokensSecretId: 'API_TOKENS_SECRET_ID',
  /** `npm start` only: the folder of its SQLite state (queue, ledger, simulator). */
  localStateDir: 'LOCAL_STATE_DIR',
  // Powertools
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/** `name`'s value trimmed, or undefined when unset or blank. */
export const stringFrom = (env: Env, name: EnvName): string | undefined => env[name]?.trim() || undefined;

/** An integer in [min, max], `fallback` when unset or blank; anything else is a ConfigurationError. */
export const integerFrom = (env: Env, name: EnvName, fallback: number, min: number, max: number): number => {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(`Environment variable ${name} must be an integer from ${min} to ${max}.`);
  }
  return value;
};

/** `true` or `false` (any case), `fallback` when unset or blank; anything else is a ConfigurationError. */
export const booleanFrom = (env: Env, name: EnvName, fallback: boolean): boolean => {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new ConfigurationError(`Environment variable ${name} must be true or false.`);
};

/**
 * Variables this product deliberately does not read, though other tools do. `OPENAI_BASE_URL` is
 * the official SDK's (and OpenAI-compatible proxies'): following it would send the Admin key
 * wherever a shell set up for the SDK points.
 */
export const NOT_READ = { openaiBaseUrl: 'OPENAI_BASE_URL' } as const;

/** True for a loopback host: `localhost`, 127.0.0.0/8 or `[::1]`. */
export const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' ||
  hostname === '[::1]' ||
  hostname === '::1' ||
  /^127(\.\d{1,3}){3}$/.test(hostname);

/**
 * An upstream URL that may receive a secret: `https`, or `http` on a loopback host only, without
 * trailing slashes; `fallback` when unset or blank; anything else is a ConfigurationError.
 */
export const secureUrlFrom = (env: Env, name: EnvName, fallback: string): string => {
  const url = urlFrom(env, name, fallback);
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && !isLoopbackHost(parsed.hostname)) {
    throw new ConfigurationError(
      `Environment variable ${name} must be an https URL (http only on a loopback host such as 127.0.0.1).`,
    );
  }
  if (parsed.username || parsed.password) {
    throw new ConfigurationError(`Environment variable ${name} must not carry credentials.`);
  }
  return url;
};

/** An http(s) URL without trailing slashes, `fallback` when unset or blank. */
export const urlFrom = (env: Env, name: EnvName, fallback: string): string => {
  const raw = env[name]?.trim() || fallback;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) {
    throw new ConfigurationError(`Environment variable ${name} must be an http(s) URL.`);
  }
  return raw.replace(/\/+$/, '');
};
