/**
 * EventBridge schedule (or a direct invoke with `{ "dryRun": true }`) → one sweep of expired
 * invites; answers the summary (logic in lib/lifecycle/sweeper.ts).
 */
import type { Context } from 'aws-lambda';
import { withInvocation } from '../lib/commons/invocation';
import { runSweep, type SweepRequest } from '../lib/lifecycle/runtime';
import type { SweepSummary } from '../lib/lifecycle/sweeper';

export const handler = withInvocation(
  (event: SweepRequest | undefined, context: Context): Promise<SweepSummary> =>
    runSweep({ dryRun: event?.dryRun === true }, context.getRemainingTimeInMillis()),
);
