/**
 * The invites API's objects, as OpenAI's spec (2.3.0) describes them.
 * These are the wire shapes: field names stay snake_case on purpose.
 */

export type OrganizationRole = 'reader' | 'owner';
export type ProjectRole = 'member' | 'owner';
/** OpenAI's three statuses; a status it adds later passes through as its string. */
export type InviteStatus = 'accepted' | 'expired' | 'pending' | (string & {});

export interface InviteProject {
  /** The project's public id. */
  id: string;
  role: ProjectRole;
}

/** Body of `POST /organization/invites`. Omitted `projects` = default project; `[]` = none. */
export interface InviteRequest {
  email: string;
  role: OrganizationRole;
  projects?: InviteProject[];
}

/**
 * An invite as the product answers it (`invite-shape.ts` makes it from whatever OpenAI sent):
 * both timestamps, so clients generated from the spec of 2024-08..2025-06 (`invited_at`) and
 * today's SDK (`created_at`) parse it; fields OpenAI adds later pass through.
 */
export interface Invite {
  object: 'organization.invite';
  id: string;
  email: string;
  role: OrganizationRole;
  status: InviteStatus;
  /** Unix seconds when the invite was sent: today's spec's name. */
  created_at: number;
  /** The same value under the older spec's name. */
  invited_at: number;
  /** As OpenAI gave it; null when it gave none. */
  expires_at: number | null;
  accepted_at: number | null;
  /** Always an array here (empty when OpenAI left the field out). */
  projects: InviteProject[];
  [field: string]: unknown;
}

export interface InviteListResponse {
  object: 'list';
  data: Invite[];
  first_id?: string | null;
  last_id?: string | null;
  has_more: boolean;
  [field: string]: unknown;
}

export interface InviteDeleteResponse {
  object: 'organization.invite.deleted';
  id: string;
  deleted: boolean;
}

export interface ListInvitesParams {
  /** 1–100, OpenAI's default 20. */
  limit?: number;
  /** Cursor: the id of the last invite of the previous page. */
  after?: string;
}

/**
 * A member of the organization (`GET /organization/users`). OpenAI's spec says `owner` or
 * `reader`; a role it adds later passes through as its string, as do unknown fields.
 */
export interface OrganizationUser {
  object: 'organization.user';
  id: string;
  email: string;
  /** Empty when OpenAI gives none. */
  name: string;
  role: OrganizationRole | (string & {});
  /** Unix seconds when the user joined; null when OpenAI gives none. */
  added_at: number | null;
  [field: string]: unknown;
}

export interface UserListResponse {
  object: 'list';
  data: OrganizationUser[];
  first_id?: string | null;
  last_id?: string | null;
  has_more: boolean;
  [field: string]: unknown;
}

export interface UserDeleteResponse {
  object: 'organization.user.deleted';
  id: string;
  deleted: boolean;
}

export interface ListUsersParams {
  /** 1–100, OpenAI's default 20. */
  limit?: number;
  /** Cursor: the id of the last user of the previous page. */
  after?: string;
  /** Only users with these emails; sent as `emails=a&emails=b` (an array query parameter). */
  emails?: string[];
}
