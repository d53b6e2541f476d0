/**
 * Lanes: who is waiting for OpenAI's budget, in the order they are served (docs/rate-budget.md).
 *
 * - `leaver`: revocations and offboarding (a security action) — first, may take the last token;
 * - `interactive`: a person at a keyboard (the API functions) — next, may take the last token;
 * - `joiner`: invites from HR webhooks and SCIM;
 * - `bulk`: bulk jobs, the reconciler and the sweeper's backlogs — last; never the last token.
 *
 * The caller sets the lane around its work (`inLane('leaver', () => …)`); every OpenAI call made
 * inside, however deep, is budgeted in that lane (AsyncLocalStorage follows awaits and timers).
 * A call made outside any lane counts as `interactive`: the API functions set nothing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export const LANES = ['leaver', 'interactive', 'joiner', 'bulk'] as const;
export type Lane = (typeof LANES)[number];

/** 0 is served first. */
export const rankOf = (lane: Lane): number => LANES.indexOf(lane);

/** Lanes that may take the bucket's last token; the others leave `reserve` tokens for them. */
export const takesLastToken = (lane: Lane): boolean => lane === 'leaver' || lane === 'interactive';

/** The lanes served before `lane`. */
export const lanesAbove = (lane: Lane): Lane[] => LANES.slice(0, rankOf(lane));

export const DEFAULT_LANE: Lane = 'interactive';

const current = new AsyncLocalStorage<Lane>();

/**
 * Runs `work` with every OpenAI call inside it budgeted in `lane`.
 *
 * @example
 * await inLane('leaver', () => client.deleteInvite(inviteId, { deadline }));
 */
export const inLane = <T>(lane: Lane, work: () => T): T => current.run(lane, work);

/** The lane of the calling code (`interactive` outside any). */
export const currentLane = (): Lane => current.getStore() ?? DEFAULT_LANE;

export const isLane = (value: unknown): value is Lane =>
  typeof value === 'string' && (LANES as readonly string[]).includes(value);
