/**
 * One member's access brought to their intent: the granted record (seeded on acceptance from the
 * invite the product made), what OpenAI shows when the intent is exact (reads: the
 * organization's projects and groups, the member's place in each), the plan and its apply.
 */
import type { OpenAIAccessClient } from '../openai/access-client';
import type { CallOptions } from '../openai/client';
import type { Invite } from '../openai/types';
import type { Person } from '../people/types';
import { type AccessDeps, applyAccess, type StepOutcome } from './apply';
import { grantedOnAcceptance, planAccess } from './plan';
import type { DiffInput } from './types';

/** What OpenAI shows of a member's projects and groups: only an exact intent needs it. */
export const readActualAccess = async (
  userId: string,
  access: OpenAIAccessClient,
  options: CallOptions,
): Promise<NonNullable<DiffInput['actual']>> => {
  const projects = new Map<string, string>();
  for await (const project of access.listProjects(options)) {
    const role = await access.projectRole(project.id, userId, options);
    if (role !== undefined) projects.set(project.id, role);
  }
  const groups = new Set<string>();
  for await (const group of access.listGroups(options))
    if (await access.inGroup(group.id, userId, options)) groups.add(group.id);
  return { projects, groups };
};

export const reconcileMemberAccess = async (
  person: Person,
  member: { id: string; role: string },
  deps: AccessDeps,
  accepted?: Invite,
): Promise<StepOutcome[]> => {
  const intent = person.intent;
  if (intent?.state !== 'present') return [];
  const granted = grantedOnAcceptance(person, accepted);
  if (!person.granted) await deps.store.update(person.email, { granted });
  const actual = intent.exact
    ? await readActualAccess(member.id, deps.access, { deadline: deps.deadline })
    : undefined;
  const steps = planAccess({ intent, granted }, { userId: member.id, role: member.role }, actual);
  return (await applyAccess(person.email, member.id, granted, steps, deps)).outcomes;
};
