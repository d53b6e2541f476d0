/** DELETE /organization/invites/{invite_id}: revokes a pending invite; an accepted one answers 409. */
import { invitesApiHandler } from '../lib/http/invites-api-handler';
import { parseInviteId } from '../lib/http/validation';
import { recordInviteOutcome } from '../lib/ledger/runtime';

export const handler = invitesApiHandler('deleteInvite', async ({ event, client, call, audit }) => {
  const inviteId = parseInviteId(event.pathParameters?.invite_id);
  // Read first so the audit line names the email (and an unknown id is a plain 404). OpenAI's
  // answer to the delete, not this read, decides whether an accepted invite can go.
  const invite = await client.retrieveInvite(inviteId, call);
  const deleted = await client.deleteInvite(inviteId, call);
  audit('invite.deleted', { email: invite.email, inviteId, status: invite.status });
  await recordInviteOutcome({
    email: invite.email,
    outcome: 'revoked',
    source: 'api',
    inviteId,
    status: 'revoked',
  });
  return { body: deleted };
});
