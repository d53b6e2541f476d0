/**
 * SCIM as a writer of person intent (lib/people). After every change to Users or Groups, each
 * person it touched is declared from what the store now holds: `present` while any active SCIM user
 * stands for the person (role from the oldest such user's OpenAI extension, else the configured
 * default; groups: the OpenAI groups bound to every SCIM group one of those users is in), else
 * `absent`. SCIM is an employee-of-record source: its `absent` carries the authority to remove a
 * member (lib/people/authority.ts), which the reconciler uses only with OFFBOARD_MEMBERS, never on
 * an owner. Nothing here calls OpenAI: each change goes onto the bulk queue (enqueue.ts).
 */
import { audit, logger } from '../commons/logger';
import type { PersonStore } from '../people/store';
import type { DeclareOutcome, Intent } from '../people/types';
import { type Declared, enqueueDeclared } from './enqueue';
import { SCIM_SOURCE, type ScimConfig } from './config';

export { SCIM_SOURCE };
import type { ScimRecord, ScimStore } from './store';
import { isActive, memberIdsOf, roleOf } from './users';

export interface DeclareContext {
  people: PersonStore;
  scim: ScimStore;
  config: ScimConfig;
  requestId: string;
  /** ISO-8601: when the request arrived. */
  at: string;
  caller: string;
}

/** What SCIM says of one person, from its users and groups as stored. */
export const intentOf = (
  email: string,
  users: ScimRecord[],
  groups: ScimRecord[],
  config: ScimConfig,
): Intent => {
  const standing = users.filter((user) => user.person === email && isActive(user.resource));
  if (standing.length === 0) return { state: 'absent' };
  const ids = new Set(standing.map((user) => user.id));
  const bound = groups
    .filter((group) => group.openaiGroupId && memberIdsOf(group.resource).some((id) => ids.has(id)))
    .map((group) => group.openaiGroupId!);
  const groupIds = [...new Set(bound)].sort();
  return {
    state: 'present',
    role: roleOf(standing[0]!.resource, config.defaultRole),
    ...(groupIds.length > 0 ? { groups: groupIds } : {}),
  };
};

/** Declares each person's intent; resolves to what each declaration did. */
export const declarePeople = async (
  emails: Iterable<string | undefined>,
  context: DeclareContext,
): Promise<Record<string, DeclareOutcome>> => {
  const people = [...new Set([...emails].filter((email): email is string => Boolean(email)))];
  if (people.length === 0) return {};
  const groups = await context.scim.list('Group');
  const outcomes: Record<string, DeclareOutcome> = {};
  const declared: Declared[] = [];
  const eventId = `${SCIM_SOURCE}:${context.requestId}`;
  for (const email of people) {
    const intent = intentOf(email, await context.scim.usersOf(email), groups, context.config);
    const result = await context.people.declare({
      email,
      intent,
      source: SCIM_SOURCE,
      eventId,
      at: context.at,
    });
    outcomes[email] = result.outcome;
    declared.push(result);
    if (result.outcome === 'applied')
      audit('person.declare', context.caller, {
        requestId: context.requestId,
        email,
        source: SCIM_SOURCE,
        intent: intent.state,
      });
  }
  await enqueueDeclared(declared, { requestId: context.requestId, eventId, at: context.at });
  return outcomes;
};

/** A user with no usable email declares nothing: logged for someone to look at. */
export const warnWithoutPerson = (user: ScimRecord, requestId: string): void => {
  if (!user.person)
    logger.warn('scim user without email', {
      requestId,
      scimId: user.id,
      reason: 'no work email and a userName that is not an email: no person intent is declared',
    });
};
