/**
 * Where the client looks up an email's invite when OpenAI refuses a create as "already invited",
 * before it falls back to listing every invite (ceil(N/100) calls). The ledger's adapter
 * (lib/ledger/invite-lookup.ts) implements it; this module stays free of any store.
 */
import type { Invite } from './types';

export interface InviteLookup {
  /** The id of the latest invite known for this email, or undefined. Never throws. */
  inviteIdOf(email: string): Promise<string | undefined>;
  /** What a listing found for this email, so its next duplicate costs one retrieve. Never throws. */
  remember(invite: Invite): Promise<void>;
}
