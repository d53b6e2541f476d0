/**
 * DELETE /organization/invites/{invite_id}: revokes a pending invite (the caller's intent: the
 * person absent); an accepted one answers 409.
 */
import { invitesApiHandler } from '../lib/http/invites-api-handler';
import { receivedAt } from '../lib/http/messages';
import { parseInviteId } from '../lib/http/validation';
import { recordInviteOutcome } from '../lib/ledger/runtime';
import { declareApiDelete, recordApiDelete } from '../lib/people/api-intent';

export const handler = invitesApiHandler('deleteInvite', async ({ event, record, client, call, audit }) => {
  const inviteId = parseInviteId(event.pathParameters?.invite_id);
  // Read first so the audit line names the email (and an unknown id is a plain 404). OpenAI's
  // answer to the delete, not this read, decides whether an accepted invite can go.
  const invite = await client.retrieveInvite(inviteId, call);
  const stamp = { requestId: record.requestId, at: receivedAt(event) };
  await declareApiDelete(invite, stamp);
  const deleted = await client.deleteInvite(inviteId, call);
  audit('invite.deleted', { email: invite.email, inviteId, status: invite.status });
  await recordInviteOutcome({
    email: invite.email,
    outcome: 'revoked',
    source: 'api',
    inviteId,
    status: 'revoked',
  });
  await recordApiDelete(invite, stamp);
  return { body: deleted };
});
