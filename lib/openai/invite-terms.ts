/**
 * What an existing invite means for a new create: is it still live, has it expired, does it grant
 * what the new request asks for. Used by the client's create-if-absent path.
 */
import type { Invite, InviteProject, InviteRequest } from './types';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Expired when its status says so, or when it reads `pending` while its `expires_at` has passed
 * (users of OpenAI report seeing that).
 */
export const isExpiredInvite = (invite: Invite, now: number = nowSeconds()): boolean =>
  invite.status === 'expired' ||
  (invite.status === 'pending' && invite.expires_at != null && invite.expires_at <= now);

/** Pending and not past its `expires_at`: the one invite an email can hold. */
export const isLivePendingInvite = (invite: Invite, now: number = nowSeconds()): boolean =>
  invite.status === 'pending' && !isExpiredInvite(invite, now);

const projectKeys = (projects: InviteProject[]): string =>
  projects
    .map((project) => `${project.id}\u0000${project.role}`)
    .sort()
    .join('\u0001');

/**
 * Does the invite grant what the request asks? The same role, and the same projects as a set.
 * A request without `projects` asks for "the default project", whose id OpenAI does not tell
 * us, so only its role is compared.
 */
export const hasSameTerms = (invite: Invite, request: InviteRequest): boolean =>
  invite.role === request.role &&
  (request.projects === undefined || projectKeys(invite.projects) === projectKeys(request.projects));

/** `owner` with projects [proj_a (member), proj_b (owner)], for messages. */
export const describeTerms = (terms: { role: string; projects?: InviteProject[] }): string => {
  if (terms.projects === undefined) return `role ${terms.role} and the default project`;
  const projects = terms.projects.map((project) => `${project.id} (${project.role})`).join(', ');
  return `role ${terms.role} and projects [${projects}]`;
};
