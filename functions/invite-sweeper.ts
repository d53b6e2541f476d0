/**
 * EventBridge schedule → one reconciler run (the sweep); a direct invoke may ask for a dry run
 * (`{ "dryRun": true }`) or a roster run (`openai-invites reconcile --function`). Answers the
 * report (logic in lib/lifecycle/).
 */
import type { Context } from 'aws-lambda';
import { withInvocation } from '../lib/commons/invocation';
import type { ReconcileInvocation } from '../lib/lifecycle/invocation';
import type { AcceptanceReport } from '../lib/access/acceptance-check';
import type { ReconcileReport } from '../lib/lifecycle/reconcile-run';
import { runSweepOrCheck } from '../lib/lifecycle/runtime';

/** `{"check": "acceptance"}` (its own schedule) runs the acceptance check instead. */
export const handler = withInvocation(
  (event: ReconcileInvocation | undefined, context: Context): Promise<ReconcileReport | AcceptanceReport> =>
    runSweepOrCheck(event, context.getRemainingTimeInMillis()),
);
