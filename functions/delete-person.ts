/**
 * DELETE /people/{email}: the person leaves (intent `absent` from an operator): a pending invite
 * is revoked, a member removed with OFFBOARD_MEMBERS (never an owner) or listed for a person,
 * their API keys listed (deleted with REVOKE_LEAVER_KEYS). Answers the person.
 */
import { invitesApiHandler } from '../lib/http/invites-api-handler';
import { receivedAt } from '../lib/http/messages';
import { parseEmailParameter } from '../lib/http/validation';
import { findLedger } from '../lib/ledger/runtime';
import { deletePerson } from '../lib/access/person-api';
import { getPersonStore } from '../lib/people/runtime';
import { personView } from '../lib/people/view';

export const handler = invitesApiHandler('deletePerson', async ({ event, record, client, call }) => {
  const email = parseEmailParameter(event.pathParameters?.email);
  const store = getPersonStore();
  await deletePerson(email, {
    client,
    store,
    ledger: findLedger(),
    requestId: record.requestId,
    at: receivedAt(event),
    call,
  });
  const person = await store.get(email);
  return { body: person ? personView(person, await store.history(email)) : { object: 'person', email } };
});
