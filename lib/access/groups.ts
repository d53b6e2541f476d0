/**
 * Organization groups (`/organization/groups/{id}/users[/{user_id}]`). Reads: nothing for a
 * plain intent; an exact intent reads membership per group (access-read.ts). Diff: add the
 * intent's groups nobody granted, remove groups the product granted that the intent dropped
 * (and, exact, any group OpenAI shows that the intent does not name). Apply: POST / DELETE.
 */
import type { GrantModule, GrantStep } from './types';

export const groupsGrant: GrantModule = {
  kind: 'group',
  diff: ({ intent, granted, actual }) => {
    const wanted = new Set(intent.groups ?? []);
    const has = (id: string) => (actual ? actual.groups.has(id) : granted.groups.includes(id));
    const steps: GrantStep[] = [];
    for (const id of wanted)
      if (!has(id)) steps.push({ grant: 'group', op: 'add', id, reason: `intent names group ${id}` });
    for (const id of granted.groups)
      if (!wanted.has(id) && (!actual || actual.groups.has(id)))
        steps.push({
          grant: 'group',
          op: 'remove',
          id,
          reason: `granted by the product; the intent no longer names ${id}`,
        });
    if (actual && intent.exact)
      for (const id of actual.groups)
        if (!wanted.has(id) && !granted.groups.includes(id))
          steps.push({
            grant: 'group',
            op: 'remove',
            id,
            reason: `the intent is exact and does not name ${id}`,
          });
    return steps;
  },
  apply: (step, userId, client, options) =>
    step.op === 'add'
      ? client.addGroupUser(step.id!, userId, options)
      : client.removeGroupUser(step.id!, userId, options),
  record: (granted, step) => {
    const others = granted.groups.filter((id) => id !== step.id);
    return { ...granted, groups: step.op === 'remove' ? others : [...others, step.id!] };
  },
};
