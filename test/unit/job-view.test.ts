/** How `job --watch` draws a job on a terminal (the integration tests see the plain lines). */
import { describe, expect, it } from 'vitest';
import type { JobProgress } from '../../lib/ledger/progress';
import { terminalView } from '../../cli/job-view';

const progress = (created: number, failed: number, pending: number): JobProgress => ({
  object: 'organization.invite.bulk_job',
  job_id: 'wave-1',
  status: pending === 0 ? 'completed' : 'in_progress',
  total: created + failed + pending,
  counts: { created, already_invited: 0, revoked: 0, failed, pending },
  failures: failed
    ? [
        {
          index: 7,
          email: 'bad@example.com\u001b[2J',
          code: 'rejected',
          message: 'No.\r\nfake line',
          person: '/people/bad',
        },
      ]
    : [],
  created_at: 0,
  updated_at: 0,
});

const fakeTerminal = () => {
  let written = '';
  const stream = { columns: 200, write: (text: string) => ((written += text), true) };
  return { stream: stream as unknown as NodeJS.WriteStream, written: () => written };
};

describe('terminalView', () => {
  it('redraws one bar in place, then prints the counts and failures below it, control characters out', () => {
    const terminal = fakeTerminal();
    const view = terminalView(terminal.stream);

    view.update(progress(0, 0, 10));
    view.update(progress(5, 0, 5));
    view.update(progress(9, 1, 0));
    view.finish(progress(9, 1, 0));

    const [first, second, third] = terminal.written().split('\r\u001b[2K').slice(1);
    expect(first).toBe(
      'wave-1 [..............................] 0/10  created 0 · already 0 · failed 0 · pending 10',
    );
    expect(second).toBe(
      'wave-1 [###############...............] 5/10  created 5 · already 0 · failed 0 · pending 5',
    );
    expect(third).toContain('wave-1 [##############################] 10/10');
    expect(third).toContain(
      '\nJob wave-1: completed, 10 of 10 invites settled (created 9, already_invited 0, revoked 0, failed 1, pending 0).\nFailures:\n  #7 bad@example.com [2J  rejected: No.  fake line\n',
    );
    // The bar itself never scrolls: no newline until the summary.
    expect(terminal.written().indexOf('\n')).toBe(terminal.written().indexOf('\nJob wave-1'));
  });
});
