/**
 * How a job item's recorded outcome may change, shared by every Ledger so they count alike.
 *
 * SQS delivers at least once and the dead-letter queue can be redriven, so one item may report
 * several outcomes. A success is never undone by a later report: a redelivered message whose
 * invite this job made reads `already_invited` the second time (creating is idempotent), and a
 * redelivery that then fails does not unmake the invite. A failure is replaced by any success
 * (a redrive that worked), and its reason by the latest failure's.
 */
import type { Outcome } from './types';

const RANK: Record<Outcome, number> = { failed: 0, already_invited: 1, created: 2, revoked: 2 };

export type Transition =
  /** Nothing to write: the item already says as much. */
  | { kind: 'keep' }
  /** Write the item; move one count from `from` (none for a new item) to `to`. */
  | { kind: 'move'; from?: Outcome; to: Outcome }
  /** Write the item's reason only (a failure reported again with a newer reason); counts stay. */
  | { kind: 'update-reason' };

/** What recording `next` for an item that holds `previous` (undefined: not recorded yet) does. */
export const transitionOf = (previous: Outcome | undefined, next: Outcome): Transition => {
  if (previous === undefined) return { kind: 'move', to: next };
  if (previous === 'failed' && next === 'failed') return { kind: 'update-reason' };
  if (RANK[next] > RANK[previous]) return { kind: 'move', from: previous, to: next };
  return { kind: 'keep' };
};
