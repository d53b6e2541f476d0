/**
 * `POST /local/sweep` `{"dry_run"?}`: one invite sweep now, for `openai-invites sweep` under
 * `npm start` (the stack runs the sweeper on a schedule instead). Answers the sweep's summary.
 */
import { runSweep } from '../lib/lifecycle/runtime';
import { InvalidRequestError } from '../lib/http/errors';
import { LOCAL_PATHS, type LocalRoute } from './local-routes';

export const sweepRoute: LocalRoute = {
  method: 'POST',
  path: LOCAL_PATHS.sweep,
  describe: 'one invite sweep (openai-invites sweep)',
  handle: ({ body }) => {
    const { dry_run: dryRun = false } = body as { dry_run?: unknown };
    if (typeof dryRun !== 'boolean') throw new InvalidRequestError('dry_run must be a boolean.', 'dry_run');
    return runSweep({ dryRun });
  },
};
