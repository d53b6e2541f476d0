/**
 * The reconciler for one person, as the bulk worker runs it when a message declares intent: the
 * declaration is stored (ordered, people/ordering.ts), OpenAI's truth for that one email is read
 * (its invite through the ledger's lookup or a listing, its membership by email), and the same
 * rules as the sweep (plan.ts) decide; apply.ts carries it out. Nothing here trusts an invite
 * record alone: a member without a known invite is still seen as a member.
 */
import type { Ledger } from '../ledger/ledger';
import type { CallOptions, OpenAIInvitesClient } from '../openai/client';
import type { InviteLookup } from '../openai/invite-lookup';
import { isLivePendingInvite } from '../openai/invite-terms';
import type { Invite } from '../openai/types';
import type { PersonStore } from '../people/store';
import type { Declaration, DeclareResult } from '../people/types';
import { type ActionResult, applyAction } from './apply';
import { observationChange } from './observe';
import { planPerson } from './plan';
import type { PersonState, PlannedAction } from './plan-types';

export interface OnePersonDeps {
  client: OpenAIInvitesClient;
  store: PersonStore;
  ledger?: Ledger;
  knownInvites?: InviteLookup;
  actor: string;
  offboardMembers: boolean;
  deadline?: number;
}

export interface OnePersonOutcome {
  declared: DeclareResult;
  action?: PlannedAction;
  result?: ActionResult;
}

/** This email's invites: the known one when it settles it (pending or accepted), else a listing. */
const invitesOfEmail = async (
  client: OpenAIInvitesClient,
  email: string,
  lookup: InviteLookup | undefined,
  options: CallOptions,
): Promise<Invite[]> => {
  const known = await client.knownInviteOf(email, lookup, options);
  if (known && (known.status === 'pending' || known.status === 'accepted')) return [known];
  const held: Invite[] = [];
  for await (const invite of client.listAllInvites(options))
    if (invite.email.toLowerCase() === email) held.push(invite);
  return held;
};

/**
 * Declares a leaver's `absent` and reconciles them now. A superseded declaration (a newer joiner
 * stands) acts on nothing. OpenAI's errors are thrown (the worker's failure policy decides).
 */
export const declareAndReconcile = async (
  declaration: Declaration,
  deps: OnePersonDeps,
): Promise<OnePersonOutcome> => {
  const declared = await deps.store.declare(declaration);
  if (declared.outcome === 'superseded' || declared.outcome === 'replayed') return { declared };
  const email = declared.person.email;
  const options = { deadline: deps.deadline };
  const invites = await invitesOfEmail(deps.client, email, deps.knownInvites, options);
  // A live pending invite means no membership yet: one call fewer at OpenAI's low limits.
  const now = Math.floor(Date.now() / 1000);
  const pending = invites.some((invite) => isLivePendingInvite(invite, now));
  const member = pending ? undefined : await deps.client.findUserByEmail(email, options);
  const state: PersonState = { email, person: declared.person, invites, ...(member ? { member } : {}) };
  const change = observationChange(state, now, new Date().toISOString(), deps.actor);
  if (change) state.person = await deps.store.update(email, { observed: change.observed }, change.events);
  const action = planPerson(state, {
    offboardMembers: deps.offboardMembers,
    reinviteExpired: false,
    maxReinvites: 0,
    inviteDeclared: false,
    now,
  });
  if (!action) return { declared };
  const result = await applyAction(action, { ...deps, maxReinvites: 0, throwFailures: true });
  return { declared, action, result };
};
