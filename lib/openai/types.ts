/**
 * The invites API's objects, as OpenAI's spec (2.3.0) describes them.
 * These are the wire shapes: field names stay snake_case on purpose.
 */

export type OrganizationRole = 'reader' | 'owner';
export type ProjectRole = 'member' | 'owner';
export type InviteStatus = 'accepted' | 'expired' | 'pending';

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

export interface Invite {
  object: 'organization.invite';
  id: string;
  email: string;
  role: OrganizationRole;
  status: InviteStatus;
  /** Unix seconds. */
  created_at: number;
  expires_at?: number | null;
  accepted_at?: number | null;
  /** Required by the spec, yet absent from some of OpenAI's own examples; treated as optional. */
  projects?: InviteProject[];
}

export interface InviteListResponse {
  object: 'list';
  data: Invite[];
  first_id?: string | null;
  last_id?: string | null;
  has_more: boolean;
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
