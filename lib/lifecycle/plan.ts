/**
 * The reconciler's plan: intent + what OpenAI shows → one action per person, each with its
 * reason (rules.ts). Level-triggered like a Kubernetes controller: it reads desired and actual
 * state every run and acts only on the difference, so a second run after an apply plans nothing.
 */
import { normaliseEmail } from '../people/types';
import type { Invite } from '../openai/types';
import type { Person } from '../people/types';
import type { OrganizationMember } from './plan-types';
import {
  ACTING_KINDS,
  ACTION_KINDS,
  type ActionKind,
  type PersonState,
  type PlannedAction,
  REMOVAL_KINDS,
  type RuleOptions,
} from './plan-types';
import {
  clearAwaitingWhenGone,
  expiredInvite,
  memberMeetsIntent,
  nothingInOpenAI,
  pendingInvite,
  removeLeavingMember,
  revokePendingInvite,
} from './rules';

/** The one action a person needs now, or undefined when the product has no say (no intent). */
export const planPerson = (state: PersonState, options: RuleOptions): PlannedAction | undefined => {
  const intent = state.person?.intent;
  if (!intent) return clearAwaitingWhenGone(state);
  if (intent.state === 'absent')
    return (
      removeLeavingMember(state, options) ??
      revokePendingInvite(state, options) ??
      clearAwaitingWhenGone(state) ?? {
        kind: 'unchanged',
        email: state.email,
        reason: 'intent absent; nothing in OpenAI',
      }
    );
  return (
    memberMeetsIntent(state) ??
    pendingInvite(state, intent, options) ??
    expiredInvite(state, intent, options) ??
    nothingInOpenAI(state, intent, options)
  );
};

export interface PeoplePlan {
  actions: PlannedAction[];
  counts: Record<ActionKind, number>;
}

/** Every email's state: the people given, plus the emails only OpenAI knows. */
export const statesOf = (
  people: ReadonlyMap<string, Person>,
  invites: readonly Invite[],
  members: readonly OrganizationMember[],
): PersonState[] => {
  const states = new Map<string, PersonState>();
  const stateOf = (email: string): PersonState => {
    const key = normaliseEmail(email);
    let state = states.get(key);
    if (!state) {
      state = { email: key, person: people.get(key), invites: [] };
      states.set(key, state);
    }
    return state;
  };
  for (const email of people.keys()) stateOf(email);
  for (const invite of invites) stateOf(invite.email).invites.push(invite);
  for (const member of members) stateOf(member.email).member = member;
  return [...states.values()];
};

/** The plan for every state: leavers first (the order apply.ts keeps), then the rest by email. */
export const planPeople = (states: readonly PersonState[], options: RuleOptions): PeoplePlan => {
  const actions = states
    .map((state) => planPerson(state, options))
    .filter((action): action is PlannedAction => action !== undefined)
    .sort(
      (a, b) => ACTION_KINDS.indexOf(a.kind) - ACTION_KINDS.indexOf(b.kind) || a.email.localeCompare(b.email),
    );
  const counts = Object.fromEntries(ACTION_KINDS.map((kind) => [kind, 0])) as Record<ActionKind, number>;
  for (const action of actions) counts[action.kind] += 1;
  return { actions, counts };
};

/** The actions that change something (everything but drift and unchanged). */
export const actingOf = (plan: PeoplePlan): PlannedAction[] =>
  plan.actions.filter((action) => ACTING_KINDS.includes(action.kind));

/** How many people the plan would revoke or remove: what the brakes count. */
export const removalsOf = (plan: PeoplePlan): number =>
  plan.actions.filter((action) => REMOVAL_KINDS.includes(action.kind)).length;
