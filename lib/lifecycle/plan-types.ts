/**
 * What the reconciler plans: one line per person that needs something, each with its reason.
 * Like `terraform plan`, a plan changes nothing; apply.ts carries it out.
 */
import type { Invite, InviteRequest } from '../openai/types';
import type { Person } from '../people/types';

/** An organization member as `GET /organization/users` lists it (the fields the rules read). */
export interface OrganizationMember {
  id: string;
  email: string;
  role: string;
}

export const ACTION_KINDS = [
  'offboard',
  'revoke',
  'await_person',
  'clear_awaiting',
  'replace',
  'reinvite',
  'invite',
  'drift',
  'unchanged',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** Kinds that only report: nothing is written or sent for them. */
const REPORT_ONLY_KINDS: readonly ActionKind[] = ['drift', 'unchanged'];

/** Kinds that change something in OpenAI or in the person's record: every other kind. */
export const ACTING_KINDS: readonly ActionKind[] = ACTION_KINDS.filter(
  (kind) => !REPORT_ONLY_KINDS.includes(kind),
);

/** Kinds that take someone's access away: counted against the brakes. */
export const REMOVAL_KINDS: readonly ActionKind[] = ['offboard', 'revoke'];

export interface PlannedAction {
  kind: ActionKind;
  email: string;
  /** Why, in a sentence a person can act on. */
  reason: string;
  /** What to create (invite, reinvite, replace): always the intent's terms. */
  request?: InviteRequest;
  /** The pending invite to revoke or replace, or the expired one to re-invite. */
  inviteId?: string;
  /** The member to offboard, or kept. */
  userId?: string;
  /** await_person: the offboarding list's code. */
  code?: string;
  /** What OpenAI holds now, for the printout. */
  current?: string;
}

/** One email as the reconciler sees it: the person (if any) and what OpenAI shows for the email. */
export interface PersonState {
  email: string;
  person?: Person;
  invites: Invite[];
  member?: OrganizationMember;
}

export interface RuleOptions {
  /** OFFBOARD_MEMBERS: members may be removed at all. */
  offboardMembers: boolean;
  /** REINVITE_EXPIRED: expired invites the product made are re-sent. */
  reinviteExpired: boolean;
  /** REINVITE_MAX_TIMES: re-sends per declaration. */
  maxReinvites: number;
  /**
   * Invite people whose declaration nothing has acted on yet (a roster run). The scheduled sweep
   * leaves them to the queue that carries their declaration.
   */
  inviteDeclared: boolean;
  /** Unix seconds. */
  now: number;
}
