/**
 * The roster reconcile's plan (README, "Reconcile a roster"): what would make the organization
 * match a roster, as a pure function of the roster, the organization's invites and its members.
 * Nothing here changes anything; cli/reconcile.ts prints the plan and, with --apply, sends it.
 */
import { describeTerms, hasSameTerms, isExpiredInvite, isLivePendingInvite } from '../openai/invite-terms';
import type { Invite, InviteRequest } from '../openai/types';
import { normaliseEmail } from '../ledger/types';

/** An organization member as `GET /organization/users` lists it (the fields the plan reads). */
export interface OrganizationMember {
  id: string;
  email: string;
  role: string;
}

export const PLAN_ACTIONS = [
  'invite',
  'reinvite',
  'replace',
  'revoke',
  'offboard',
  'owner_kept',
  'unchanged',
] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

export interface PlanLine {
  action: PlanAction;
  email: string;
  /** What the roster asks (invite, reinvite, replace, unchanged). */
  wanted?: InviteRequest;
  /** The pending invite to replace or revoke, or the expired one to re-invite. */
  inviteId?: string;
  /** The member to offboard, or the owner kept. */
  userId?: string;
  /** What the organization holds now, for the printout: `role reader and projects [...]`. */
  current?: string;
}

export interface ReconcilePlan {
  lines: PlanLine[];
  counts: Record<PlanAction, number>;
  /** Members not on the roster, left alone because --offboard was not given. */
  membersNotOnRoster: number;
}

export interface PlanOptions {
  /** Plan the removal of members who are not on the roster (owners are listed, never removed). */
  offboard?: boolean;
  /** Unix seconds, for expiry (default now). */
  now?: number;
}

const termsOf = (invite: Invite) => describeTerms({ role: invite.role, projects: invite.projects });

/**
 * The plan, one line per person, roster order first, then the people only the organization knows.
 * A member on the roster is unchanged (roles of members are not the invite API's to change).
 */
export const planReconcile = (
  roster: readonly InviteRequest[],
  invites: readonly Invite[],
  members: readonly OrganizationMember[],
  options: PlanOptions = {},
): ReconcilePlan => {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const invitesOf = new Map<string, Invite[]>();
  for (const invite of invites) {
    const email = normaliseEmail(invite.email);
    invitesOf.set(email, [...(invitesOf.get(email) ?? []), invite]);
  }
  const memberOf = new Map(members.map((member) => [normaliseEmail(member.email), member]));
  const wanted = new Map<string, InviteRequest>();
  for (const entry of roster) {
    const email = normaliseEmail(entry.email);
    if (!wanted.has(email)) wanted.set(email, { ...entry, email });
  }
  const lines: PlanLine[] = [];
  for (const [email, request] of wanted) {
    const member = memberOf.get(email);
    if (member) {
      lines.push({
        action: 'unchanged',
        email,
        wanted: request,
        userId: member.id,
        current: `member, role ${member.role}`,
      });
      continue;
    }
    const held = invitesOf.get(email) ?? [];
    const live = held.find((invite) => isLivePendingInvite(invite, now));
    const expired = held.find((invite) => isExpiredInvite(invite, now));
    if (live && hasSameTerms(live, request)) {
      lines.push({
        action: 'unchanged',
        email,
        wanted: request,
        inviteId: live.id,
        current: `pending, ${termsOf(live)}`,
      });
    } else if (live) {
      lines.push({
        action: 'replace',
        email,
        wanted: request,
        inviteId: live.id,
        current: `pending, ${termsOf(live)}`,
      });
    } else if (expired) {
      lines.push({
        action: 'reinvite',
        email,
        wanted: request,
        inviteId: expired.id,
        current: `expired, ${termsOf(expired)}`,
      });
    } else {
      lines.push({ action: 'invite', email, wanted: request });
    }
  }
  for (const [email, held] of invitesOf) {
    if (wanted.has(email) || memberOf.has(email)) continue;
    const live = held.find((invite) => isLivePendingInvite(invite, now));
    if (live)
      lines.push({ action: 'revoke', email, inviteId: live.id, current: `pending, ${termsOf(live)}` });
  }
  let membersNotOnRoster = 0;
  for (const [email, member] of memberOf) {
    if (wanted.has(email)) continue;
    if (!options.offboard) {
      membersNotOnRoster += 1;
      continue;
    }
    lines.push({
      action: member.role === 'owner' ? 'owner_kept' : 'offboard',
      email,
      userId: member.id,
      current: `member, role ${member.role}`,
    });
  }
  const counts = Object.fromEntries(PLAN_ACTIONS.map((action) => [action, 0])) as Record<PlanAction, number>;
  for (const line of lines) counts[line.action] += 1;
  return { lines, counts, membersNotOnRoster };
};

/** True when applying the plan would change nothing. */
export const isEmptyPlan = (plan: ReconcilePlan): boolean =>
  plan.lines.every((line) => line.action === 'unchanged' || line.action === 'owner_kept');

const SIGN: Record<PlanAction, string> = {
  invite: '+',
  reinvite: '+',
  replace: '~',
  revoke: '-',
  offboard: '-',
  owner_kept: '!',
  unchanged: ' ',
};

const LABEL: Record<PlanAction, string> = {
  invite: 'to invite',
  reinvite: 'to re-invite',
  replace: 'to replace',
  revoke: 'to revoke',
  offboard: 'to offboard',
  owner_kept: 'owner kept',
  unchanged: 'unchanged',
};

/** The plan as `terraform plan` prints one: a line per person, then the counts. */
export const formatPlan = (plan: ReconcilePlan): string[] => {
  const out = plan.lines.map((line) => {
    const wanted = line.wanted ? describeTerms(line.wanted) : undefined;
    const detail =
      line.action === 'replace'
        ? `${line.current} -> ${wanted}`
        : line.action === 'owner_kept'
          ? `${line.current}: owners are never removed automatically`
          : line.action === 'invite' || line.action === 'reinvite'
            ? wanted
            : line.current;
    return `${SIGN[line.action]} ${line.action.padEnd(10)} ${line.email}${detail ? `  (${detail})` : ''}`;
  });
  const summary = PLAN_ACTIONS.filter((action) => plan.counts[action] > 0)
    .map((action) => `${plan.counts[action]} ${LABEL[action]}`)
    .join(', ');
  out.push('', `Plan: ${summary || 'nothing on the roster or in the organization'}.`);
  if (plan.membersNotOnRoster > 0) {
    out.push(
      `${plan.membersNotOnRoster} member(s) not on the roster are left alone (--offboard plans their removal).`,
    );
  }
  return out;
};
