/**
 * `openai-invites dlq list|redrive`: the dead-letter queue read (email, job, index, failure code
 * and reason, receive count, age) and moved back to the bulk queue, counted. A redrive is safe to
 * repeat: invites are idempotent.
 */
import { parseArgs } from 'node:util';
import { FAILURE_ATTRIBUTE, ATTRIBUTE } from '../lib/bulk/messages';
import {
  type DeadLetter,
  type DeadLetterSource,
  localDeadLetters,
  MAX_SWEPT,
  sqsDeadLetters,
} from './dead-letters';
import { EXIT, EXIT_CODES_HELP } from './exit-codes';
import { CliFailure, gatewayFrom } from './gateway';
import { printable } from './job-view';
import { plural } from './plural';

export const DLQ_USAGE = `Usage: openai-invites dlq list [options]
       openai-invites dlq redrive [options]

list     each dead letter: email, job, index, failure code and reason, receives, age. Without a
         failure_code the worker did not dead-letter it: SQS moved it after its receives were
         exhausted (transient failures every time), shown as "receives exhausted".
redrive  move dead letters back to the bulk queue, counted (safe to repeat: invites are idempotent);
         their failure_* attributes are dropped on the way.

Options:
  --job JOB_ID     only the dead letters of this job
  --dry-run        redrive: count what would move, move nothing
  --dlq-url URL    the SQS dead-letter queue (default: INVITE_DLQ_URL; the stack's DeadLetterQueueUrl
                   output); needs AWS_REGION and AWS credentials, AWS_ENDPOINT_URL for an emulator
  --queue-url URL  redrive: the bulk queue to send to (default: INVITE_QUEUE_URL; the stack's QueueUrl)
  --gateway URL    without --dlq-url: the npm start gateway, whose in-process DLQ is read through its
                   local-only routes (default: INVITES_API_URL, else http://127.0.0.1:3000/v1)
  --token TOKEN    bearer token (default: INVITES_API_TOKEN)
  -h, --help`;

const age = (sentAt: number, now: number): string => {
  const seconds = Math.max(0, Math.round((now - sentAt) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
};

/** Who the message is about: an invite's or revocation's email, or a whole job's size. */
const subject = (body: string): string => {
  try {
    const parsed = JSON.parse(body) as { email?: unknown; invites?: unknown };
    if (Array.isArray(parsed.invites)) return `(a job of ${plural(parsed.invites.length, 'invite')})`;
    if (typeof parsed.email === 'string') return parsed.email;
  } catch {
    // An unparsable body is its own failure_code; nothing to name.
  }
  return '(no email)';
};

export interface DeadLetterRow {
  email: string;
  job: string;
  index: string;
  code: string;
  reason: string;
  receives: string;
  age: string;
}

export const rowOf = (letter: DeadLetter, now: number): DeadLetterRow => {
  const attribute = (name: string) => letter.attributes[name];
  const byWorker = attribute(FAILURE_ATTRIBUTE.code) !== undefined;
  return {
    email: subject(letter.body),
    job: attribute(ATTRIBUTE.jobId) ?? '-',
    index: attribute(ATTRIBUTE.index) ?? attribute(ATTRIBUTE.indexes) ?? '-',
    code: byWorker ? attribute(FAILURE_ATTRIBUTE.code)! : 'receives exhausted',
    reason: byWorker
      ? (attribute(FAILURE_ATTRIBUTE.reason) ?? '')
      : 'moved by SQS after maxReceiveCount transient failures: see the worker\'s "retry" log lines',
    receives: byWorker ? (attribute(FAILURE_ATTRIBUTE.receiveCount) ?? '-') : 'max',
    age: age(letter.sentAt, now),
  };
};

const table = (rows: DeadLetterRow[]): string[] => {
  const columns: (keyof DeadLetterRow)[] = ['email', 'job', 'index', 'code', 'receives', 'age', 'reason'];
  const cells = rows.map((row) => columns.map((column) => printable(row[column]).slice(0, 200)));
  const widths = columns.map((column, at) =>
    Math.min(40, Math.max(column.length, ...cells.map((line) => line[at]!.length))),
  );
  const line = (values: string[]) =>
    values
      .map((value, at) => (at === columns.length - 1 ? value : value.padEnd(widths[at]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.toUpperCase())), ...cells.map(line)];
};

const sourceFor = (values: {
  'dlq-url'?: string;
  'queue-url'?: string;
  gateway?: string;
  token?: string;
}): DeadLetterSource => {
  const dlqUrl = values['dlq-url'] ?? (values.gateway ? undefined : process.env.INVITE_DLQ_URL);
  if (dlqUrl) return sqsDeadLetters(dlqUrl, values['queue-url'] ?? process.env.INVITE_QUEUE_URL);
  // Local-only routes: a token at most (npm start has none), never SigV4.
  return localDeadLetters(gatewayFrom(values.gateway), {
    token: values.token ?? process.env.INVITES_API_TOKEN,
  });
};

export const dlq = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      job: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'dlq-url': { type: 'string' },
      'queue-url': { type: 'string' },
      gateway: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [action] = positionals;
  if (values.help || (action !== 'list' && action !== 'redrive') || positionals.length > 1) {
    (values.help ? console.log : console.error)(`${DLQ_USAGE}\n\n${EXIT_CODES_HELP}`);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const source = sourceFor(values);
  const jobId = values.job;
  const scope = jobId ? ` of job ${printable(jobId)}` : '';
  try {
    if (action === 'list') {
      const { letters, truncated } = await source.list(jobId);
      if (letters.length === 0) {
        console.log(`No dead letters${scope} in ${source.describe}.`);
        return EXIT.ok;
      }
      const now = Date.now();
      const rows = letters.map((letter) => rowOf(letter, now));
      for (const line of table(rows)) console.log(line);
      const exhausted = rows.filter((row) => row.code === 'receives exhausted').length;
      console.log(
        `${plural(letters.length, 'dead letter')}${scope} in ${source.describe}: ${letters.length - exhausted} dead-lettered by the worker, ${exhausted} with receives exhausted.` +
          (truncated ? ` Only ${MAX_SWEPT} messages of the queue were read.` : ''),
      );
      return EXIT.ok;
    }
    const dryRun = values['dry-run'];
    const { moved, notMoved } = await source.redrive(jobId, dryRun);
    console.log(
      dryRun
        ? `Dry run: ${plural(moved, 'dead letter')}${scope} would move back to the bulk queue; nothing was moved.`
        : `Moved ${plural(moved, 'dead letter')}${scope} back to the bulk queue.`,
    );
    if (notMoved > 0) {
      console.error(
        `Not moved: ${notMoved} (the bulk queue did not take them; they stay in the DLQ). Run the redrive again.`,
      );
      return EXIT.failed;
    }
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof CliFailure)) throw error;
    console.error(`openai-invites: ${error.message}`);
    return error.exitCode;
  }
};
