/** DELETE /organization/invites/{invite_id}: revokes a pending invite; an accepted one answers 409. */
import { apiHandler } from '../lib/api-handler';
import { InviteAlreadyAcceptedError } from '../lib/errors';
import { parseInviteId } from '../lib/validation';

export const handler = apiHandler('deleteInvite', async ({ event, client, call, audit }) => {
  const inviteId = parseInviteId(event.pathParameters?.invite_id);
  // Read first: the audit line names the email, and an accepted invite is refused without trying.
  const invite = await client.retrieveInvite(inviteId, call);
  if (invite.status === 'accepted') throw new InviteAlreadyAcceptedError(inviteId);
  const deleted = await client.deleteInvite(inviteId, call);
  audit('invite.deleted', { email: invite.email, inviteId, status: invite.status });
  return { body: deleted };
});
