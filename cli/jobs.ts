/**
 * `openai-invites jobs [--limit N] [--json]`: recent bulk jobs with their progress, newest first,
 * from the job list route (`GET /organization/invites/bulk`), so a lost job id is found again.
 */
import { parseArgs } from 'node:util';
import type { JobList } from '../lib/ledger/job-list';
import { EXIT } from './exit-codes';
import { authFrom, callGateway, CliFailure, type GatewayAuth, gatewayFrom, refused } from './gateway';
import { printable } from './job-view';
import { UsageError } from './usage-errors';

export const JOBS_USAGE = `Usage: openai-invites jobs [options]

Lists recent bulk jobs, newest first: id, status, settled of total, counts, source and when it
started. openai-invites job JOB_ID shows one job's failures.

Options:
  --limit N          how many (1 to 100, default 20)
  --json             the route's answer as JSON
  --gateway URL      the API's base URL ending in /v1 (default: INVITES_API_URL, else
                     http://127.0.0.1:3000/v1, the npm start gateway)
  --token TOKEN      bearer token for a gateway in token mode (default: INVITES_API_TOKEN)
  --sigv4            sign with AWS credentials (IAM mode; automatic for an execute-api URL)
  -h, --help`;

/** The recent jobs; CliFailure when the gateway has no list route or refuses. */
export const fetchJobs = async (base: string, limit: number, auth: GatewayAuth): Promise<JobList> => {
  const url = `${base}/organization/invites/bulk?limit=${limit}`;
  const answer = await callGateway(url, base, { auth });
  if (answer.status === 200) return answer.body as JobList;
  if (answer.status === 404 || answer.status === 405)
    throw new CliFailure(
      `No job list at ${url} (HTTP ${answer.status}): --gateway should be the API's base URL ending in /v1, of a stack deployed from this version or later.`,
      EXIT.unreachable,
    );
  throw refused(url, answer);
};

const when = (unixSeconds: number): string =>
  new Date(unixSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

/** One line a job, aligned. */
export const jobLines = (list: JobList): string[] => {
  const rows = list.data.map((job) => [
    printable(job.job_id),
    job.status,
    `${job.total - job.counts.pending}/${job.total}`,
    `created ${job.counts.created} · already ${job.counts.already_invited} · failed ${job.counts.failed} · pending ${job.counts.pending}`,
    when(job.created_at),
  ]);
  const header = ['JOB', 'STATUS', 'SETTLED', 'COUNTS', 'STARTED'];
  const widths = header.map((title, at) => Math.max(title.length, ...rows.map((row) => row[at]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, at) => (at === cells.length - 1 ? cell : cell.padEnd(widths[at]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
};

export const jobs = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
      gateway: { type: 'string' },
      token: { type: 'string' },
      sigv4: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(JOBS_USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new UsageError(
      `unexpected argument ${JSON.stringify(positionals[0])} (one job's progress: openai-invites job JOB_ID).`,
    );
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new UsageError(`--limit takes a whole number from 1 to 100, got ${JSON.stringify(values.limit)}.`);
  const base = gatewayFrom(values.gateway);
  try {
    const list = await fetchJobs(base, limit, authFrom(base, values));
    if (values.json) console.log(JSON.stringify(list, null, 2));
    else if (list.data.length === 0) console.log(`No jobs at ${base} yet (bulk-invite starts one).`);
    else {
      for (const line of jobLines(list)) console.log(line);
      if (list.has_more) console.log(`… more: --limit ${Math.min(100, limit * 2)}`);
    }
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof CliFailure)) throw error;
    console.error(`openai-invites: ${error.message}`);
    return error.exitCode;
  }
};
