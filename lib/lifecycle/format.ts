/**
 * A reconciler report as `terraform plan` prints one: a line per person that needs or got
 * something, with its reason, then the counts. Shared by `openai-invites sweep` and `reconcile`.
 */
import { describeTerms } from '../openai/invite-terms';
import type { ActionKind } from './plan-types';
import type { ActionOutcome, ReconcileReport } from './reconcile-run';

const SIGN: Record<ActionKind, string> = {
  offboard: '-',
  revoke: '-',
  await_person: '!',
  clear_awaiting: '~',
  replace: '~',
  reinvite: '+',
  invite: '+',
  drift: '?',
  unchanged: ' ',
};

const LABEL: Record<ActionKind, string> = {
  offboard: 'to offboard',
  revoke: 'to revoke',
  await_person: 'awaiting a person',
  clear_awaiting: 'off the offboarding list',
  replace: 'to replace',
  reinvite: 'to re-invite',
  invite: 'to invite',
  drift: 'drift (left for a person)',
  unchanged: 'unchanged',
};

/** What a dry run would have done, in the report's words ("would re-invite"). */
const WOULD: Record<ActionKind, string> = {
  offboard: 'would offboard',
  revoke: 'would revoke',
  await_person: 'would list for a person',
  clear_awaiting: 'would clear from the offboarding list',
  replace: 'would replace',
  reinvite: 'would re-invite',
  invite: 'would invite',
  drift: 'would leave for a person',
  unchanged: 'would leave unchanged',
};

const resultOf = (action: ActionOutcome, dryRun: boolean): string => {
  const result = action.result;
  if (!result) return dryRun && action.kind !== 'unchanged' ? `  [${WOULD[action.kind]}]` : '';
  if (result.status === 'done') return `  [done${result.inviteId ? ` ${result.inviteId}` : ''}]`;
  if (result.status === 'skipped') return `  [skipped: ${result.reason}]`;
  return `  [failed: ${result.code}]`;
};

/** One line per action (unchanged ones only with `verbose`), then the summary. */
export const formatReport = (report: ReconcileReport, { verbose = false } = {}): string[] => {
  const lines = report.actions
    .filter((action) => verbose || action.kind !== 'unchanged')
    .map((action) => {
      const terms = action.request ? ` -> ${describeTerms(action.request)}` : '';
      const current = action.current ? ` (${action.current}${terms})` : terms ? ` (${terms.slice(4)})` : '';
      return `${SIGN[action.kind]} ${action.kind.padEnd(14)} ${action.email}${current}: ${action.reason}${resultOf(action, report.dryRun)}`;
    });
  const counts = (Object.entries(report.counts) as [ActionKind, number][])
    .filter(([kind, count]) => count > 0 && kind !== 'unchanged')
    .map(([kind, count]) => `${count} ${LABEL[kind]}`)
    .join(', ');
  const what = report.dryRun ? 'Plan' : 'Applied';
  lines.push(
    '',
    `${what} (${report.actor}, ${report.invitesRead} invites and ${report.membersRead} members read): ${counts || 'nothing to do'}.`,
  );
  if (!report.dryRun) lines.push(`${report.applied} applied, ${report.failed} failed.`);
  if (report.membersLeftAlone)
    lines.push(
      `${report.membersLeftAlone} member(s) not on the roster are left alone (--offboard declares them absent).`,
    );
  if (report.refused) lines.push(`Refused: ${report.refused.message}`);
  return lines;
};
