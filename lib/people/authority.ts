/**
 * Who may remove a member (README, "People"). A leaver's `absent` revokes a pending invite from
 * any source, but removing someone who already joined needs authority: an employee-of-record
 * source (the HR system of record or the identity provider says they left), an operator, or a
 * roster declared with `--offboard`. A Greenhouse unhire speaks of a candidate, not an employee:
 * it revokes a pending invite only. A membership that came from an invite the product made may
 * always be undone by any leaver (see `mayRemoveMember`).
 */
import type { Declaration, DeclaredBy, Person } from './types';

/** Sources whose leaver event speaks for the employer (the system of record, operators). */
export const EMPLOYEE_OF_RECORD_SOURCES: readonly string[] = [
  'okta',
  'bamboohr',
  'standard',
  'scim',
  'api',
  'cli',
  'operator',
];

/** Does this declaration, by its source (or `--offboard`), carry the authority to remove a member? */
export const authorityToRemove = (declaration: Pick<Declaration, 'source' | 'offboard'>): boolean =>
  declaration.offboard === true || EMPLOYEE_OF_RECORD_SOURCES.includes(declaration.source);

/** The invite OpenAI shows accepted for this person was one the product made. */
export const joinedThroughProduct = (
  person: Pick<Person, 'productInviteIds'>,
  acceptedInviteId?: string,
): boolean => acceptedInviteId !== undefined && person.productInviteIds.includes(acceptedInviteId);

/**
 * May the product remove this member, whose intent is `absent`? Only with authority: the leaver
 * came from a source that may ask for it, or the membership came from an invite the product made.
 * (Owners and OFFBOARD_MEMBERS are the reconciler's guards, not authority.)
 */
export const mayRemoveMember = (
  declaredBy: DeclaredBy | undefined,
  person: Pick<Person, 'productInviteIds'>,
  acceptedInviteId?: string,
): boolean => declaredBy?.removalAuthority === true || joinedThroughProduct(person, acceptedInviteId);
