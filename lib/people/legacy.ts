/**
 * Ledger records written before people existed, read as persons (no data lost on upgrade). One
 * pure mapping, used by every PersonStore when an email has a ledger record and no person yet:
 *
 * - the product created or found the invite (`created`, `already_invited`) with a valid role:
 *   intent `present` with the recorded terms, declared by the record's source when it was first seen;
 * - revoked, or the person offboarded: intent `absent`;
 * - a failure: no intent (nobody can tell what was wanted);
 * - the invite id is the product's own when the product created it;
 * - awaiting a person when the failure is one of NEEDS_ACTION_CODES (the offboarding list).
 */
import { type InviteRecord, needsAction } from '../ledger/types';
import type { Intent, Observed, Person } from './types';

const ROLES: readonly string[] = ['reader', 'owner'];
const INVITE_STATUSES: readonly string[] = ['pending', 'accepted', 'expired'];

const intentOf = (record: InviteRecord): Intent | undefined => {
  if (record.lastOutcome === 'revoked' || record.status === 'revoked' || record.status === 'offboarded')
    return { state: 'absent' };
  if (record.lastOutcome === 'failed') return undefined;
  if (record.role === undefined || !ROLES.includes(record.role)) return undefined;
  return {
    state: 'present',
    role: record.role as 'reader' | 'owner',
    ...(record.projects !== undefined ? { projects: record.projects } : {}),
  };
};

/** What OpenAI showed when the record was written, where the record says. */
const observedOf = (record: InviteRecord): Observed | undefined => {
  const seenAt = record.updatedAt;
  if (record.status === 'revoked' || record.status === 'offboarded') return { seenAt };
  if (
    record.inviteId === undefined ||
    record.status === undefined ||
    !INVITE_STATUSES.includes(record.status)
  )
    return undefined;
  return {
    invite: {
      id: record.inviteId,
      status: record.status,
      role: record.role ?? 'reader',
      ...(record.projects !== undefined ? { projects: record.projects } : {}),
    },
    seenAt,
  };
};

/**
 * The person a ledger record written before people existed stands for.
 * @param record - the email's InviteRecord (lib/ledger/types.ts)
 * @example personFromLegacy(await ledger.getInvite('ada@example.com'))
 */
export const personFromLegacy = (record: InviteRecord): Person => {
  const intent = intentOf(record);
  const observed = observedOf(record);
  const made = record.lastOutcome === 'created' && record.inviteId !== undefined;
  const awaiting = record.lastOutcome === 'failed' && needsAction(record.failureCode);
  return {
    email: record.email,
    ...(intent ? { intent, declaredBy: { source: record.source, at: record.createdAt } } : {}),
    declaredEventIds: [],
    ...(observed ? { observed } : {}),
    productInviteIds: made ? [record.inviteId!] : [],
    ...(made ? { lastInvitedAt: record.updatedAt } : {}),
    ...(record.reinviteCount ? { reinviteCount: record.reinviteCount } : {}),
    ...(awaiting
      ? {
          awaiting: {
            code: record.failureCode!,
            reason: record.failureMessage ?? record.failureCode!,
            since: record.updatedAt,
          },
        }
      : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
};
