/**
 * The organization role (`POST /organization/users/{id}`). Reads: the member's role from the
 * users list already read by email. Diff: the intent's role when it differs; an owner is never
 * lowered automatically (drift for a person), as owners are never removed. Apply: one POST.
 */
import type { GrantModule } from './types';

export const orgRoleGrant: GrantModule = {
  kind: 'role',
  diff: ({ intent, member }) => {
    if (member.role === intent.role) return [];
    if (member.role === 'owner')
      return [
        {
          grant: 'role',
          op: 'drift',
          role: intent.role,
          reason: `an owner is never lowered to ${intent.role} automatically: change it in OpenAI`,
        },
      ];
    return [
      {
        grant: 'role',
        op: 'change',
        role: intent.role,
        reason: `intent role ${intent.role}, OpenAI shows ${member.role}`,
      },
    ];
  },
  apply: (step, userId, client, options) => client.setOrganizationRole(userId, step.role!, options),
  record: (granted, step) => ({ ...granted, role: step.role }),
};
