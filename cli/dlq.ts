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
import { hostname, userInfo } from 'node:os';
import { deadLetterCode } from '../lib/bulk/dead-letter-select';
import { adviceFor } from './dead-letter-advice';
import { didYouMean } from './suggest';
import { checkJobId, missingArgument, UsageError } from './usage-errors';

export const DLQ_USAGE = `Usage: openai-invites dlq list [options]
       openai-invites dlq redrive [options]
       openai-invites dlq discard --job JOB_ID [--code CODE] [--yes]

list     each dead letter: email, job, index, failure code and reason, receives, age. Without a
         failure_code the worker did not dead-letter it: SQS moved it after its receives were
         exhausted (transient failures every time), shown as "receives exhausted".
         Under the table, what to do about each code in this CLI's terms; --json gives every field
         and the full reason.
redrive  move dead letters back to the bulk queue, counted (safe to repeat: invites are idempotent);
         their failure_* attributes are dropped on the way.
discard  delete a job's dead letters that were fixed at their source (sent again corrected, or
         nothing to do), so the DLQ alarm clears. Without --yes it is a dry run listing what would
         go; with --yes each one deleted prints an audit line (JSON: who, when, which message).

Options:
  --job JOB_ID     only the dead letters of this job
  --code CODE      discard: only the dead letters of this failure code (receives_exhausted for
                   those SQS moved)
  --dry-run        redrive, discard: count what would move or go, change nothing
  --yes            discard: delete them (without it, discard is a dry run)
  --json           list: one JSON array, every field and the full reason and advice
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

/** A dead letter as `dlq list --json` gives it: every field, the full reason, the advice. */
const jsonOf = (letter: DeadLetter) => {
  const code = deadLetterCode(letter.attributes);
  const job = letter.attributes[ATTRIBUTE.jobId];
  const index = letter.attributes[ATTRIBUTE.index];
  return {
    message_id: letter.messageId,
    email: subject(letter.body),
    job_id: job ?? null,
    index: index === undefined ? null : Number(index),
    code,
    reason:
      letter.attributes[FAILURE_ATTRIBUTE.reason] ??
      'moved by SQS after maxReceiveCount transient failures: see the worker\'s "retry" log lines',
    status: letter.attributes[FAILURE_ATTRIBUTE.status]
      ? Number(letter.attributes[FAILURE_ATTRIBUTE.status])
      : null,
    receives: letter.attributes[FAILURE_ATTRIBUTE.receiveCount] ?? null,
    sent_at: new Date(letter.sentAt).toISOString(),
    advice: adviceFor(code, job),
    body: letter.body,
  };
};

/** Who discards: the OS user (the AWS identity is in CloudTrail for a deployed DLQ). */
const actor = (): string => {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return 'unknown';
  }
};

/** `dlq discard`: a dry run listing what would go, or the deletion with one audit line per dead letter. */
const discard = async (
  source: DeadLetterSource,
  jobId: string,
  code: string | undefined,
  dryRun: boolean,
): Promise<number> => {
  const letters = await source.discard(jobId, code, dryRun);
  const scope = `of job ${printable(jobId)}${code ? ` with code ${printable(code)}` : ''}`;
  if (dryRun) {
    for (const letter of letters)
      console.log(`would discard  ${printable(subject(letter.body))}  ${deadLetterCode(letter.attributes)}`);
    console.log(
      `Dry run: ${plural(letters.length, 'dead letter')} ${scope} would be discarded from ${source.describe}; nothing was deleted.` +
        (letters.length > 0 ? ' Run again with --yes to discard them.' : ''),
    );
    return EXIT.ok;
  }
  const at = new Date().toISOString();
  for (const letter of letters)
    console.log(
      `audit ${JSON.stringify({
        event: 'dead_letter.discarded',
        at,
        actor: actor(),
        dlq: source.describe,
        message_id: letter.messageId,
        job_id: jobId,
        index: letter.attributes[ATTRIBUTE.index] ?? null,
        email: subject(letter.body),
        code: deadLetterCode(letter.attributes),
        reason: letter.attributes[FAILURE_ATTRIBUTE.reason] ?? null,
      })}`,
    );
  console.log(`Discarded ${plural(letters.length, 'dead letter')} ${scope} from ${source.describe}.`);
  return EXIT.ok;
};

const ACTIONS = ['list', 'redrive', 'discard'];

const table = (rows: DeadLetterRow[]): string[] => {
  const columns: (keyof DeadLetterRow)[] = ['email', 'job', 'index', 'code', 'receives', 'age', 'reason'];
  const cells = rows.map((row) => columns.map((column) => printable(row[column])));
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
      code: { type: 'string' },
      json: { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      'dlq-url': { type: 'string' },
      'queue-url': { type: 'string' },
      gateway: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [action] = positionals;
  if (values.help) {
    console.log(`${DLQ_USAGE}\n\n${EXIT_CODES_HELP}`);
    return EXIT.ok;
  }
  if (action === undefined)
    return missingArgument('dlq', 'list, redrive or discard', 'what to do with the dead letters', DLQ_USAGE);
  if (!ACTIONS.includes(action))
    throw new UsageError(
      `unknown action ${JSON.stringify(action)}.${didYouMean(action, ACTIONS)} The actions: ${ACTIONS.join(', ')}.`,
    );
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}.`);
  const jobId = values.job;
  if (jobId !== undefined) checkJobId(jobId);
  if (action === 'discard' && jobId === undefined)
    throw new UsageError(
      'discard needs --job JOB_ID: dead letters are discarded job by job (dlq list shows their jobs).',
    );
  const source = sourceFor(values);
  const scope = jobId ? ` of job ${printable(jobId)}` : '';
  try {
    if (action === 'discard')
      return await discard(source, jobId!, values.code, !values.yes || values['dry-run']);
    if (action === 'list') {
      const { letters, truncated } = await source.list(jobId);
      if (values.json) {
        console.log(JSON.stringify(letters.map(jsonOf), null, 2));
        return EXIT.ok;
      }
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
      console.log('What to do:');
      const seen = new Set<string>();
      for (const letter of letters) {
        const code = deadLetterCode(letter.attributes);
        const job = letter.attributes[ATTRIBUTE.jobId];
        if (seen.has(`${code} ${job}`)) continue;
        seen.add(`${code} ${job}`);
        console.log(`  ${code}${job ? ` (job ${printable(job)})` : ''}: ${adviceFor(code, job)}`);
      }
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
