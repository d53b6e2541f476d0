/**
 * Reading OpenAI's organization user answers, in the spirit of invite-shape.ts: the product needs
 * `id`, `email` and `role` (to never remove an owner); `name` and `added_at` may be null or
 * absent, and unknown fields and roles are kept.
 */
import {
  absentOr,
  checked,
  maybeNumber,
  maybeString,
  nonEmptyString,
  readDeleted,
  readPage,
  type Shape,
} from './upstream-shape';
import type { OrganizationUser, UserDeleteResponse, UserListResponse } from './types';

const upstreamUserShape: Shape = {
  // Absent is tolerated; another object type is not a user.
  object: absentOr('organization.user'),
  id: nonEmptyString,
  email: nonEmptyString,
  name: maybeString,
  role: nonEmptyString,
  added_at: maybeNumber,
};

interface UpstreamUser {
  id: string;
  email: string;
  name?: string | null;
  role: string;
  added_at?: number | null;
  [field: string]: unknown;
}

/** One user from OpenAI in the product's shape; a 502 when it lacks what the product uses. */
export const readUser = (body: unknown, requestId?: string, where = 'user'): OrganizationUser => {
  const raw = checked<UpstreamUser>(body, upstreamUserShape, where, requestId);
  return { ...raw, object: 'organization.user', name: raw.name ?? '', added_at: raw.added_at ?? null };
};

/** A page of users; `first_id`/`last_id` filled from the data when OpenAI leaves them out. */
export const readUserList = (body: unknown, requestId?: string): UserListResponse =>
  readPage(body, requestId, readUser);

export const readUserDeleted = (body: unknown, requestId?: string): UserDeleteResponse =>
  readDeleted('organization.user.deleted', body, requestId);
