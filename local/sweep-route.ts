/**
 * `POST /local/sweep`: one reconciler run now, for `openai-invites sweep` and `reconcile` under
 * `npm start` (the stack runs its sweeper on a schedule, and the CLI invokes it). The body is the
 * sweeper function's event (lib/lifecycle/invocation.ts); `{"dry_run": true}` is also taken.
 * Answers the run's report.
 */
import type { ReconcileInvocation } from '../lib/lifecycle/invocation';
import { runSweep } from '../lib/lifecycle/runtime';
import { LOCAL_PATHS, type LocalRoute } from './local-routes';

export const sweepRoute: LocalRoute = {
  method: 'POST',
  path: LOCAL_PATHS.sweep,
  describe: 'one reconciler run: the sweep, or a roster (openai-invites sweep, reconcile)',
  handle: ({ body }) => {
    const { dry_run: dryRun, ...invocation } = body as ReconcileInvocation & { dry_run?: unknown };
    return runSweep(dryRun === undefined ? invocation : { ...invocation, dryRun: dryRun as boolean });
  },
};
