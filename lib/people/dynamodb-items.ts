/**
 * A person's attributes on the ledger's email item, and history items (README, "People"):
 *
 * | pk              | sk                          | holds                                       |
 * |-----------------|-----------------------------|---------------------------------------------|
 * | `EMAIL#<email>` | `INVITE`                    | the ledger's InviteRecord and the person's attributes beside it |
 * | `EMAIL#<email>` | `EVENT#<ISO at>#<suffix>`   | one history event, `expiresAt` = at + PERSON_HISTORY_DAYS |
 *
 * Person attributes: `intent`, `declared_by`, `declared_at`, `declared_event_ids`,
 * `person_version` (optimistic concurrency; absent on a record written before people existed),
 * `observed`, `create_claim` (claims.ts: token, at, until), `product_invite_ids`, `last_invited_at`, `person_created_at`, `person_updated_at`,
 * and awaiting as the ledger's own sparse-index attribute `needs_action` (its code) with
 * `awaiting_reason` and `awaiting_since`, so the offboarding list stays one index.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  inviteRecordOf,
  type Item,
  n,
  NEEDS_ACTION_ATTRIBUTE,
  s,
  UpdateBuilder,
} from '../ledger/dynamodb-items';
import type { InviteProject } from '../openai/types';
import { personFromLegacy } from './legacy';
import type {
  Awaiting,
  CreateClaim,
  DeclaredBy,
  GrantedAccess,
  Intent,
  Observed,
  Person,
  PersonEvent,
} from './types';

export const EVENT_PREFIX = 'EVENT#';
export const CLAIM_ATTRIBUTE = 'create_claim';
export const VERSION_ATTRIBUTE = 'person_version';
/** The ledger's sort key of the needs-action index: an item in it must carry one. */
const INDEX_SORT_ATTRIBUTE = 'updated_at';
/**
 * What a person-only item gets as the ledger's `updated_at`: older than any event, so the ledger's
 * "never overwrite a newer event" condition lets its first record through.
 */
export const EPOCH = '1970-01-01T00:00:00.000Z';

const bool = (value: boolean): AttributeValue => ({ BOOL: value });
const map = (entries: Record<string, AttributeValue | undefined>): AttributeValue => ({
  M: Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined)) as Item,
});
const optional = <T>(value: T | undefined, to: (value: T) => AttributeValue): AttributeValue | undefined =>
  value === undefined ? undefined : to(value);

const projectsValue = (projects: InviteProject[]): AttributeValue => ({
  L: projects.map((project) => map({ id: s(project.id), role: s(project.role) })),
});
const projectsOf = (value: AttributeValue | undefined): InviteProject[] | undefined =>
  value?.L?.map((entry) => ({ id: entry.M!.id!.S!, role: entry.M!.role!.S as InviteProject['role'] }));

const intentValue = (intent: Intent): AttributeValue =>
  intent.state === 'absent'
    ? map({ state: s('absent') })
    : map({
        state: s('present'),
        role: s(intent.role),
        projects: optional(intent.projects, projectsValue),
        groups: optional(intent.groups, (groups) => ({ L: groups.map(s) })),
        exact: intent.exact ? bool(true) : undefined,
      });

const intentOf = (value: AttributeValue | undefined): Intent | undefined => {
  const m = value?.M;
  if (!m) return undefined;
  if (m.state?.S === 'absent') return { state: 'absent' };
  const projects = projectsOf(m.projects);
  const groups = m.groups?.L?.map((entry) => entry.S!);
  return {
    state: 'present',
    role: m.role!.S as 'reader' | 'owner',
    ...(projects !== undefined ? { projects } : {}),
    ...(groups !== undefined ? { groups } : {}),
    ...(m.exact?.BOOL === true ? { exact: true } : {}),
  };
};

/** What the product granted (lib/access/), a map of the role, projects and groups. */
const grantedValue = (granted: GrantedAccess): AttributeValue =>
  map({
    role: optional(granted.role, s),
    projects: projectsValue(granted.projects),
    groups: { L: granted.groups.map(s) },
    blocked: optional(granted.blocked, (blocked) => ({ L: blocked.map(s) })),
  });

const grantedOf = (value: AttributeValue | undefined): GrantedAccess | undefined => {
  const m = value?.M;
  if (!m) return undefined;
  return {
    ...(m.role?.S !== undefined ? { role: m.role.S } : {}),
    projects: projectsOf(m.projects) ?? [],
    groups: m.groups?.L?.map((entry) => entry.S!) ?? [],
    ...(m.blocked?.L ? { blocked: m.blocked.L.map((entry) => entry.S!) } : {}),
  };
};

const declaredByValue = (declaredBy: DeclaredBy): AttributeValue =>
  map({
    source: s(declaredBy.source),
    event_id: optional(declaredBy.eventId, s),
    at: s(declaredBy.at),
    removal_authority: optional(declaredBy.removalAuthority, bool),
  });

const declaredByOf = (value: AttributeValue | undefined): DeclaredBy | undefined => {
  const m = value?.M;
  if (!m) return undefined;
  return {
    source: m.source!.S!,
    ...(m.event_id?.S !== undefined ? { eventId: m.event_id.S } : {}),
    at: m.at!.S!,
    ...(m.removal_authority?.BOOL !== undefined ? { removalAuthority: m.removal_authority.BOOL } : {}),
  };
};

const observedValue = (observed: Observed): AttributeValue =>
  map({
    invite: optional(observed.invite, (invite) =>
      map({
        id: s(invite.id),
        status: s(invite.status),
        role: s(invite.role),
        projects: optional(invite.projects, projectsValue),
        created_at: optional(invite.createdAt, n),
        expires_at: invite.expiresAt === null ? { NULL: true } : optional(invite.expiresAt, n),
      }),
    ),
    member: optional(observed.member, (member) => map({ user_id: s(member.userId), role: s(member.role) })),
    seen_at: s(observed.seenAt),
  });

const observedOf = (value: AttributeValue | undefined): Observed | undefined => {
  const m = value?.M;
  if (!m) return undefined;
  const invite = m.invite?.M;
  const member = m.member?.M;
  const projects = projectsOf(invite?.projects);
  return {
    ...(invite
      ? {
          invite: {
            id: invite.id!.S!,
            status: invite.status!.S!,
            role: invite.role!.S!,
            ...(projects !== undefined ? { projects } : {}),
            ...(invite.created_at?.N !== undefined ? { createdAt: Number(invite.created_at.N) } : {}),
            ...(invite.expires_at?.NULL ? { expiresAt: null } : {}),
            ...(invite.expires_at?.N !== undefined ? { expiresAt: Number(invite.expires_at.N) } : {}),
          },
        }
      : {}),
    ...(member ? { member: { userId: member.user_id!.S!, role: member.role!.S! } } : {}),
    seenAt: m.seen_at!.S!,
  };
};

/** The create claim's map (claims.ts). */
export const claimValue = (claim: CreateClaim): AttributeValue =>
  map({ token: s(claim.token), at: s(claim.at), until: s(claim.until) });

const claimOf = (value: AttributeValue | undefined): CreateClaim | undefined => {
  const m = value?.M;
  return m ? { token: m.token!.S!, at: m.at!.S!, until: m.until!.S! } : undefined;
};

const awaitingOf = (item: Item): Awaiting | undefined => {
  const code = item[NEEDS_ACTION_ATTRIBUTE]?.S;
  if (code === undefined) return undefined;
  // Set by the ledger (a failure it recorded) or by the people store (with its reason and time).
  return {
    code,
    reason: item.awaiting_reason?.S ?? item.failure_message?.S ?? code,
    since: item.awaiting_since?.S ?? item[INDEX_SORT_ATTRIBUTE]?.S ?? EPOCH,
  };
};

/** The person version an item holds: 0 for a record written before people existed. */
export const versionOf = (item: Item | undefined): number => Number(item?.[VERSION_ATTRIBUTE]?.N ?? 0);

/**
 * The person an email item stands for: its person attributes, else (a record written before
 * people existed) the ledger record read as a person, else undefined.
 */
export const personOfItem = (item: Item | undefined): Person | undefined => {
  if (!item) return undefined;
  if (item[VERSION_ATTRIBUTE] === undefined)
    return item.last_outcome?.S !== undefined ? personFromLegacy(inviteRecordOf(item)) : undefined;
  const intent = intentOf(item.intent);
  const declaredBy = declaredByOf(item.declared_by);
  const observed = observedOf(item.observed);
  const awaiting = awaitingOf(item);
  const granted = grantedOf(item.granted);
  const createClaim = claimOf(item[CLAIM_ATTRIBUTE]);
  return {
    email: item.email!.S!,
    ...(intent ? { intent } : {}),
    ...(declaredBy ? { declaredBy } : {}),
    declaredEventIds: item.declared_event_ids?.L?.map((id) => id.S!) ?? [],
    ...(observed ? { observed } : {}),
    productInviteIds: item.product_invite_ids?.L?.map((id) => id.S!) ?? [],
    ...(item.last_invited_at?.S !== undefined ? { lastInvitedAt: item.last_invited_at.S } : {}),
    ...(awaiting ? { awaiting } : {}),
    ...(granted ? { granted } : {}),
    ...(item.handled_at?.S !== undefined ? { handledAt: item.handled_at.S } : {}),
    ...(createClaim ? { createClaim } : {}),
    ...(item.person_reinvite_count?.N !== undefined
      ? { reinviteCount: Number(item.person_reinvite_count.N) }
      : {}),
    createdAt: item.person_created_at!.S!,
    updatedAt: item.person_updated_at!.S!,
  };
};

/**
 * The SETs (and REMOVEs) that write `person` onto its email item, leaving the ledger's
 * attributes alone (only `email`, and `updated_at` where the ledger never wrote one).
 */
export const personUpdate = (person: Person, version: number): UpdateBuilder => {
  const update = new UpdateBuilder()
    .set('email', s(person.email))
    .set(VERSION_ATTRIBUTE, n(version))
    .set('declared_event_ids', { L: person.declaredEventIds.map(s) })
    .set('product_invite_ids', { L: person.productInviteIds.map(s) })
    .set('person_created_at', s(person.createdAt))
    .set('person_updated_at', s(person.updatedAt))
    .set(INDEX_SORT_ATTRIBUTE, s(EPOCH), true);
  const optionalSet = (name: string, value: AttributeValue | undefined) =>
    value === undefined ? update.remove(name) : update.set(name, value);
  optionalSet('intent', optional(person.intent, intentValue));
  optionalSet('declared_by', optional(person.declaredBy, declaredByValue));
  optionalSet('declared_at', optional(person.declaredBy?.at, s));
  optionalSet('observed', optional(person.observed, observedValue));
  optionalSet('granted', optional(person.granted, grantedValue));
  optionalSet('last_invited_at', optional(person.lastInvitedAt, s));
  optionalSet('handled_at', optional(person.handledAt, s));
  optionalSet(CLAIM_ATTRIBUTE, optional(person.createClaim, claimValue));
  optionalSet('person_reinvite_count', optional(person.reinviteCount, n));
  optionalSet(NEEDS_ACTION_ATTRIBUTE, optional(person.awaiting?.code, s));
  optionalSet('awaiting_reason', optional(person.awaiting?.reason, s));
  optionalSet('awaiting_since', optional(person.awaiting?.since, s));
  return update;
};

const suffix = (index: number): string =>
  `${String(index).padStart(3, '0')}${Math.random().toString(36).slice(2, 10)}`;

/** A history event's item: sorted by its time, then its place in the batch written with it. */
export const eventItem = (email: string, event: PersonEvent, index: number, expiresAt: number): Item => ({
  pk: s(`EMAIL#${email}`),
  sk: s(`${EVENT_PREFIX}${event.at}#${suffix(index)}`),
  kind: s(event.kind),
  at: s(event.at),
  actor: s(event.actor),
  ...(event.reason !== undefined ? { reason: s(event.reason) } : {}),
  ...(event.inviteId !== undefined ? { invite_id: s(event.inviteId) } : {}),
  ...(event.userId !== undefined ? { user_id: s(event.userId) } : {}),
  ...(event.detail !== undefined ? { detail: s(event.detail) } : {}),
  expiresAt: n(expiresAt),
});

export const eventOf = (item: Item): PersonEvent => ({
  kind: item.kind!.S as PersonEvent['kind'],
  at: item.at!.S!,
  actor: item.actor!.S!,
  ...(item.reason?.S !== undefined ? { reason: item.reason.S } : {}),
  ...(item.invite_id?.S !== undefined ? { inviteId: item.invite_id.S } : {}),
  ...(item.user_id?.S !== undefined ? { userId: item.user_id.S } : {}),
  ...(item.detail?.S !== undefined ? { detail: item.detail.S } : {}),
});
