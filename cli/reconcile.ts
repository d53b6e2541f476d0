/**
 * `openai-invites reconcile ROSTER [--apply] [--offboard] [--max-removals N] [--json]`: declares
 * the roster as each person's intent, then plans (and with --apply carries out) what makes OpenAI
 * match, with the same reconciler as the scheduled sweep (lib/lifecycle/). It runs where the
 * product runs: a deployed stack's sweeper function (`--function`, with your AWS credentials: the
 * function holds the Admin key and the people table), or `npm start` (its local route). Without
 * --apply nothing is written or sent. Exit codes: 0 done (or nothing to do), 1 something not
 * applied or stopped by the brakes, 2 usage or a roster with bad lines.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatReport } from '../lib/lifecycle/format';
import { readBulkFile } from './bulk-file';
import { gatewayFrom } from './gateway';
import { printable } from './job-view';
import { invokeReconciler } from './reconciler-invoke';

export const RECONCILE_USAGE = `Usage: openai-invites reconcile ROSTER [options]

ROSTER is the bulk-invite file (CSV: email, role, projects; JSONL). Declares it as the intent of
everyone it names (present) and of everyone else holding an invite (absent), then prints what
would make the OpenAI organization match: invites, replacements, revocations, removals (with
--offboard), and what is left for a person. Runs on a deployed stack's sweeper (--function) or on
npm start's gateway.

Options:
  --apply              declare the roster and carry the plan out (without it nothing changes)
  --offboard           also declare members not on the roster absent, with the authority to remove
                       them (removed only when the stack has OFFBOARD_MEMBERS=true; owners never)
  --max-removals N     stop before acting if more than N people would be revoked or removed
                       (default: the stack's RECONCILE_MAX_REMOVALS, 25)
  --json               print the report as JSON
  --function NAME      a deployed stack's sweeper (InviteSweeperFunctionName output; default:
                       INVITE_SWEEPER_FUNCTION), invoked with your AWS credentials
  --gateway URL        without --function: the npm start gateway (default: INVITES_API_URL, else
                       http://127.0.0.1:3000/v1)
  -h, --help`;

export const reconcile = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      apply: { type: 'boolean', default: false },
      offboard: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'max-removals': { type: 'string' },
      function: { type: 'string' },
      gateway: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const file = positionals[0];
  if (values.help || !file) {
    console.log(RECONCILE_USAGE);
    return values.help ? 0 : 2;
  }
  const maxRemovals = values['max-removals'] === undefined ? undefined : Number(values['max-removals']);
  if (maxRemovals !== undefined && (!Number.isInteger(maxRemovals) || maxRemovals < 0)) {
    console.error('openai-invites: --max-removals takes a whole number, 0 or more.');
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    console.error(`openai-invites: cannot read ${file} (${(error as { code?: string }).code ?? 'error'}).`);
    return 2;
  }
  const { lines, fileError } = readBulkFile(file, text);
  const rejected = lines.filter((line) => line.error);
  if (fileError || rejected.length > 0) {
    // A roster with a bad line would declare that person absent: refuse the whole roster.
    if (fileError) console.error(`${file}: ${fileError}`);
    for (const line of rejected) console.error(`${file}:${line.line}: ${line.error}`);
    console.error('Nothing was planned: fix the roster first.');
    return 2;
  }
  const roster = lines.flatMap((line) => (line.invite ? [line.invite] : []));
  if (roster.length === 0) {
    console.error(
      `${file}: the roster names nobody; an empty roster would declare everyone absent. Nothing was planned.`,
    );
    return 2;
  }
  const report = await invokeReconciler(
    {
      roster,
      offboard: values.offboard,
      apply: values.apply,
      ...(maxRemovals !== undefined ? { maxRemovals } : {}),
    },
    {
      functionName: values.function ?? process.env.INVITE_SWEEPER_FUNCTION?.trim(),
      gateway: gatewayFrom(values.gateway),
    },
  );
  if (!report) return 1;
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(formatReport(report).map(printable).join('\n'));
    if (report.dryRun && !report.refused) console.log('Nothing changed (add --apply to carry it out).');
  }
  return report.refused || report.failed > 0 ? 1 : 0;
};
