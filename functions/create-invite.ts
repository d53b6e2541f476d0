/** POST /organization/invites: creates an invite, or returns the pending one for that email. */
import { invitesApiHandler } from '../lib/http/invites-api-handler';
import { readJsonBody } from '../lib/http/messages';
import { parseInviteRequest } from '../lib/http/validation';

export const handler = invitesApiHandler('createInvite', async ({ event, client, call, audit }) => {
  const request = parseInviteRequest(readJsonBody(event));
  const { invite, created } = await client.createInvite(request, call);
  audit(created ? 'invite.created' : 'invite.create.deduplicated', {
    email: invite.email,
    inviteId: invite.id,
    role: invite.role,
  });
  // Same 200 and body either way, as OpenAI answers a create; the header tells the two apart.
  return { body: invite, headers: { 'x-invite-created': String(created) } };
});
