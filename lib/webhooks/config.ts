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
  /**
   * Department (lowercased) → OpenAI organization group ids: WEBHOOK_DEPARTMENT_GROUPS, JSON. The
   * person's intended `groups`, granted once they are a member (lib/access/).
   */
  departmentGroups: Map<string, string[]>;
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

/** What an OpenAI organization group id looks like (`group_01J1F8ABCDXYZ`). */
export const GROUP_ID_PATTERN = /^group_[A-Za-z0-9_-]{1,122}$/;

/** The most groups one department may name (as `PUT /v1/people/{email}` allows). */
export const MAX_DEPARTMENT_GROUPS = 100;

/**
 * WEBHOOK_DEPARTMENT_GROUPS (or the stack's context `webhookDepartmentGroups`, which the stack
 * checks with this same function): department (lowercased) → group ids. Throws a
 * ConfigurationError naming `setting` and what is wrong; never a partial map.
 */
export const parseDepartmentGroups = (
  raw: string | undefined,
  setting = `Environment variable ${ENV.webhookDepartmentGroups}`,
): Map<string, string[]> => {
  const map = new Map<string, string[]>();
  if (!raw?.trim()) return map;
  const invalid = (why: string) =>
    new ConfigurationError(`${setting} must be JSON {"Department": ["group_…", …]}: ${why}.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid('it is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalid('it is not a JSON object');
  for (const [department, groups] of Object.entries(parsed)) {
    const name = JSON.stringify(department);
    if (!Array.isArray(groups)) throw invalid(`${name} is not a list of group ids`);
    if (groups.length > MAX_DEPARTMENT_GROUPS)
      throw invalid(`${name} lists more than ${MAX_DEPARTMENT_GROUPS} groups`);
    for (const id of groups as unknown[])
      if (typeof id !== 'string' || !GROUP_ID_PATTERN.test(id))
        throw invalid(
          `${name} lists ${typeof id === 'string' ? JSON.stringify(id.slice(0, 140)) : `a ${id === null ? 'null' : typeof id}`}, not an OpenAI group id (group_…)`,
        );
    if (new Set(groups).size !== groups.length) throw invalid(`${name} lists a group twice`);
    map.set(department.trim().toLowerCase(), [...(groups as string[])]);
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
  const departmentGroups = parseDepartmentGroups(env[ENV.webhookDepartmentGroups]);
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
    departmentGroups,
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
