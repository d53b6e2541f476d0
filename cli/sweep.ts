/**
 * `openai-invites sweep [--dry-run]`: one invite sweep now, on `npm start` (its local-only
 * `POST /local/sweep`), and prints the summary. A deployed stack runs the sweeper on its schedule;
 * to run it now there, invoke the function (README, "Expired invites"): the CLI carries no Lambda
 * client. Exit codes: 0 swept (or dry run), 1 some re-invites failed or the sweep could not run.
 */
import { parseArgs } from 'node:util';
import type { SweepSummary } from '../lib/lifecycle/sweeper';
import { gatewayFrom } from './gateway';
import { LOCAL_PATHS } from '../local/local-routes';

export const SWEEP_USAGE = `Usage: openai-invites sweep [options]

Re-invites expired invites the product made (at most REINVITE_MAX_TIMES each) and reports the
rest, on npm start. A deployed stack sweeps on its schedule (context sweepSchedule).

Options:
  --dry-run          report what would be re-invited; change nothing
  --gateway URL      the npm start gateway (default: INVITES_API_URL, else http://127.0.0.1:3000/v1)
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
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(SWEEP_USAGE);
    return 0;
  }
  const gateway = gatewayFrom(values.gateway);
  const url = `${new URL(gateway).origin}${LOCAL_PATHS.sweep}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ dry_run: values['dry-run'] }),
    });
  } catch (error) {
    console.error(
      `Cannot reach ${url} (${(error as Error).message}). Is \`npm start\` running? A deployed stack sweeps on its schedule.`,
    );
    return 1;
  }
  if (!response.ok) {
    console.error(`The sweep did not run: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
    return 1;
  }
  const summary = (await response.json()) as SweepSummary;
  console.log(formatSweep(summary).join('\n'));
  return summary.failed > 0 ? 1 : 0;
};
