/**
 * A person's access plan: every grant module's diff (grants.ts), for a member whose intent is
 * `present`. An `absent` person, or one with no intent, is planned nothing: no sequence of events
 * grants access to a leaver (the property test checks it).
 */
import type { Invite } from '../openai/types';
import type { GrantedAccess, Person } from '../people/types';
import { GRANT_MODULES } from './grants';
import { type DiffInput, emptyGranted, type GrantStep } from './types';

export const planAccess = (
  person: Pick<Person, 'intent' | 'granted'>,
  member: DiffInput['member'],
  actual?: DiffInput['actual'],
): GrantStep[] => {
  const intent = person.intent;
  if (intent?.state !== 'present') return [];
  const input: DiffInput = {
    intent,
    granted: person.granted ?? emptyGranted(),
    member,
    ...(actual ? { actual } : {}),
  };
  return GRANT_MODULES.flatMap((module) => module.diff(input));
};

/** Steps that change something (drift is only reported). */
export const actingSteps = (steps: readonly GrantStep[]): GrantStep[] =>
  steps.filter((step) => step.op !== 'drift');

/**
 * The granted record a new member starts with: what the accepted invite carried when the product
 * made it (its role and projects are the product's grant), else nothing.
 */
export const grantedOnAcceptance = (
  person: Pick<Person, 'granted' | 'productInviteIds'>,
  accepted?: Invite,
): GrantedAccess => {
  if (person.granted) return person.granted;
  if (!accepted || !person.productInviteIds.includes(accepted.id)) return emptyGranted();
  return { role: accepted.role, projects: [...(accepted.projects ?? [])], groups: [] };
};

/** Does this person still need grants (no reads: intent against the granted record)? */
export const accessPending = (person: Pick<Person, 'intent' | 'granted' | 'observed'>): boolean => {
  const member = person.observed?.member;
  if (!member || person.intent?.state !== 'present') return false;
  return actingSteps(planAccess(person, member)).length > 0;
};
