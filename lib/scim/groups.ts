/**
 * Which OpenAI organization group a SCIM group stands for. By configuration: SCIM_GROUP_MAP maps a
 * SCIM group's displayName or externalId (exactly as the identity provider sends it) to an OpenAI
 * group id. Optionally (SCIM_CREATE_GROUPS=true, off by default) a group with no mapping is created
 * in OpenAI when the identity provider creates it, through a `GroupBinder`. A group bound to
 * nothing is kept and answered as SCIM requires; its membership grants no OpenAI group.
 * Applying groups to members after acceptance is the access feature's work, not this one's.
 */
import type { ScimConfig } from './config';

/** Creates an OpenAI group named `displayName`; resolves to its id. */
export type GroupBinder = (displayName: string) => Promise<string>;

export const bindingOf = async (
  group: Record<string, unknown>,
  config: ScimConfig,
  create?: GroupBinder,
): Promise<string | undefined> => {
  const displayName = typeof group.displayName === 'string' ? group.displayName : undefined;
  const externalId = typeof group.externalId === 'string' ? group.externalId : undefined;
  const mapped =
    (externalId !== undefined ? config.groupMap[externalId] : undefined) ??
    (displayName !== undefined ? config.groupMap[displayName] : undefined);
  if (mapped) return mapped;
  if (config.createGroups && create && displayName) return create(displayName);
  return undefined;
};
