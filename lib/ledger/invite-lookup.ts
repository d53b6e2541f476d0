/**
 * The ledger as the client's `InviteLookup` (lib/openai/invite-lookup.ts): a create refused as
 * "already invited" retrieves the invite the ledger holds for the email instead of listing every
 * invite, and what a listing finds is recorded so the next duplicate costs one retrieve.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logger } from '../commons/logger';
import type { InviteLookup } from '../openai/invite-lookup';
import type { Invite } from '../openai/types';
import type { Ledger } from './ledger';
import { recordSafely } from './record-safely';
import type { Source } from './types';

export class LedgerInviteLookup implements InviteLookup {
  constructor(
    private readonly ledger: Ledger,
    private readonly source: Source,
    private readonly metrics?: Pick<Metrics, 'addMetric'>,
  ) {}

  async inviteIdOf(email: string): Promise<string | undefined> {
    try {
      const record = await this.ledger.getInvite(email);
      // A revoked invite is gone: retrieving it would only cost a call before the listing.
      return record?.status === 'revoked' ? undefined : record?.inviteId;
    } catch (error) {
      // The ledger being down costs a listing, never the create.
      logger.warn('ledger read failed', { errorName: (error as Error)?.name });
      return undefined;
    }
  }

  async remember(invite: Invite): Promise<void> {
    await recordSafely(
      () =>
        this.ledger.recordInvite({
          email: invite.email,
          outcome: 'already_invited',
          source: this.source,
          inviteId: invite.id,
          status: invite.status,
          role: invite.role,
          projects: invite.projects,
        }),
      { what: { action: 'invite.found', inviteId: invite.id }, metrics: this.metrics },
    );
  }
}

/** The lookup for a path that records into `ledger`, or none when no ledger is configured. */
export const inviteLookupOf = (
  ledger: Ledger | undefined,
  source: Source,
  metrics?: Pick<Metrics, 'addMetric'>,
): InviteLookup | undefined => (ledger ? new LedgerInviteLookup(ledger, source, metrics) : undefined);
