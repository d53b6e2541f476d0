/**
 * `npm start`'s terminal: one readable line per invite outcome (created, revoked, re-invited,
 * removed, dead-lettered, refused) instead of the functions' JSON log lines, which go to a file
 * in the state folder. `LOG_FORMAT=json` prints the JSON lines as they are, as the Lambda
 * functions write them to CloudWatch. The functions' logger (Powertools) writes through
 * process.stdout and process.stderr; this sorts what passes there, and leaves other text alone.
 */
import { appendFileSync } from 'node:fs';

type Entry = Record<string, unknown> & { level?: string; message?: string };

const time = (entry: Entry): string => {
  const at = typeof entry.timestamp === 'string' ? new Date(entry.timestamp) : new Date();
  return Number.isNaN(at.getTime()) ? '' : at.toTimeString().slice(0, 8);
};

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

/** The readable line for one JSON log entry, or undefined when it is not an outcome worth a line. */
export const readableLine = (entry: Entry): string | undefined => {
  const audit = entry.audit as Record<string, unknown> | undefined;
  if (entry.message === 'audit' && audit) {
    const job = audit.jobId ? `, job ${text(audit.jobId)}` : '';
    const id = audit.inviteId ? ` ${text(audit.inviteId)}` : '';
    return `${time(entry)}  ${text(audit.action).padEnd(16)} ${text(audit.email)}${id}  (${text(audit.caller)}${job})`;
  }
  if (entry.message === 'bulk record dead-lettered')
    return `${time(entry)}  ${'dead-lettered'.padEnd(16)} ${text(entry.failureCode)}: ${text(entry.reason).slice(0, 160)}  (openai-invites dlq list)`;
  if (entry.message === 'declaration refused')
    return `${time(entry)}  ${'refused'.padEnd(16)} ${text(entry.email)} ${text(entry.code)}  (job ${text(entry.jobId)})`;
  if (entry.message === 'revocation needs offboarding')
    return `${time(entry)}  ${'awaits a person'.padEnd(16)} ${text(entry.email)}  (openai-invites offboarding list)`;
  if (entry.level === 'ERROR' || entry.level === 'CRITICAL')
    return `${time(entry)}  ${'error'.padEnd(16)} ${text(entry.message)}`;
  return undefined;
};

const parsed = (line: string): Entry | undefined => {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    // A log line (level and message), or a metric in CloudWatch's embedded format (`_aws`).
    return typeof value === 'object' &&
      value !== null &&
      (('level' in value && 'message' in value) || '_aws' in value)
      ? (value as Entry)
      : undefined;
  } catch {
    return undefined;
  }
};

/**
 * From now on, JSON log lines written to stdout or stderr go to `file`, and an outcome's readable
 * line to the terminal (stdout); everything else passes through.
 */
export const sortLogLines = (file: string): void => {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: string) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const raw =
        typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
      if (raw === undefined) return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      const kept: string[] = [];
      for (const line of raw.split('\n')) {
        const entry = parsed(line);
        if (!entry) {
          kept.push(line);
          continue;
        }
        appendFileSync(file, `${line}\n`, { mode: 0o600 });
        const readable = readableLine(entry);
        // Readable lines all go to stdout, in order with the banner's.
        if (readable && stream === process.stdout) kept.push(readable);
        else if (readable) process.stdout.write(`${readable}\n`);
      }
      const out = kept.join('\n');
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      if (out.replace(/\n/g, '') === '') {
        callback?.();
        return true;
      }
      return write(out);
    }) as typeof stream.write;
  }
};
