/**
 * Reading OpenAI's invite answers: liberal where OpenAI drifts, strict where the product depends.
 *
 * OpenAI renamed the sent time from `invited_at` (spec 2024-08..2025-06, the seeds' clients) to
 * `created_at` (spec since 2025, today's SDK), made `expires_at`/`accepted_at` nullable, and some
 * of its examples leave out `projects`. So an invite needs `id`, `email`, `role`, `status` and one
 * of the two timestamps; everything else may be null or absent, and unknown fields and statuses
 * are kept. What we answer always carries both timestamps (see `Invite` in types.ts).
 */
import { UpstreamMalformedResponseError } from './errors';
import {
  absentOr,
  checked,
  maybeArrayOf,
  maybeNumber,
  nonEmptyString,
  readDeleted,
  readPage,
  type Shape,
  string,
} from './upstream-shape';
import type { Invite, InviteDeleteResponse, InviteListResponse } from './types';

const upstreamInviteShape: Shape = {
  // Absent is tolerated; another object type is not an invite.
  object: absentOr('organization.invite'),
  id: nonEmptyString,
  email: nonEmptyString,
  role: string,
  status: nonEmptyString,
  created_at: maybeNumber,
  invited_at: maybeNumber,
  expires_at: maybeNumber,
  accepted_at: maybeNumber,
  projects: maybeArrayOf({ id: string, role: string }),
};

interface UpstreamInvite {
  id: string;
  email: string;
  role: string;
  status: string;
  created_at?: number | null;
  invited_at?: number | null;
  expires_at?: number | null;
  accepted_at?: number | null;
  projects?: { id: string; role: string }[] | null;
  [field: string]: unknown;
}

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
  toInvite(checked<UpstreamInvite>(body, upstreamInviteShape, where, requestId), where, requestId);

/** A page of invites; `first_id`/`last_id` filled from the data when OpenAI leaves them out. */
export const readInviteList = (body: unknown, requestId?: string): InviteListResponse =>
  readPage(body, requestId, readInvite);

export const readInviteDeleted = (body: unknown, requestId?: string): InviteDeleteResponse =>
  readDeleted('organization.invite.deleted', body, requestId);
