/**
 * Project memberships (`/organization/projects/{id}/users[/{user_id}]`). Reads: nothing for a
 * plain intent (the person's granted record says what the product added); an exact intent reads
 * the member's role in each project it names or was granted, and the organization's projects
 * (access-read.ts). Diff: add what the intent names and nobody granted, change a granted role,
 * remove what the product granted and the intent no longer names; with an exact intent, also
 * remove or change what OpenAI shows and the intent does not name. Apply: POST / POST / DELETE
 * ("not a member" on a removal, "already a member" on an add count as done).
 */
import type { InviteProject } from '../openai/types';
import type { GrantModule, GrantStep } from './types';

const roleIn = (projects: readonly InviteProject[], id: string) => projects.find((p) => p.id === id)?.role;

export const projectsGrant: GrantModule = {
  kind: 'project',
  diff: ({ intent, granted, actual }) => {
    // An intent without projects leaves projects alone (the invite's default project is OpenAI's).
    if (intent.projects === undefined) return [];
    const wanted = intent.projects;
    const blocked = new Set(granted.blocked ?? []);
    const steps: GrantStep[] = [];
    for (const { id, role } of wanted) {
      if (blocked.has(id)) continue;
      const has = actual ? actual.projects.get(id) : roleIn(granted.projects, id);
      if (has === undefined)
        steps.push({ grant: 'project', op: 'add', id, role, reason: `intent names ${id} (${role})` });
      else if (has !== role)
        steps.push({
          grant: 'project',
          op: 'change',
          id,
          role,
          reason: `intent role ${role} in ${id}, was ${has}`,
        });
    }
    const named = new Set(wanted.map((project) => project.id));
    for (const { id } of granted.projects)
      if (!named.has(id) && (!actual || actual.projects.has(id)))
        steps.push({
          grant: 'project',
          op: 'remove',
          id,
          reason: `granted by the product; the intent no longer names ${id}`,
        });
    if (actual && intent.exact)
      for (const id of actual.projects.keys())
        if (!named.has(id) && roleIn(granted.projects, id) === undefined)
          steps.push({
            grant: 'project',
            op: 'remove',
            id,
            reason: `the intent is exact and does not name ${id}`,
          });
    return steps;
  },
  apply: (step, userId, client, options) => {
    const role = step.role as 'owner' | 'member';
    if (step.op === 'add') return client.addProjectUser(step.id!, userId, role, options);
    if (step.op === 'change') return client.setProjectRole(step.id!, userId, role, options);
    return client.removeProjectUser(step.id!, userId, options);
  },
  record: (granted, step) => {
    const others = granted.projects.filter((project) => project.id !== step.id);
    return {
      ...granted,
      projects:
        step.op === 'remove' ? others : [...others, { id: step.id!, role: step.role as 'owner' | 'member' }],
    };
  },
};
