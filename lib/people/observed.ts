/** What OpenAI shows of an invite, as a person record keeps it. */
import type { Invite } from '../openai/types';
import type { Observed, ObservedInvite } from './types';

export const observedInviteOf = (invite: Invite): ObservedInvite => ({
  id: invite.id,
  status: invite.status,
  role: invite.role,
  projects: invite.projects,
  createdAt: invite.created_at,
  expiresAt: invite.expires_at,
});

/** The observation of just this invite, seen now (or at `seenAt`). */
export const observedInvite = (invite: Invite, seenAt: string = new Date().toISOString()): Observed => ({
  invite: observedInviteOf(invite),
  seenAt,
});
