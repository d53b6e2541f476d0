/**
 * `openai-invites sweep [--dry-run]`: one invite sweep now, and prints the summary: on a deployed
 * stack by invoking its sweeper function (`--function`, the stack's InviteSweeperFunctionName
 * output), on `npm start` through its local-only `POST /local/sweep`. Exit codes: 0 swept (or dry
 * run), 1 some re-invites failed or the sweep could not run, 2 usage.
 */
import { parseArgs } from 'node:util';
import { formatReport } from '../lib/lifecycle/format';
import { gatewayFrom } from './gateway';
import { printable } from './job-view';
import { invokeReconciler } from './reconciler-invoke';

export const SWEEP_USAGE = `Usage: openai-invites sweep [options]

One run of the reconciler: makes OpenAI match each person's intent (expired invites the product
made re-invited with the intent's terms, leavers' invites revoked, leavers who are members removed
with OFFBOARD_MEMBERS and authority, or listed for a person) and reports drift. Stops before acting
when it would revoke or remove more than RECONCILE_MAX_REMOVALS people. A deployed stack also
sweeps on its schedule (context sweepSchedule).

Options:
  --dry-run          print the plan; change nothing
  --function NAME    a deployed stack's sweeper (its InviteSweeperFunctionName output; default:
                     INVITE_SWEEPER_FUNCTION), invoked with your AWS credentials
  --gateway URL      without --function: the npm start gateway (default: INVITES_API_URL, else
                     http://127.0.0.1:3000/v1)
  -h, --help`;

export const sweep = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({
    args,
    options: {
      'dry-run': { type: 'boolean', default: false },
      gateway: { type: 'string' },
      function: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(SWEEP_USAGE);
    return 0;
  }
  const functionName = values.function ?? process.env.INVITE_SWEEPER_FUNCTION?.trim();
  const summary = await invokeReconciler(
    { dryRun: values['dry-run'] },
    { functionName, gateway: gatewayFrom(values.gateway) },
  );
  if (!summary) return 1;
  console.log(formatReport(summary).map(printable).join('\n'));
  return summary.failed > 0 || summary.refused ? 1 : 0;
};
