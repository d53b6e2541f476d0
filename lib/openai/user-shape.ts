/**
 * Reading OpenAI's organization user answers, in the spirit of invite-shape.ts: the product needs
 * `id`, `email` and `role` (to never remove an owner); `name` and `added_at` may be null or
 * absent, and unknown fields and roles are kept.
 */
import * as z from 'zod/mini';
import { checked } from './invite-shape';
import type { OrganizationUser, UserDeleteResponse, UserListResponse } from './types';

const upstreamUserSchema = z.looseObject({
  // Absent is tolerated; another object type is not a user.
  object: z.optional(z.literal('organization.user')),
  id: z.string().check(z.minLength(1)),
  email: z.string().check(z.minLength(1)),
  name: z.optional(z.nullable(z.string())),
  role: z.string().check(z.minLength(1)),
  added_at: z.optional(z.nullable(z.number())),
});

const upstreamListSchema = z.looseObject({
  object: z.optional(z.literal('list')),
  data: z.array(z.unknown()),
  first_id: z.optional(z.nullable(z.string())),
  last_id: z.optional(z.nullable(z.string())),
  has_more: z.boolean(),
});

const upstreamDeletedSchema = z.looseObject({
  object: z.optional(z.literal('organization.user.deleted')),
  id: z.string(),
  deleted: z.boolean(),
});

/** One user from OpenAI in the product's shape; a 502 when it lacks what the product uses. */
export const readUser = (body: unknown, requestId?: string, where = 'user'): OrganizationUser => {
  const raw = checked(upstreamUserSchema, body, where, requestId);
  return { ...raw, object: 'organization.user', name: raw.name ?? '', added_at: raw.added_at ?? null };
};

/** A page of users; `first_id`/`last_id` filled from the data when OpenAI leaves them out. */
export const readUserList = (body: unknown, requestId?: string): UserListResponse => {
  const page = checked(upstreamListSchema, body, 'list', requestId);
  const data = page.data.map((item, index) => readUser(item, requestId, `data.${index}`));
  return {
    ...page,
    object: 'list',
    data,
    first_id: page.first_id ?? data[0]?.id ?? null,
    last_id: page.last_id ?? data.at(-1)?.id ?? null,
  };
};

export const readUserDeleted = (body: unknown, requestId?: string): UserDeleteResponse => ({
  ...checked(upstreamDeletedSchema, body, 'body', requestId),
  object: 'organization.user.deleted',
});
