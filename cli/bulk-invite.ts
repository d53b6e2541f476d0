/**
 * `openai-invites bulk-invite FILE`: checks a CSV or JSONL file of invites and sends the valid
 * ones as bulk jobs of up to 1000, to a gateway (`/organization/invites/bulk`) or straight onto
 * the bulk queue; with `--wait`, then watches the jobs it sent (cli/job.ts). Exit codes:
 * cli/exit-codes.ts.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_INVITES_PER_JOB } from '../lib/bulk/jobs';
import { readBulkFile } from './bulk-file';
import { type Destination, gatewayDestination, queueDestination } from './destinations';
import { SendFailedError } from './failures';
import { EXIT, EXIT_CODES_HELP } from './exit-codes';
import { authFrom, gatewayFrom } from './gateway';
import { intervalFrom, watchJobs } from './job';
import { printable } from './job-view';
import { plural } from './plural';
import { missingArgument, UsageError } from './usage-errors';

export const BULK_USAGE = `Usage: openai-invites bulk-invite FILE [options]

FILE is CSV or JSONL (one {"email","role","projects"?} a line). The CSV header names email, role
and optionally projects, in any case and order; other columns are ignored. HR exports as they come:
comma, semicolon or tab separated; a column such as "Work Email" is taken as the email (named when
several could be); no role column with --role. Spreadsheets (.xlsx) must be saved as CSV first.
CSV projects: empty = default project, "-" = none, or id:role pairs "proj_a:member;proj_b:owner".
The same email on two lines with other terms is rejected (both lines); with the same terms, sent once.

Options:
  --dry-run          check every line and report; send nothing
  --role ROLE        reader or owner: the role of rows with no role (no role column, or an empty cell)
  --email-column NAME     the column holding the email (default: the one named like email)
  --role-column NAME      the column holding the role (default: role)
  --projects-column NAME  the column holding the projects (default: projects)
  --gateway URL      POST jobs to URL/organization/invites/bulk (default: INVITES_API_URL,
                     else http://127.0.0.1:3000/v1, the npm start gateway)
  --queue-url URL    send straight to this SQS queue (default: INVITE_QUEUE_URL); needs AWS_REGION
                     and AWS credentials (AWS_PROFILE or keys); AWS_ENDPOINT_URL for an emulator
  --token TOKEN      bearer token for a gateway in token mode (default: INVITES_API_TOKEN)
  --sigv4            sign with AWS credentials (IAM mode; automatic for an execute-api URL without
                     a token); the region from the URL, else AWS_REGION
  --job-id ID        job id prefix (default: the file name and a random suffix)
  --source NAME      source recorded on each message (default: cli)
  --replace-pending  replace a pending invite of other role or projects (default: such an item
                     goes to the dead-letter queue with that reason)
  --wait             then watch every job sent until it completes, as \`job --watch\` does
                     (through the gateway; not with --queue-url)
  --interval SEC     seconds between polls with --wait (default 2)
  -h, --help

With --wait, exit code 0 only when every line was sent and every invite settled without failure.`;

/** A one-line progress bar, drawn only on a terminal. */
const progress = (done: number, total: number): void => {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / Math.max(1, total)) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  if (done === total) process.stderr.write('\n');
};

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    console.error(
      `openai-invites: cannot read ${file}${code === 'ENOENT' ? ': no such file' : ` (${code ?? (error as Error).message})`}.`,
    );
    return undefined;
  }
};

export const bulkInvite = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      gateway: { type: 'string' },
      'queue-url': { type: 'string' },
      token: { type: 'string' },
      sigv4: { type: 'boolean', default: false },
      'job-id': { type: 'string' },
      source: { type: 'string', default: 'cli' },
      'replace-pending': { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
      interval: { type: 'string' },
      role: { type: 'string' },
      'email-column': { type: 'string' },
      'role-column': { type: 'string' },
      'projects-column': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const file = positionals[0];
  if (values.help) {
    console.log(`${BULK_USAGE}\n\n${EXIT_CODES_HELP}`);
    return EXIT.ok;
  }
  if (!file) return missingArgument('bulk-invite', 'FILE', 'a CSV or JSONL file of invites', BULK_USAGE);
  const defaultRole = values.role?.trim().toLowerCase();
  if (defaultRole !== undefined && !['reader', 'owner'].includes(defaultRole))
    throw new UsageError(`--role takes reader or owner, got ${JSON.stringify(values.role)}.`);
  const queueUrl = values['queue-url'] ?? (values.gateway ? undefined : process.env.INVITE_QUEUE_URL);
  if (values.wait && queueUrl) {
    // A job put straight on the queue is not registered with its total: there is nothing to watch.
    console.error(
      'openai-invites: --wait watches jobs through the gateway, and jobs sent with --queue-url (or INVITE_QUEUE_URL) have no registered total: send through --gateway, or drop --wait.',
    );
    return EXIT.usage;
  }
  const intervalMs = intervalFrom(values.interval);
  const text = readText(file);
  if (text === undefined) return 2;

  const {
    lines,
    ignoredColumns,
    fileError,
    notes = [],
  } = readBulkFile(file, text, {
    defaultRole,
    emailColumn: values['email-column'],
    roleColumn: values['role-column'],
    projectsColumn: values['projects-column'],
  });
  if (fileError) {
    console.error(`${file}: ${fileError}`);
    console.log('Nothing was sent.');
    return 2;
  }
  for (const note of notes) console.error(`${file}: ${note}`);
  const rejected = lines.filter((line) => line.error);
  const sendable = lines.filter((line) => line.invite);
  const valid = sendable.map((line) => line.invite!);
  for (const line of rejected) console.error(`${file}:${line.line}: ${line.error}`);
  for (const line of lines.filter((candidate) => candidate.note))
    console.error(`${file}:${line.line}: ${line.note}`);
  if (ignoredColumns.length > 0) {
    console.log(
      `Ignored ${ignoredColumns.length === 1 ? 'column' : 'columns'}: ${ignoredColumns.join(', ')}.`,
    );
  }
  const repeats = lines.length - valid.length - rejected.length;
  console.log(
    `${plural(lines.length, 'line')}: ${valid.length} valid, ${rejected.length} rejected${repeats ? `, ${repeats} duplicate (sent once)` : ''}.`,
  );
  if (values['dry-run']) {
    console.log('Dry run: nothing was sent.');
    return rejected.length > 0 ? 1 : 0;
  }

  const gateway = gatewayFrom(values.gateway);
  const auth = authFrom(gateway, values);
  const jobOptions = { source: values.source, replacePending: values['replace-pending'] };
  const destination: Destination = queueUrl
    ? queueDestination(queueUrl, jobOptions)
    : gatewayDestination(gateway, jobOptions, auth);
  const prefix =
    values['job-id'] ?? `${basename(file).replace(/[^A-Za-z0-9_.:-]/g, '_')}-${randomUUID().slice(0, 8)}`;
  console.log(`Sending to ${destination.describe}`);

  let sent = 0;
  const failures: string[] = [];
  const jobIds: string[] = [];
  /** Each job's items by index → the file's line, so --wait names failures as FILE:LINE. */
  const linesOfJob = new Map<string, number[]>();
  let stopped = 0;
  progress(0, valid.length);
  for (let start = 0; start < valid.length; start += MAX_INVITES_PER_JOB) {
    const chunk = valid.slice(start, start + MAX_INVITES_PER_JOB);
    const jobId =
      valid.length > MAX_INVITES_PER_JOB ? `${prefix}-${start / MAX_INVITES_PER_JOB + 1}` : prefix;
    try {
      await destination.send(jobId, chunk);
      sent += chunk.length;
      jobIds.push(jobId);
      linesOfJob.set(
        jobId,
        sendable.slice(start, start + chunk.length).map((line) => line.line),
      );
    } catch (error) {
      if (!(error instanceof SendFailedError)) throw error;
      failures.push(`job ${jobId} (${plural(chunk.length, 'invite')}): ${error.message}`);
      // Every later job would fail the same way (no region, gateway down…): say it once.
      if (error.failure.stop) {
        stopped = valid.length - start - chunk.length;
        break;
      }
    }
    progress(Math.min(start + chunk.length, valid.length), valid.length);
  }
  for (const failure of failures) console.error(`Not sent: ${printable(failure)}`);
  if (stopped > 0) console.error(`Not sent either: the remaining ${plural(stopped, 'invite')}.`);
  console.log(
    `Enqueued ${sent} of ${plural(valid.length, 'valid invite')} in ${plural(jobIds.length, 'job')}${jobIds.length ? `: ${jobIds.join(', ')}` : ''}.` +
      `${rejected.length ? ` Rejected ${plural(rejected.length, 'line')}.` : ''}`,
  );
  const sendCode = rejected.length > 0 || failures.length > 0 ? EXIT.failed : EXIT.ok;
  if (!values.wait || jobIds.length === 0) return sendCode;
  const where = (jobId: string, index: number): string | undefined => {
    const line = linesOfJob.get(jobId)?.[index];
    return line === undefined ? undefined : `${file}:${line}`;
  };
  const watchCode = await watchJobs(jobIds, { base: gateway, auth, watch: true, intervalMs, where });
  return watchCode === EXIT.ok ? sendCode : watchCode;
};
