/**
 * `GET /local/offboarding`: the ledger's emails awaiting a person, for `openai-invites offboarding
 * list` under `npm start` (a deployed stack's table is read straight from DynamoDB instead).
 * Answers `{object: "list", data: InviteRecord[]}`, newest first.
 */
import { getLedger } from '../lib/ledger/runtime';
import { LOCAL_PATHS, type LocalRoute } from './local-routes';

export const offboardingRoute: LocalRoute = {
  method: 'GET',
  path: LOCAL_PATHS.offboarding,
  describe: 'leavers awaiting a person (openai-invites offboarding list)',
  handle: async () => ({ object: 'list', data: await getLedger().listNeedingAction() }),
};
