/**
 * POST /organization/invites: creates an invite, or returns the pending one of the same terms for
 * that email; a pending one of other terms is a 409 unless `x-invite-replace-pending: true`.
 * The outcome is recorded in the ledger, which also resolves duplicates without listing.
 */
import { invitesApiHandler } from '../lib/http/invites-api-handler';
import { headerValue, readJsonBody } from '../lib/http/messages';
import { parseInviteRequest, parseReplacePending } from '../lib/http/validation';
import { inviteLookupOf } from '../lib/ledger/invite-lookup';
import { findLedger, recordInviteOutcome } from '../lib/ledger/runtime';
import { REPLACE_PENDING_HEADER } from '../lib/openai/errors';

export const handler = invitesApiHandler('createInvite', async ({ event, client, call, audit }) => {
  const request = parseInviteRequest(readJsonBody(event));
  const replacePending = parseReplacePending(headerValue(event.headers, REPLACE_PENDING_HEADER));
  const { invite, created, replaced } = await client.createInvite(request, {
    ...call,
    replacePending,
    knownInvites: inviteLookupOf(findLedger(), 'api'),
  });
  audit(created ? 'invite.created' : 'invite.create.deduplicated', {
    email: invite.email,
    inviteId: invite.id,
    role: invite.role,
    ...(replaced.length > 0 ? { replacedInviteIds: replaced } : {}),
  });
  await recordInviteOutcome({
    email: invite.email,
    outcome: created ? 'created' : 'already_invited',
    source: 'api',
    inviteId: invite.id,
    status: invite.status,
    role: invite.role,
    projects: invite.projects,
  });
  // Same 200 and body either way, as OpenAI answers a create; the header tells the two apart.
  return { body: invite, headers: { 'x-invite-created': String(created) } };
});
