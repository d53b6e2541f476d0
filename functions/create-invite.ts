/**
 * POST /organization/invites: creates an invite, or returns the pending one of the same terms for
 * that email; a pending one of other terms is a 409 unless `x-invite-replace-pending: true`.
 * The caller's intent (present, these terms) is declared first; the outcome is recorded in the
 * ledger, which also resolves duplicates without listing, and in the person's record.
 */
import { invitesApiHandler } from '../lib/http/invites-api-handler';
import { headerValue, readJsonBody, receivedAt } from '../lib/http/messages';
import { parseInviteRequest, parseReplacePending } from '../lib/http/validation';
import { inviteLookupOf } from '../lib/ledger/invite-lookup';
import { findLedger, recordInviteOutcome } from '../lib/ledger/runtime';
import { REPLACE_PENDING_HEADER } from '../lib/openai/errors';
import { declareApiCreate, recordApiCreate } from '../lib/people/api-intent';

export const handler = invitesApiHandler('createInvite', async ({ event, record, client, call, audit }) => {
  const request = parseInviteRequest(readJsonBody(event));
  const replacePending = parseReplacePending(headerValue(event.headers, REPLACE_PENDING_HEADER));
  const stamp = { requestId: record.requestId, at: receivedAt(event) };
  await declareApiCreate(request, stamp);
  const result = await client.createInvite(request, {
    ...call,
    replacePending,
    knownInvites: inviteLookupOf(findLedger(), 'api'),
  });
  const { invite, created, replaced } = result;
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
  await recordApiCreate(request, result, stamp);
  // Same 200 and body either way, as OpenAI answers a create; the header tells the two apart.
  return { body: invite, headers: { 'x-invite-created': String(created) } };
});
