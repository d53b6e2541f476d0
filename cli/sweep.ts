/**
 * `openai-invites sweep [--dry-run]`: one invite sweep now, and prints the summary: on a deployed
 * stack by invoking its sweeper function (`--function`, the stack's InviteSweeperFunctionName
 * output), on `npm start` through its local-only `POST /local/sweep`. Exit codes: 0 swept (or dry
 * run), 1 some re-invites failed or the sweep could not run, 2 usage.
 */
import { parseArgs } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { SweepSummary } from '../lib/lifecycle/sweeper';
import { gatewayFrom } from './gateway';
import { printable } from './job-view';
import { LOCAL_PATHS } from '../local/local-routes';

export const SWEEP_USAGE = `Usage: openai-invites sweep [options]

Re-invites expired invites the product made (at most REINVITE_MAX_TIMES each) and reports the
rest. A deployed stack also sweeps on its schedule (context sweepSchedule).

Options:
  --dry-run          report what would be re-invited; change nothing
  --function NAME    a deployed stack's sweeper (its InviteSweeperFunctionName output; default:
                     INVITE_SWEEPER_FUNCTION), invoked with your AWS credentials
  --gateway URL      without --function: the npm start gateway (default: INVITES_API_URL, else
                     http://127.0.0.1:3000/v1)
  -h, --help`;

/** The summary as lines: counts, then one line per expired invite. */
export const formatSweep = (summary: SweepSummary): string[] => {
  const skipped = Object.entries(summary.skipped)
    .map(([reason, count]) => `${count} ${reason}`)
    .join(', ');
  return [
    `Sweep${summary.dryRun ? ' (dry run)' : ''}: ${summary.invitesRead} invites read, ${summary.expiredSeen} expired, ` +
      `${summary.reinvited} re-invited, ${summary.failed} failed, skipped: ${skipped || 'none'}.`,
    ...summary.results.map(
      (result) =>
        `  ${result.action.padEnd(9)} ${result.email} (${result.expiredInviteId})` +
        (result.inviteId ? ` -> ${result.inviteId}, re-invite ${result.count} of ${summary.maxTimes}` : '') +
        (result.reason ? `: ${result.reason}` : '') +
        (result.code ? `: ${result.code}` : ''),
    ),
  ];
};

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
  const summary = functionName
    ? await sweepDeployed(functionName, values['dry-run'])
    : await sweepLocal(gatewayFrom(values.gateway), values['dry-run']);
  if (!summary) return 1;
  console.log(formatSweep(summary).map(printable).join('\n'));
  return summary.failed > 0 ? 1 : 0;
};

/** The deployed sweeper, invoked and waited for; undefined (said on stderr) when it did not run. */
const sweepDeployed = async (functionName: string, dryRun: boolean): Promise<SweepSummary | undefined> => {
  let answer;
  try {
    answer = await new LambdaClient({}).send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify({ dryRun })),
      }),
    );
  } catch (error) {
    console.error(
      `Cannot invoke ${functionName} (${(error as Error).name}: ${(error as Error).message}). Check AWS_REGION and that your identity may lambda:InvokeFunction it; a run already in progress answers TooManyRequestsException (one sweep at a time).`,
    );
    return undefined;
  }
  const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
  if (answer.FunctionError) {
    console.error(printable(`The sweep failed (${answer.FunctionError}): ${text.slice(0, 300)}`));
    return undefined;
  }
  return JSON.parse(text) as SweepSummary;
};

/** `npm start`'s sweep, through its local-only route. */
const sweepLocal = async (gateway: string, dryRun: boolean): Promise<SweepSummary | undefined> => {
  const url = `${new URL(gateway).origin}${LOCAL_PATHS.sweep}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ dry_run: dryRun }),
    });
  } catch (error) {
    console.error(
      `Cannot reach ${url} (${(error as Error).message}). Is \`npm start\` running? For a deployed stack pass --function (its InviteSweeperFunctionName output).`,
    );
    return undefined;
  }
  if (!response.ok) {
    console.error(
      printable(`The sweep did not run: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`),
    );
    return undefined;
  }
  return (await response.json()) as SweepSummary;
};
