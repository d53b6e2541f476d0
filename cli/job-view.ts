/**
 * How `job` and `bulk-invite --wait` show a job: on a terminal a progress bar redrawn in place,
 * elsewhere (a pipe, a CI log) one plain line per change; then the counts and the failures.
 */
import type { JobProgress } from '../lib/ledger/progress';
import { plural } from './plural';

export interface JobView {
  /** A new answer for the job (called on every poll). */
  update(job: JobProgress): void;
  /** The last answer: the counts and the failures. */
  finish(job: JobProgress): void;
}

/** Control characters out, so an email or reason cannot move the terminal's cursor. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const printable = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

const settled = (job: JobProgress): number => job.total - job.counts.pending;

const countsLine = ({ counts }: JobProgress): string =>
  `created ${counts.created}, already_invited ${counts.already_invited}, revoked ${counts.revoked}, failed ${counts.failed}, pending ${counts.pending}`;

/** Where a job's item came from (`FILE:LINE`), when the caller knows. */
export type ItemPlace = (index: number) => string | undefined;

const summary = (job: JobProgress, where?: ItemPlace): string[] => {
  const lines = [
    `Job ${printable(job.job_id)}: ${job.status === 'completed' ? 'completed' : 'in progress'}, ${settled(job)} of ${plural(job.total, 'invite')} settled (${countsLine(job)}).`,
  ];
  if (job.failures.length > 0) {
    lines.push(
      `Failures${job.counts.failed > job.failures.length ? ` (first ${job.failures.length} by index)` : ''}:`,
    );
    for (const failure of job.failures) {
      lines.push(
        `  ${where?.(failure.index) ?? `#${failure.index}`} ${printable(failure.email)}  ${printable(failure.code)}: ${printable(failure.message)}`,
      );
    }
    if (job.counts.failed > job.failures.length)
      lines.push(`  … and ${job.counts.failed - job.failures.length} more.`);
  }
  return lines;
};

/** One line per change; nothing when a poll brings nothing new. */
export const plainView = (write: (line: string) => void, where?: ItemPlace): JobView => {
  let last = '';
  return {
    update(job) {
      const line = `${printable(job.job_id)} ${job.status} ${settled(job)}/${job.total} settled: ${countsLine(job)}`;
      if (line !== last) write(line);
      last = line;
    },
    finish(job) {
      for (const line of summary(job, where)) write(line);
    },
  };
};

/** A bar redrawn in place on `stream` (a TTY), then the summary below it. */
export const terminalView = (stream: NodeJS.WriteStream, where?: ItemPlace): JobView => {
  const width = 30;
  let drawn = false;
  return {
    update(job) {
      drawn = true;
      const filled = Math.round((settled(job) / Math.max(1, job.total)) * width);
      const { counts } = job;
      const bar = `${printable(job.job_id)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${settled(job)}/${job.total}  created ${counts.created} · already ${counts.already_invited} · failed ${counts.failed} · pending ${counts.pending}`;
      // \r and "erase line": the bar replaces itself instead of scrolling.
      stream.write(`\r\u001b[2K${bar.slice(0, Math.max(20, (stream.columns ?? 120) - 1))}`);
    },
    finish(job) {
      // Below the bar, if one was drawn (`job` without --watch draws none).
      stream.write(`${drawn ? '\n' : ''}${summary(job, where).join('\n')}\n`);
    },
  };
};
