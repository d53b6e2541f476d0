/**
 * Reading OpenAI's invite answers: liberal where OpenAI drifts, strict where the product depends.
 *
 * OpenAI renamed the sent time from `invited_at` (spec 2024-08..2025-06, the seeds' clients) to
 * `created_at` (spec since 2025, today's SDK), made `expires_at`/`accepted_at` nullable, and some
 * of its examples leave out `projects`. So an invite needs `id`, `email`, `role`, `status` and one
 * of the two timestamps; everything else may be null or absent, and unknown fields and statuses
 * are kept. What we answer always carries both timestamps (see `Invite` in types.ts).
 */
import * as z from 'zod/mini';
import { lazy } from '../commons/lazy';
import { UpstreamMalformedResponseError } from './errors';
import { checked, readDeleted, readPage } from './upstream-shape';
import type { Invite, InviteDeleteResponse, InviteListResponse } from './types';

const upstreamInviteSchema = lazy(() => {
  const unixSeconds = z.optional(z.nullable(z.number()));
  return z.looseObject({
    // Absent is tolerated; another object type is not an invite.
    object: z.optional(z.literal('organization.invite')),
    id: z.string().check(z.minLength(1)),
    email: z.string().check(z.minLength(1)),
    role: z.string(),
    status: z.string().check(z.minLength(1)),
    created_at: unixSeconds,
    invited_at: unixSeconds,
    expires_at: unixSeconds,
    accepted_at: unixSeconds,
    projects: z.optional(z.nullable(z.array(z.looseObject({ id: z.string(), role: z.string() })))),
  });
});
type UpstreamInvite = z.infer<ReturnType<typeof upstreamInviteSchema>>;

const toInvite = (raw: UpstreamInvite, where: string, requestId?: string): Invite => {
  const sentAt = raw.created_at ?? raw.invited_at;
  if (sentAt == null) {
    throw new UpstreamMalformedResponseError(`${where} has neither created_at nor invited_at.`, requestId);
  }
  return {
    ...raw,
    object: 'organization.invite',
    role: raw.role as Invite['role'],
    created_at: sentAt,
    invited_at: sentAt,
    expires_at: raw.expires_at ?? null,
    accepted_at: raw.accepted_at ?? null,
    projects: (raw.projects ?? []) as Invite['projects'],
  };
};

/** One invite from OpenAI in the product's shape; a 502 when it lacks what the product uses. */
export const readInvite = (body: unknown, requestId?: string, where = 'invite'): Invite =>
  toInvite(checked(upstreamInviteSchema(), body, where, requestId), where, requestId);

/** A page of invites; `first_id`/`last_id` filled from the data when OpenAI leaves them out. */
export const readInviteList = (body: unknown, requestId?: string): InviteListResponse =>
  readPage(body, requestId, readInvite);

export const readInviteDeleted = (body: unknown, requestId?: string): InviteDeleteResponse =>
  readDeleted('organization.invite.deleted', body, requestId);
