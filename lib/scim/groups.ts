/**
 * Which OpenAI organization group a SCIM group stands for, by configuration: SCIM_GROUP_MAP maps a
 * SCIM group's externalId or displayName (exactly as the identity provider sends it) to an OpenAI
 * group id. A group bound to nothing is kept and answered as SCIM requires; its membership grants
 * no OpenAI group. (Creating OpenAI groups from SCIM is not built: docs/scim.md, "Not yet".)
 * Applying groups to members after acceptance is the access feature's work, not this one's.
 */
import type { ScimConfig } from './config';

export const bindingOf = (group: Record<string, unknown>, config: ScimConfig): string | undefined => {
  const displayName = typeof group.displayName === 'string' ? group.displayName : undefined;
  const externalId = typeof group.externalId === 'string' ? group.externalId : undefined;
  return (
    (externalId !== undefined ? config.groupMap[externalId] : undefined) ??
    (displayName !== undefined ? config.groupMap[displayName] : undefined)
  );
};
