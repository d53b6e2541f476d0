/**
 * `GET /local/offboarding`: people awaiting someone in OpenAI, checked against the simulator now
 * (who left the organization leaves the list); `POST /local/offboarding/done` `{"email", "note"?}`
 * records that a person handled one. For `openai-invites offboarding` under `npm start` (a
 * deployed stack's table is read straight from DynamoDB instead).
 */
import { InvalidRequestError, NotFoundError } from '../lib/http/errors';
import { listAwaiting, markHandled } from '../lib/lifecycle/offboarding';
import { reconcilerClient } from '../lib/lifecycle/runtime';
import { getPersonStore } from '../lib/people/runtime';
import { normaliseEmail } from '../lib/people/types';
import { LOCAL_PATHS, type LocalRoute } from './local-routes';

export const offboardingRoute: LocalRoute = {
  method: 'GET',
  path: LOCAL_PATHS.offboarding,
  describe: 'leavers awaiting a person (openai-invites offboarding list)',
  handle: async () => ({
    object: 'list',
    data: await listAwaiting(getPersonStore(), reconcilerClient(), 'operator'),
  }),
};

export const offboardingDoneRoute: LocalRoute = {
  method: 'POST',
  path: LOCAL_PATHS.offboardingDone,
  describe: 'a person handled one (openai-invites offboarding done EMAIL)',
  handle: async ({ body }) => {
    const { email, note } = body as { email?: unknown; note?: unknown };
    if (note !== undefined && typeof note !== 'string')
      throw new InvalidRequestError('note must be a string.', 'note');
    if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email.trim()))
      throw new InvalidRequestError('email must be an email address.', 'email');
    const address = normaliseEmail(email);
    if (!(await markHandled(getPersonStore(), address, 'operator', note as string | undefined)))
      throw new NotFoundError(`${address} is not awaiting offboarding.`, {
        param: 'email',
        code: 'person_not_awaiting',
      });
    return { object: 'offboarding.done', email: address };
  },
};
