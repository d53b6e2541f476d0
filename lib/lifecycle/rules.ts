/**
 * The reconciler's rules, one named function each, in the order `planPerson` asks them. Each
 * looks at one person (intent, provenance, what the product made) and what OpenAI shows for that
 * email, and answers an action with its reason, or undefined when it has nothing to say.
 */
import { isExpiredInvite, isLivePendingInvite, hasSameTerms, describeTerms } from '../openai/invite-terms';
import type { Invite } from '../openai/types';
import { mayRemoveMember } from '../people/authority';
import { requestOf, type PresentIntent } from '../people/intent';
import type { PersonState, PlannedAction, RuleOptions } from './plan-types';

/** Member roles the product may ever remove: an allowlist, so a role OpenAI adds later is kept. */
export const REMOVABLE_MEMBER_ROLES: readonly string[] = ['reader'];

export const NEEDS_OFFBOARDING = 'revoke_needs_offboarding';
export const OWNER_NOT_REMOVED = 'owner_not_removed';

const isoOf = (seconds: number): string => new Date(seconds * 1000).toISOString();
const termsOf = (invite: Invite): string => describeTerms({ role: invite.role, projects: invite.projects });

/**
 * The live pending invite, the accepted one and the newest expired one of an email. OpenAI's
 * times have whole seconds: of two expired invites of the same second, the one the product made
 * later (its place in `productInviteIds`) is the newer.
 */
export const heldInvites = (state: PersonState, now: number) => {
  const made = state.person?.productInviteIds ?? [];
  const newer = (a: Invite, b: Invite): boolean =>
    a.created_at > b.created_at || (a.created_at === b.created_at && made.indexOf(a.id) > made.indexOf(b.id));
  const live = state.invites.find((invite) => isLivePendingInvite(invite, now));
  const expired = state.invites
    .filter((invite) => isExpiredInvite(invite, now))
    .reduce<Invite | undefined>(
      (newest, invite) => (!newest || newer(invite, newest) ? invite : newest),
      undefined,
    );
  const accepted = state.invites.find((invite) => invite.status === 'accepted');
  return { live, expired, accepted };
};

/** The declaration came after this invite was sent: nothing has acted on it through that invite. */
const declaredAfter = (state: PersonState, invite: Invite): boolean =>
  (state.person?.declaredBy?.at ?? '') > isoOf(invite.created_at);

/** Nothing the product made answers the current declaration yet. */
const declarationUnanswered = (state: PersonState): boolean => {
  const person = state.person;
  if (!person?.declaredBy) return false;
  return !person.lastInvitedAt || person.lastInvitedAt < person.declaredBy.at;
};

/** A person marked handled by an operator after the current declaration: theirs to decide now. */
const handledSinceDeclared = (state: PersonState): boolean => {
  const handledAt = state.person?.handledAt;
  return handledAt !== undefined && handledAt >= (state.person?.declaredBy?.at ?? '');
};

// ---- leavers (intent absent) ----

/** A leaver's pending invite is revoked, whoever declared them gone. */
export const revokePendingInvite = (state: PersonState, options: RuleOptions): PlannedAction | undefined => {
  const { live } = heldInvites(state, options.now);
  if (!live) return undefined;
  return {
    kind: 'revoke',
    email: state.email,
    inviteId: live.id,
    reason: `intent absent (declared by ${state.person?.declaredBy?.source ?? 'unknown'}): the pending invite is revoked`,
    current: `pending, ${termsOf(live)}`,
  };
};

/**
 * A leaver who is a member: removed only with OFFBOARD_MEMBERS, never an owner (or any role not
 * on the allowlist), and only with authority. Otherwise listed for a person, never counted revoked.
 */
export const removeLeavingMember = (state: PersonState, options: RuleOptions): PlannedAction | undefined => {
  const { member, person } = state;
  if (!member || !person) return undefined;
  const base = { email: state.email, userId: member.id, current: `member, role ${member.role}` };
  const awaiting = (code: string, reason: string): PlannedAction | undefined =>
    person.awaiting?.code === code || handledSinceDeclared(state)
      ? { kind: 'unchanged', ...base, reason: `awaiting a person: ${person.awaiting?.reason ?? reason}` }
      : { kind: 'await_person', ...base, code, reason };
  if (!REMOVABLE_MEMBER_ROLES.includes(member.role))
    return awaiting(
      OWNER_NOT_REMOVED,
      `a member with role ${member.role} is never removed automatically: remove them in OpenAI if they should go`,
    );
  const { accepted } = heldInvites(state, options.now);
  if (!mayRemoveMember(person.declaredBy, person, accepted?.id))
    return awaiting(
      NEEDS_OFFBOARDING,
      `${person.declaredBy?.source ?? 'this source'} may not remove a member the product did not invite: ` +
        'remove them in OpenAI if they should go',
    );
  if (!options.offboardMembers)
    return awaiting(
      NEEDS_OFFBOARDING,
      'offboarding is off (OFFBOARD_MEMBERS=false): remove the member in OpenAI',
    );
  return {
    kind: 'offboard',
    ...base,
    reason: `intent absent (declared by ${person.declaredBy?.source}): the member is removed`,
  };
};

/** Someone on the offboarding list who is no longer a member leaves it: OpenAI's truth. */
export const clearAwaitingWhenGone = (state: PersonState): PlannedAction | undefined =>
  state.person?.awaiting && !state.member
    ? { kind: 'clear_awaiting', email: state.email, reason: 'no longer a member of the organization' }
    : undefined;

// ---- joiners (intent present) ----

/** A member whose intent is present needs nothing from invites (roles and access: later grants). */
export const memberMeetsIntent = (state: PersonState): PlannedAction | undefined =>
  state.member
    ? state.person?.awaiting
      ? {
          kind: 'clear_awaiting',
          email: state.email,
          reason: 'intent present again: off the offboarding list',
        }
      : {
          kind: 'unchanged',
          email: state.email,
          userId: state.member.id,
          reason: 'member',
          current: `member, role ${state.member.role}`,
        }
    : undefined;

/**
 * A live pending invite: of the intent's terms, nothing to do; of others, replaced by a run that
 * declares (a roster) when its declaration is newer; else drift, left for a person (the queue's
 * own message decided it: replaced with `replace_pending`, else dead-lettered with the reason).
 */
export const pendingInvite = (
  state: PersonState,
  intent: PresentIntent,
  options: RuleOptions,
): PlannedAction | undefined => {
  const { live } = heldInvites(state, options.now);
  if (!live) return undefined;
  const request = requestOf(state.email, intent);
  const current = `pending, ${termsOf(live)}`;
  if (hasSameTerms(live, request))
    return {
      kind: 'unchanged',
      email: state.email,
      inviteId: live.id,
      reason: 'pending invite of the intended terms',
      current,
    };
  if (declaredAfter(state, live) && options.inviteDeclared)
    return {
      kind: 'replace',
      email: state.email,
      inviteId: live.id,
      request,
      reason: 'declared terms differ from the pending invite',
      current,
    };
  return {
    kind: 'drift',
    email: state.email,
    inviteId: live.id,
    reason: 'a pending invite of other terms was made after the intent was declared: left for a person',
    current,
  };
};

/**
 * An expired invite: re-invited with the intent's terms when the product made it (and of those
 * terms); a declaration newer than it is invited afresh; anything else is drift, never re-issued.
 */
export const expiredInvite = (
  state: PersonState,
  intent: PresentIntent,
  options: RuleOptions,
): PlannedAction | undefined => {
  const { expired } = heldInvites(state, options.now);
  if (!expired) return undefined;
  const request = requestOf(state.email, intent);
  const current = `expired, ${termsOf(expired)}`;
  if (declaredAfter(state, expired) && options.inviteDeclared)
    return {
      kind: 'invite',
      email: state.email,
      request,
      inviteId: expired.id,
      reason: 'declared after the last invite expired',
      current,
    };
  const madeByProduct = state.person?.productInviteIds.includes(expired.id) === true;
  if (!madeByProduct)
    return {
      kind: 'drift',
      email: state.email,
      inviteId: expired.id,
      reason: 'an expired invite the product did not make: not re-issued',
      current,
    };
  if (!hasSameTerms(expired, request))
    return {
      kind: 'drift',
      email: state.email,
      inviteId: expired.id,
      reason: 'the expired invite has other terms than the intent: not re-issued',
      current,
    };
  const count = state.person?.reinviteCount ?? 0;
  if (count >= options.maxReinvites)
    return {
      kind: 'unchanged',
      email: state.email,
      inviteId: expired.id,
      reason: `expired; re-invited ${count} time(s) already (REINVITE_MAX_TIMES=${options.maxReinvites})`,
      current,
    };
  if (!options.reinviteExpired)
    return {
      kind: 'unchanged',
      email: state.email,
      inviteId: expired.id,
      reason: 'expired; re-inviting is off (REINVITE_EXPIRED=false)',
      current,
    };
  return {
    kind: 'reinvite',
    email: state.email,
    inviteId: expired.id,
    request,
    reason: 'the invite the product made expired',
    current,
  };
};

/** Nothing in OpenAI: invite a declaration nothing answered yet; else the invite was removed outside. */
export const nothingInOpenAI = (
  state: PersonState,
  intent: PresentIntent,
  options: RuleOptions,
): PlannedAction => {
  const request = requestOf(state.email, intent);
  if (declarationUnanswered(state))
    return options.inviteDeclared
      ? { kind: 'invite', email: state.email, request, reason: 'declared present; no invite yet' }
      : { kind: 'unchanged', email: state.email, reason: 'declared present; its invite is on its way' };
  return {
    kind: 'drift',
    email: state.email,
    reason: 'intent present but OpenAI holds no invite or membership: removed outside the product',
  };
};
