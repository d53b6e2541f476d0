/** The SCIM endpoint's settings from the environment (docs/scim.md). */
import { type Env, ENV, stringFrom } from '../commons/env';
import { ConfigurationError } from '../commons/errors';
import type { OrganizationRole } from '../openai/types';

export interface ScimConfig {
  tokenSecretId?: string;
  defaultRole: OrganizationRole;
  /** SCIM group displayName or externalId (exact) → OpenAI group id. */
  groupMap: Record<string, string>;
}

const parseGroupMap = (raw: string | undefined): Record<string, string> => {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigurationError(`Environment variable ${ENV.scimGroupMap} must be a JSON object.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigurationError(`Environment variable ${ENV.scimGroupMap} must be a JSON object.`);
  for (const value of Object.values(parsed))
    if (typeof value !== 'string' || value.trim() === '')
      throw new ConfigurationError(`${ENV.scimGroupMap} must map names to OpenAI group ids (strings).`);
  return parsed as Record<string, string>;
};

export const readScimConfig = (env: Env = process.env): ScimConfig => {
  const role = stringFrom(env, ENV.scimDefaultRole) ?? 'reader';
  if (role !== 'reader' && role !== 'owner')
    throw new ConfigurationError(`Environment variable ${ENV.scimDefaultRole} must be reader or owner.`);
  return {
    tokenSecretId: stringFrom(env, ENV.scimTokenSecretId),
    defaultRole: role,
    groupMap: parseGroupMap(stringFrom(env, ENV.scimGroupMap)),
  };
};

/** The source every SCIM declaration names (an employee-of-record source: lib/people/authority.ts). */
export const SCIM_SOURCE = 'scim';
