/**
 * `POST /local/acceptance-check`: one acceptance check now (lib/access/acceptance-check.ts), what
 * the stack runs on its acceptanceCheckSchedule. Answers the check's report.
 */
import { runSweepOrCheck } from '../lib/lifecycle/runtime';
import { LOCAL_PATHS, type LocalRoute } from './local-routes';

export const acceptanceCheckRoute: LocalRoute = {
  method: 'POST',
  path: LOCAL_PATHS.acceptanceCheck,
  describe: 'one acceptance check: grants for accepted invites and movers (the acceptanceCheckSchedule)',
  handle: () => runSweepOrCheck({ check: 'acceptance' }),
};
