/**
 * A SCIM User as the product reads it: which person (email) it stands for, whether it is active,
 * and the organization role it asks for. The person is the primary work email (else the first
 * work email, the primary email, the first email), or the userName when that is an email; a user
 * with none of these declares nothing and is logged as needing attention.
 */
import type { OrganizationRole } from '../openai/types';
import { normaliseEmail } from '../people/types';
import { invalidValue } from './errors';
import { OPENAI_SCHEMA } from './schema';

type Resource = Record<string, unknown>;

// What the invite API accepts as an email (lib/http/validation.ts is stricter about length only).
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const isEmail = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= 320 && EMAIL.test(value.trim());

interface EmailValue {
  value?: unknown;
  type?: unknown;
  primary?: unknown;
}

/** The email of the person a user stands for, lower-cased, or undefined when it has none. */
export const personOf = (user: Resource): string | undefined => {
  const emails = (Array.isArray(user.emails) ? user.emails : []) as EmailValue[];
  const usable = emails.filter((email) => isEmail(email.value));
  const isWork = (email: EmailValue) => typeof email.type === 'string' && email.type.toLowerCase() === 'work';
  const chosen =
    usable.find((email) => isWork(email) && email.primary === true) ??
    usable.find(isWork) ??
    usable.find((email) => email.primary === true) ??
    usable[0];
  if (chosen) return normaliseEmail(chosen.value as string);
  return isEmail(user.userName) ? normaliseEmail(user.userName) : undefined;
};

/** `active` defaults to true (RFC 7643 leaves it to the provider; Okta and Entra send it). */
export const isActive = (user: Resource): boolean => user.active !== false;

export const roleOf = (user: Resource, fallback: OrganizationRole): OrganizationRole => {
  const role = (user[OPENAI_SCHEMA] as Resource | undefined)?.role;
  return role === 'owner' || role === 'reader' ? role : fallback;
};

/** A 400 unless the canonical user is one this endpoint keeps. */
export const checkUser = (user: Resource): string => {
  const userName = user.userName;
  if (typeof userName !== 'string' || userName.trim() === '')
    throw invalidValue('userName is required and must be a non-empty string.');
  if (userName.length > 512) throw invalidValue('userName is longer than 512 characters.');
  const role = (user[OPENAI_SCHEMA] as Resource | undefined)?.role;
  if (role !== undefined && role !== 'reader' && role !== 'owner')
    throw invalidValue(`${OPENAI_SCHEMA}:role must be reader or owner.`);
  return userName;
};

export const checkGroup = (group: Resource): string => {
  const displayName = group.displayName;
  if (typeof displayName !== 'string' || displayName.trim() === '')
    throw invalidValue('displayName is required and must be a non-empty string.');
  const members = Array.isArray(group.members) ? (group.members as Resource[]) : [];
  for (const member of members)
    if (typeof member.value !== 'string' || member.value === '')
      throw invalidValue('Every member needs a value: the id of a User.');
  return displayName;
};

export const memberIdsOf = (group: Resource): string[] =>
  (Array.isArray(group.members) ? (group.members as Resource[]) : [])
    .map((member) => member.value)
    .filter((value): value is string => typeof value === 'string');
