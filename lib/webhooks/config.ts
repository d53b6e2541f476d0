/** The HR webhooks' configuration from the environment (README, "HR webhooks"). */
import { DEFAULT_WEBHOOK_GRANT_LIMITS, type WebhookGrantLimits, webhookGrantRefusal } from './grant-limits';
import { ConfigurationError } from '../commons/errors';
import { ENV, type Env, integerFrom, stringFrom, urlFrom } from '../commons/env';
import type { InviteProject, OrganizationRole } from '../openai/types';

/** How long a webhook event id is remembered, so a replay within it enqueues nothing: 24 h. */
export const DEFAULT_WEBHOOK_DEDUPE_WINDOW_SECONDS = 86_400;

/**
 * How long an event's claim stays "in progress" before it is confirmed: longer than the webhook
 * function's timeout (28 s), so a retry never takes over from an attempt that is still running;
 * short enough that an attempt killed mid-way strands its event for a minute only.
 */
export const WEBHOOK_CLAIM_LEASE_SECONDS = 60;

export const DEFAULT_BAMBOOHR_API_BASE_URL = 'https://api.bamboohr.com/api/gateway.php';

export interface WebhookConfig {
  /** Name or ARN of the secret with the signing secrets: WEBHOOK_SECRETS_SECRET_ID. */
  secretsSecretId?: string;
  /** Cache age of that secret: WEBHOOK_SECRETS_MAX_AGE_SECONDS (default 300). */
  secretsMaxAgeSeconds: number;
  /** Organization role of a webhook invite that names none: WEBHOOK_DEFAULT_ROLE (default reader). */
  defaultRole: OrganizationRole;
  /**
   * Department (lowercased) → projects: WEBHOOK_DEPARTMENT_PROJECTS, JSON. A Map, so that a
   * department named "constructor" or "__proto__" finds only what the JSON lists for it.
   */
  departmentProjects: Map<string, InviteProject[]>;
  /** WEBHOOK_MAX_ROLE and WEBHOOK_MAX_PROJECT_ROLE: above them an event is refused. */
  grantLimits: WebhookGrantLimits;
  /** DynamoDB table remembering event ids: WEBHOOK_DEDUPE_TABLE; unset = in memory (npm start). */
  dedupeTable?: string;
  /** WEBHOOK_DEDUPE_WINDOW_SECONDS (default 86400). */
  dedupeWindowSeconds: number;
  /** WEBHOOK_CLAIM_LEASE_SECONDS: a constant, not an environment variable. */
  claimLeaseSeconds: number;
  /** BAMBOOHR_API_BASE_URL: BambooHR's API gateway (a fake one in tests). */
  bambooHrApiBaseUrl: string;
}

const departmentProjectsFrom = (env: Env): Map<string, InviteProject[]> => {
  const map = new Map<string, InviteProject[]>();
  const raw = env[ENV.webhookDepartmentProjects]?.trim();
  if (!raw) return map;
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
    map.set(
      department.trim().toLowerCase(),
      projects.map(({ id, role }) => ({ id, role })),
    );
  }
  return map;
};

const grantLimitsFrom = (env: Env): WebhookGrantLimits => {
  const maxRole = env[ENV.webhookMaxRole]?.trim() || DEFAULT_WEBHOOK_GRANT_LIMITS.maxRole;
  if (maxRole !== 'reader' && maxRole !== 'owner') {
    throw new ConfigurationError('Environment variable WEBHOOK_MAX_ROLE must be "reader" or "owner".');
  }
  const maxProjectRole =
    env[ENV.webhookMaxProjectRole]?.trim() || DEFAULT_WEBHOOK_GRANT_LIMITS.maxProjectRole;
  if (maxProjectRole !== 'member' && maxProjectRole !== 'owner') {
    throw new ConfigurationError(
      'Environment variable WEBHOOK_MAX_PROJECT_ROLE must be "member" or "owner".',
    );
  }
  return { maxRole, maxProjectRole };
};

export const readWebhookConfig = (env: Env = process.env): WebhookConfig => {
  const defaultRole = env[ENV.webhookDefaultRole]?.trim() || 'reader';
  if (defaultRole !== 'reader' && defaultRole !== 'owner') {
    throw new ConfigurationError('Environment variable WEBHOOK_DEFAULT_ROLE must be "reader" or "owner".');
  }
  const grantLimits = grantLimitsFrom(env);
  const departmentProjects = departmentProjectsFrom(env);
  // The operator's own settings must fit the caps: else every webhook invite would be refused.
  const refusal =
    webhookGrantRefusal({ email: 'x@example.com', role: defaultRole }, grantLimits) ??
    [...departmentProjects.values()]
      .map((projects) =>
        webhookGrantRefusal({ email: 'x@example.com', role: 'reader', projects }, grantLimits),
      )
      .find((reason) => reason !== undefined);
  if (refusal) {
    throw new ConfigurationError(
      `WEBHOOK_DEFAULT_ROLE or WEBHOOK_DEPARTMENT_PROJECTS asks for more than the caps allow: ${refusal}.`,
    );
  }
  return {
    grantLimits,
    secretsSecretId: stringFrom(env, ENV.webhookSecretsSecretId),
    secretsMaxAgeSeconds: integerFrom(env, ENV.webhookSecretsMaxAgeSeconds, 300, 0, 86_400),
    defaultRole,
    departmentProjects,
    dedupeTable: stringFrom(env, ENV.webhookDedupeTable),
    dedupeWindowSeconds: integerFrom(
      env,
      ENV.webhookDedupeWindowSeconds,
      DEFAULT_WEBHOOK_DEDUPE_WINDOW_SECONDS,
      60,
      30 * 86_400,
    ),
    claimLeaseSeconds: WEBHOOK_CLAIM_LEASE_SECONDS,
    bambooHrApiBaseUrl: urlFrom(env, ENV.bambooHrApiBaseUrl, DEFAULT_BAMBOOHR_API_BASE_URL),
  };
};
