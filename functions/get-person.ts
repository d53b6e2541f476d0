/** GET /people/{email}: a person's intent, provenance, observed state and history, from the ledger table. */
import { apiHandler } from '../lib/http/api-handler';
import { parseEmailParameter } from '../lib/http/validation';
import { LedgerUnavailableError } from '../lib/ledger/errors';
import { PersonNotFoundError } from '../lib/people/errors';
import { getPersonStore } from '../lib/people/runtime';
import { personView } from '../lib/people/view';

export const handler = apiHandler('getPerson', async ({ event }) => {
  const email = parseEmailParameter(event.pathParameters?.email);
  const store = getPersonStore();
  const [person, history] = await Promise.all([store.get(email), store.history(email)]).catch(
    (error: unknown) => {
      throw new LedgerUnavailableError(error);
    },
  );
  if (!person) throw new PersonNotFoundError(email);
  return { body: personView(person, history) };
});
