/**
 * Revoking a person's invite by email (a leaver reported by an HR system): the pending invite is
 * deleted; none is fine; an accepted one means the person is already a member, which only
 * offboarding in OpenAI can undo. With a lookup (the ledger) that knows the email's invite, that
 * invite is retrieved instead of listing them all: 2 calls in all, whatever the organization's size.
 */
import { InviteAlreadyAcceptedError } from '../openai/errors';
import type { CallOptions, OpenAIInvitesClient } from '../openai/client';
import type { InviteLookup } from '../openai/invite-lookup';

export type Revocation =
  | { outcome: 'revoked'; inviteId: string }
  | { outcome: 'no_pending_invite' }
  | { outcome: 'needs_offboarding'; inviteId: string };

export interface RevokeOptions extends CallOptions {
  knownInvites?: InviteLookup;
}

interface Held {
  pending?: string;
  accepted?: string;
}

/**
 * The known invite when it settles the question (pending or accepted); undefined when the lookup
 * knows none, or its invite is stale or expired: a newer invite made elsewhere may then be
 * pending, which only a listing finds.
 */
const heldByKnownInvite = async (
  client: OpenAIInvitesClient,
  email: string,
  options: RevokeOptions,
): Promise<Held | undefined> => {
  const invite = await client.knownInviteOf(email, options.knownInvites, options);
  if (invite?.status === 'pending') return { pending: invite.id };
  if (invite?.status === 'accepted') return { accepted: invite.id };
  return undefined;
};

const heldByListing = async (
  client: OpenAIInvitesClient,
  wanted: string,
  options: CallOptions,
): Promise<Held> => {
  let accepted: string | undefined;
  for await (const invite of client.listAllInvites(options)) {
    if (invite.email.toLowerCase() !== wanted) continue;
    if (invite.status === 'pending') return { pending: invite.id };
    if (invite.status === 'accepted') accepted ??= invite.id;
  }
  return { accepted };
};

export const revokeInvite = async (
  client: OpenAIInvitesClient,
  email: string,
  options: RevokeOptions = {},
): Promise<Revocation> => {
  const wanted = email.toLowerCase();
  const { pending, accepted } =
    (await heldByKnownInvite(client, wanted, options)) ?? (await heldByListing(client, wanted, options));
  if (!pending)
    return accepted ? { outcome: 'needs_offboarding', inviteId: accepted } : { outcome: 'no_pending_invite' };
  try {
    await client.deleteInvite(pending, options);
    return { outcome: 'revoked', inviteId: pending };
  } catch (error) {
    // Accepted between the read and the delete.
    if (error instanceof InviteAlreadyAcceptedError)
      return { outcome: 'needs_offboarding', inviteId: pending };
    throw error;
  }
};
