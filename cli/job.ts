/**
 * `openai-invites job JOB_ID [--watch]`: a bulk job's progress from the job route
 * (`GET /organization/invites/bulk/{job_id}`), once or until it completes. `watchJobs` is shared
 * with `bulk-invite --wait`.
 */
import { parseArgs } from 'node:util';
import type { JobProgress } from '../lib/ledger/progress';
import { EXIT, EXIT_CODES_HELP } from './exit-codes';
import { authFrom, callGateway, CliFailure, type GatewayAuth, gatewayFrom, refused } from './gateway';
import { adviceFor } from './dead-letter-advice';
import { checkJobId, missingArgument, UsageError } from './usage-errors';
import { type JobView, plainView, printable, terminalView } from './job-view';

export const JOB_USAGE = `Usage: openai-invites job JOB_ID [options]

Shows a bulk job's progress: its counts (created, already_invited, revoked, failed, pending) and
its failures (index, email, code, reason). On a terminal --watch draws a progress bar until the
job completes; otherwise it prints one line per change.

Options:
  --watch            poll until the job completes (Ctrl-C stops watching, not the job)
  --json             print the job as JSON (full failure reasons, with what to do about each code)
  --interval SEC     seconds between polls (default 2)
  --gateway URL      the API's base URL ending in /v1 (default: INVITES_API_URL, else
                     http://127.0.0.1:3000/v1, the npm start gateway)
  --token TOKEN      bearer token for a gateway in token mode (default: INVITES_API_TOKEN)
  --sigv4            sign with AWS credentials (IAM mode; automatic for an execute-api URL without
                     a token); the region from the URL, else AWS_REGION
  -h, --help`;

/** Polls that may fail in a row (gateway restarting, throttled) before watching gives up. */
const MAX_FAILED_POLLS = 5;

export interface WatchOptions {
  base: string;
  auth: GatewayAuth;
  watch: boolean;
  intervalMs: number;
  /** Where a job's item came from (`FILE:LINE`), for bulk-invite --wait. */
  where?: (jobId: string, index: number) => string | undefined;
}

/** The job's progress; CliFailure for a missing job or any other answer. */
export const fetchJob = async (base: string, jobId: string, auth: GatewayAuth): Promise<JobProgress> => {
  const url = `${base}/organization/invites/bulk/${encodeURIComponent(jobId)}`;
  const answer = await callGateway(url, base, { auth });
  if (answer.status === 200) return answer.body as JobProgress;
  if (answer.status === 404 && answer.error?.code === 'job_not_found')
    throw new CliFailure(
      `No job ${JSON.stringify(printable(jobId))} at ${base}: check the id (bulk-invite prints it; jobs expire 90 days after their last write) and --gateway.`,
      EXIT.unreachable,
    );
  if (answer.status === 404 || answer.status === 405)
    throw new CliFailure(
      `No job route at ${url} (HTTP ${answer.status}): --gateway should be the API's base URL ending in /v1.`,
      EXIT.unreachable,
    );
  throw refused(url, answer);
};

/** What a job's last answer means for the exit code. */
const exitFor = (job: JobProgress): number => {
  if (job.counts.failed > 0) return EXIT.failed;
  return job.status === 'completed' ? EXIT.ok : EXIT.inProgress;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const viewFor = (where?: (index: number) => string | undefined): JobView =>
  process.stdout.isTTY ? terminalView(process.stdout, where) : plainView((line) => console.log(line), where);

/** One job, once or until it completes; its exit code. */
const watchJob = async (jobId: string, options: WatchOptions): Promise<number> => {
  const view = viewFor(options.where && ((index: number) => options.where!(jobId, index)));
  let failedPolls = 0;
  for (;;) {
    let job: JobProgress;
    try {
      job = await fetchJob(options.base, jobId, options.auth);
      failedPolls = 0;
    } catch (error) {
      if (!(error instanceof CliFailure)) throw error;
      failedPolls += 1;
      if (!options.watch || !error.transient || failedPolls >= MAX_FAILED_POLLS) {
        console.error(`openai-invites: ${error.message}`);
        return error.exitCode;
      }
      console.error(`openai-invites: ${error.message} Trying again (${failedPolls}/${MAX_FAILED_POLLS}).`);
      await sleep(options.intervalMs);
      continue;
    }
    if (!options.watch || job.status === 'completed') {
      if (options.watch) view.update(job);
      view.finish(job);
      return exitFor(job);
    }
    view.update(job);
    await sleep(options.intervalMs);
  }
};

/** Each job in turn (the worker runs them together, so later ones are often done by then); the worst exit code. */
export const watchJobs = async (jobIds: string[], options: WatchOptions): Promise<number> => {
  let code: number = EXIT.ok;
  for (const jobId of jobIds) {
    const jobCode = await watchJob(jobId, options);
    if (jobCode !== EXIT.ok && (code === EXIT.ok || jobCode === EXIT.unreachable)) code = jobCode;
  }
  return code;
};

/** `--interval` in milliseconds; a usage error for anything but a positive number of seconds. */
export const intervalFrom = (raw: string | undefined): number => {
  const seconds = raw === undefined ? 2 : Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600)
    throw new Error(`--interval must be a number of seconds from 0 to 3600, got ${JSON.stringify(raw)}`);
  return seconds * 1000;
};

/** `job --json`: the job route's answer as it came (every failure's full reason), with the advice for each code. */
const printJson = async (base: string, jobId: string, auth: GatewayAuth): Promise<number> => {
  try {
    const progress = await fetchJob(base, jobId, auth);
    const failures = progress.failures.map((failure) => ({
      ...failure,
      advice: adviceFor(failure.code, jobId),
    }));
    console.log(JSON.stringify({ ...progress, failures }, null, 2));
    return exitFor(progress);
  } catch (error) {
    if (!(error instanceof CliFailure)) throw error;
    console.error(`openai-invites: ${error.message}`);
    return error.exitCode;
  }
};

export const job = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      watch: { type: 'boolean', default: false },
      interval: { type: 'string' },
      gateway: { type: 'string' },
      token: { type: 'string' },
      sigv4: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const jobId = positionals[0];
  if (values.help) {
    console.log(`${JOB_USAGE}\n\n${EXIT_CODES_HELP}`);
    return EXIT.ok;
  }
  if (!jobId)
    return missingArgument(
      'job',
      'JOB_ID',
      'the id bulk-invite printed (openai-invites jobs lists recent jobs)',
      JOB_USAGE,
    );
  if (positionals.length > 1) throw new UsageError(`one JOB_ID at a time (got ${positionals.length}).`);
  checkJobId(jobId);
  const base = gatewayFrom(values.gateway);
  if (values.json) return printJson(base, jobId, authFrom(base, values));
  return watchJobs([jobId], {
    base,
    auth: authFrom(base, values),
    watch: values.watch,
    intervalMs: intervalFrom(values.interval),
  });
};
