/**
 * What a roster declares (`openai-invites reconcile ROSTER`): present, with its terms, for every
 * row; absent for every other email holding an invite (pending or expired); with `--offboard`,
 * absent — with the authority to remove — for every other member. Members off the roster are
 * otherwise left alone.
 */
import type { Invite, InviteRequest } from '../openai/types';
import { intentOf } from '../people/intent';
import { type Declaration, normaliseEmail } from '../people/types';
import type { OrganizationMember } from './plan-types';

export const ROSTER_SOURCE = 'roster';

export interface RosterOptions {
  offboard: boolean;
  /** ISO-8601 of the run: every declaration of one roster has the same time. */
  at: string;
  /** The run's id; each declaration's event id is `<run>:<email>`. */
  runId: string;
}

export interface RosterDeclarations {
  declarations: Declaration[];
  /** Members not on the roster, left alone without --offboard. */
  membersLeftAlone: number;
}

export const rosterDeclarations = (
  roster: readonly InviteRequest[],
  invites: readonly Invite[],
  members: readonly OrganizationMember[],
  { offboard, at, runId }: RosterOptions,
): RosterDeclarations => {
  const declare = (email: string, intent: Declaration['intent']): Declaration => ({
    email,
    intent,
    source: ROSTER_SOURCE,
    eventId: `${runId}:${email}`,
    at,
    ...(offboard ? { offboard: true } : {}),
  });
  const declared = new Map<string, Declaration>();
  for (const row of roster) {
    const email = normaliseEmail(row.email);
    if (!declared.has(email)) declared.set(email, declare(email, intentOf(row)));
  }
  const memberEmails = new Set(members.map((member) => normaliseEmail(member.email)));
  for (const invite of invites) {
    const email = normaliseEmail(invite.email);
    if (declared.has(email) || memberEmails.has(email) || invite.status === 'accepted') continue;
    declared.set(email, declare(email, { state: 'absent' }));
  }
  let membersLeftAlone = 0;
  for (const email of memberEmails) {
    if (declared.has(email)) continue;
    if (offboard) declared.set(email, declare(email, { state: 'absent' }));
    else membersLeftAlone += 1;
  }
  return { declarations: [...declared.values()], membersLeftAlone };
};
