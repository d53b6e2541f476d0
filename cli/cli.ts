/**
 * `npx openai-invites bulk-invite FILE`: checks a CSV or JSONL file of invites and sends the
 * valid ones as bulk jobs of up to 1000, to a gateway (`/organization/invites/bulk`) or straight
 * onto the bulk queue. Exit code 0 only when every line was accepted.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { enqueueInvites, MAX_INVITES_PER_JOB } from '../lib/bulk/jobs';
import type { InviteRequest } from '../lib/openai/types';
import { SqsQueue } from '../lib/bulk/queue';
import { readBulkFile } from './bulk-file';

const USAGE = `Usage: openai-invites bulk-invite FILE [options]

FILE is CSV (header: email,role,projects) or JSONL (one {"email","role","projects"?} a line).
CSV projects: empty = default project, "-" = none, or "proj_a:member;proj_b:owner".

Options:
  --dry-run          check every line and report; send nothing
  --gateway URL      POST jobs to URL/organization/invites/bulk (default: INVITES_API_URL,
                     else http://127.0.0.1:3000/v1, the npm start gateway)
  --queue-url URL    send straight to this SQS queue (default: INVITE_QUEUE_URL); uses the
                     AWS SDK's usual credentials, region and AWS_ENDPOINT_URL
  --token TOKEN      bearer token for a gateway in token mode (default: INVITES_API_TOKEN)
  --job-id ID        job id prefix (default: the file name and a random suffix)
  --source NAME      source attribute on each message (default: cli)
  -h, --help`;

const DEFAULT_GATEWAY = 'http://127.0.0.1:3000/v1';

interface Destination {
  describe: string;
  send(jobId: string, invites: InviteRequest[]): Promise<void>;
}

const gatewayDestination = (base: string, token?: string): Destination => ({
  describe: `${base.replace(/\/+$/, '')}/organization/invites/bulk`,
  async send(jobId, invites) {
    const response = await fetch(`${base.replace(/\/+$/, '')}/organization/invites/bulk`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ job_id: jobId, invites }),
    });
    if (response.status !== 202) {
      const text = await response.text();
      const message = (() => {
        try {
          return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
        } catch {
          return text;
        }
      })();
      throw new Error(`HTTP ${response.status}: ${message.slice(0, 500)}`);
    }
  },
});

const queueDestination = (url: string, source: string): Destination => {
  const queue = new SqsQueue(url);
  return {
    describe: url,
    async send(jobId, invites) {
      await enqueueInvites(
        queue,
        invites.map((invite, index) => ({ index, invite })),
        { jobId, source },
      );
    },
  };
};

/** A one-line progress bar, drawn only on a terminal. */
const progress = (done: number, total: number): void => {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / Math.max(1, total)) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  if (done === total) process.stderr.write('\n');
};

const bulkInvite = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      gateway: { type: 'string' },
      'queue-url': { type: 'string' },
      token: { type: 'string' },
      'job-id': { type: 'string' },
      source: { type: 'string', default: 'cli' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const file = positionals[0];
  if (values.help || !file) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }

  const lines = readBulkFile(file, readFileSync(file, 'utf8'));
  const rejected = lines.filter((line) => line.error);
  const valid = lines.flatMap((line) => (line.invite ? [line.invite] : []));
  for (const line of rejected) console.error(`${file}:${line.line}: ${line.error}`);
  console.log(`${lines.length} lines: ${valid.length} valid, ${rejected.length} rejected.`);
  if (values['dry-run']) return rejected.length > 0 ? 1 : 0;

  const queueUrl = values['queue-url'] ?? (values.gateway ? undefined : process.env.INVITE_QUEUE_URL);
  const destination = queueUrl
    ? queueDestination(queueUrl, values.source)
    : gatewayDestination(
        values.gateway ?? process.env.INVITES_API_URL ?? DEFAULT_GATEWAY,
        values.token ?? process.env.INVITES_API_TOKEN,
      );
  const prefix =
    values['job-id'] ?? `${basename(file).replace(/[^A-Za-z0-9_.:-]/g, '_')}-${randomUUID().slice(0, 8)}`;
  console.log(`Sending to ${destination.describe}`);

  let sent = 0;
  const failures: string[] = [];
  const jobIds: string[] = [];
  progress(0, valid.length);
  for (let start = 0; start < valid.length; start += MAX_INVITES_PER_JOB) {
    const chunk = valid.slice(start, start + MAX_INVITES_PER_JOB);
    const jobId =
      valid.length > MAX_INVITES_PER_JOB ? `${prefix}-${start / MAX_INVITES_PER_JOB + 1}` : prefix;
    try {
      await destination.send(jobId, chunk);
      sent += chunk.length;
      jobIds.push(jobId);
    } catch (error) {
      failures.push(
        `job ${jobId} (${chunk.length} invites): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    progress(Math.min(start + chunk.length, valid.length), valid.length);
  }
  for (const failure of failures) console.error(`Not sent: ${failure}`);
  console.log(
    `Enqueued ${sent} of ${valid.length} valid invites in ${jobIds.length} job(s)${jobIds.length ? `: ${jobIds.join(', ')}` : ''}.` +
      `${rejected.length ? ` Rejected ${rejected.length} line(s).` : ''}`,
  );
  return rejected.length > 0 || failures.length > 0 ? 1 : 0;
};

const main = async (argv: string[]): Promise<number> => {
  const [command, ...rest] = argv;
  if (command === 'bulk-invite') return bulkInvite(rest);
  console.log(USAGE);
  return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
};

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`openai-invites: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
