/**
 * Revoking a person's invite by email (a leaver reported by an HR system): the pending invite is
 * deleted; none is fine; an accepted one means the person is already a member, which only
 * offboarding in OpenAI can undo.
 */
import { InviteAlreadyAcceptedError } from '../openai/errors';
import type { CallOptions, OpenAIInvitesClient } from '../openai/client';

export type Revocation =
  | { outcome: 'revoked'; inviteId: string }
  | { outcome: 'no_pending_invite' }
  | { outcome: 'needs_offboarding'; inviteId: string };

export const revokeInvite = async (
  client: OpenAIInvitesClient,
  email: string,
  options: CallOptions = {},
): Promise<Revocation> => {
  const wanted = email.toLowerCase();
  let pending: string | undefined;
  let accepted: string | undefined;
  for await (const invite of client.listAllInvites(options)) {
    if (invite.email.toLowerCase() !== wanted) continue;
    if (invite.status === 'pending') {
      pending = invite.id;
      break;
    }
    if (invite.status === 'accepted') accepted ??= invite.id;
  }
  if (!pending)
    return accepted ? { outcome: 'needs_offboarding', inviteId: accepted } : { outcome: 'no_pending_invite' };
  try {
    await client.deleteInvite(pending, options);
    return { outcome: 'revoked', inviteId: pending };
  } catch (error) {
    // Accepted between the list and the delete.
    if (error instanceof InviteAlreadyAcceptedError)
      return { outcome: 'needs_offboarding', inviteId: pending };
    throw error;
  }
};
