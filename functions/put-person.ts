/**
 * PUT /people/{email}: declares a person's whole access (role, projects, groups; `?exact=true`
 * for the whole truth) and applies it: a member's difference now, else the invite (logic in
 * lib/access/person-api.ts). Answers the person.
 */
import { invitesApiHandler } from '../lib/http/invites-api-handler';
import { readJsonBody, receivedAt } from '../lib/http/messages';
import { parseEmailParameter } from '../lib/http/validation';
import { findLedger } from '../lib/ledger/runtime';
import { parsePersonIntent, putPerson } from '../lib/access/person-api';
import { getPersonStore } from '../lib/people/runtime';
import { personView } from '../lib/people/view';

export const handler = invitesApiHandler('putPerson', async ({ event, record, client, call }) => {
  const email = parseEmailParameter(event.pathParameters?.email);
  const intent = parsePersonIntent(email, readJsonBody(event), event.queryStringParameters?.exact);
  const store = getPersonStore();
  const deps = {
    client,
    store,
    ledger: findLedger(),
    requestId: record.requestId,
    at: receivedAt(event),
    call,
  };
  const { person } = await putPerson(email, intent, deps);
  return { body: personView(person, await store.history(email)) };
});
