/** GET /organization/invites/{invite_id}: one invite. */
import { invitesApiHandler } from '../lib/http/invites-api-handler';
import { parseInviteId } from '../lib/http/validation';

export const handler = invitesApiHandler('retrieveInvite', async ({ event, client, call }) => {
  const inviteId = parseInviteId(event.pathParameters?.invite_id);
  return { body: await client.retrieveInvite(inviteId, call) };
});
