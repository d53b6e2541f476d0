/**
 * One endpoint's shared budget as a value, and the pure rules that move it (docs/rate-budget.md):
 * a token bucket whose rate is learned from OpenAI's 429s. Stores (DynamoDB, SQLite, memory) keep
 * this value with a version; budget.ts reads it, applies a rule here, and writes it back on the
 * condition that the version did not move.
 *
 * - Refill: `rate` tokens a second up to `burst`. Time runs only forwards: a clock that goes back
 *   mints nothing, one that jumps ahead mints at most a full bucket (what the same idle time would
 *   give), and a writer whose clock ran ahead (`at` in the future) is not waited for.
 * - Learn, as a bracket: `good` is a rate OpenAI took through a busy spell, `bad` one it refused.
 *   A 429 while probing above `good` (after a busy spell there) makes the probe `bad` and goes back
 *   to `good`; a 429 at or below `good` (OpenAI lowered its limit) steps `good` down by a tenth;
 *   the first 429 of all halves the rate it came at. Only once per episode: a 429 to a call sent
 *   before the cut only lengthens the pause until the wait OpenAI named.
 * - Back off, not down: a 429 before OpenAI took any call since the bucket was made or the last
 *   pause ended (an episode, or another caller spending OpenAI's tokens) measures no rate of ours:
 *   it pauses, doubling the pause while the episode goes on, up to `maxPauseMs` or the wait OpenAI
 *   named, and leaves the rate alone. A long episode costs one call per pause, and when it ends
 *   the first call goes at the rate it started with, not at a rate halved by every refusal
 *   (which took minutes to climb back from).
 * - Probe: after a quiet spell at `good` (`probeCalls` calls, at least `probeHoldMs`) the rate
 *   steps up: × `probeStep` while nothing above is known to be refused, else halfway (in ratio) to
 *   `bad`; once within `tightRatio` of `bad`, it rests `restSpells` spells before trying `bad`
 *   itself (a limit OpenAI raised). So a rate is back at the limit within a minute or two of a
 *   wrong lesson, at about one 429 every few spells.
 * - Slow start: a new bucket doubles every `doublingMs` from `startRps` up to the ceiling, until
 *   the first 429.
 */
import { type Lane, takesLastToken } from './lanes';

export interface BudgetState {
  tokens: number;
  /** Epoch ms the tokens were counted at. */
  at: number;
  /** No call starts before this (the wait a 429 named). */
  pausedUntil: number;
  /** The rate right after the last cut, and when its growth starts (the end of that pause). */
  cutRate?: number;
  cutAt?: number;
  /** The highest rate OpenAI took through a busy spell since it last refused one (calls/s). */
  good?: number;
  /** The lowest rate OpenAI refused above `good`, while it stands. */
  bad?: number;
  /** Calls sent before this do not cut the rate again. */
  reactedAt: number;
  /**
   * When the last tokens were taken (at most MAX_TAKES): the calls sent between the end of one
   * pause and the call the next 429 answered are the ones OpenAI accepted, the measure's numerator.
   */
  takes: number[];
  /** When the last pause ended (or the bucket was made): the measure's window starts there. */
  windowStart: number;
  /** How long the last pause was (ms): a refusal right after it doubles it. */
  pauseMs?: number;
}

export const RULES = {
  doublingMs: 10_000,
  /** A 429 within a few calls of the last pause (or the first of all): half the rate is taken as good. */
  decrease: 0.5,
  /** A 429 at or below `good`: OpenAI's limit fell (or an episode began), `good` steps down. */
  stepDown: 0.95,
  /** Without a bracket: this factor up after each quiet spell… */
  probeStep: 1.5,
  /** …of this many calls at the rate reached… */
  probeCalls: 20,
  /** …or of this many once a probe was taken (a wrong lesson is undone in seconds)… */
  quickProbeCalls: 10,
  /** …and at least this long (a fast rate's spell would otherwise be a moment). */
  probeHoldMs: 5_000,
  /** A probe counts only when at least this share of a spell's calls were made (callers busy). */
  busyShare: 0.7,
  /** `bad` within this ratio of `good`: close enough, rest before trying `bad` again. */
  tightRatio: 1.1,
  restSpells: 2,
  /** A refusal right after a pause doubles it, up to this (or the wait OpenAI named, if longer). */
  maxPauseMs: 30_000,
  /** The longest first pause for a 429 that names no wait. */
  unnamedWaitMs: 1_000,
  /** Slow start from max(startRps, startShare × ceiling), at most the ceiling. */
  startRps: 1,
  startShare: 1 / 16,
  /** Never slower than one call a minute. */
  floorRps: 1 / 60,
  /** Tokens the lanes that may not take the last token leave in the bucket. */
  reserve: 1,
  /**
   * A bucket's depth: the reserve and one more. OpenAI's own bucket is unknown (a provider uses a
   * burst of 4 at 6 a minute); a shallow one never sends a volley that a lower limit answers 429.
   */
  burst: 2,
  /** How far ahead of ours another writer's clock may be before we stop trusting its `at`. */
  maxSkewMs: 5_000,
} as const;

const MAX_TAKES = 128;

/** Slow start: a new bucket runs at this share of the ceiling (doubling up), to measure before it floods. */
export const startRpsOf = (ceilingRps: number): number =>
  Math.min(ceilingRps, Math.max(RULES.startRps, ceilingRps * RULES.startShare));

/** A new bucket: full, in slow start from `startRps` (default startRpsOf the ceiling). */
export const initialState = (
  now: number,
  ceilingRps: number,
  startRps = startRpsOf(ceilingRps),
): BudgetState => ({
  tokens: burstOf(ceilingRps),
  at: now,
  pausedUntil: 0,
  cutRate: Math.min(ceilingRps, startRps),
  cutAt: now,
  reactedAt: -Infinity,
  takes: [],
  windowStart: now,
});

export const burstOf = (_rate: number): number => Math.max(1 + RULES.reserve, RULES.burst);

/** The rate at `now`: the ceiling until a 429 is seen; after a cut, doubling back, then probing. */
export const rateAt = (state: BudgetState, now: number, ceilingRps: number): number =>
  positionAt(state, now, ceilingRps).rate;

interface Position {
  rate: number;
  /** The rate held through the spell before this one, while probing above `good`. */
  held?: number;
}

/** Where the rate stands at `now`: climbing back after a cut, at `good`, or a probe above it. */
const positionAt = (state: BudgetState, now: number, ceilingRps: number): Position => {
  if (state.cutRate === undefined || state.cutAt === undefined) return { rate: ceilingRps };
  const target = Math.min(ceilingRps, state.good ?? ceilingRps);
  const elapsed = Math.max(0, now - state.cutAt);
  const climbMs = state.cutRate < target ? Math.log2(target / state.cutRate) * RULES.doublingMs : 0;
  if (elapsed < climbMs) return { rate: state.cutRate * 2 ** (elapsed / RULES.doublingMs) };
  if (state.good === undefined) return { rate: target };
  return probeAt(target, state.bad, elapsed - climbMs, ceilingRps);
};

/** A spell: `probeCalls` calls at `rate`, at least `probeHoldMs`. */
const spellMsOf = (rate: number, calls: number = RULES.probeCalls): number =>
  Math.max(RULES.probeHoldMs, (calls / rate) * 1000);

/** The probe after a spell held at `held`, and whether a rest comes first; undefined at the ceiling. */
export const nextProbe = (
  held: number,
  bad: number | undefined,
  ceilingRps: number,
): { rate: number; rest: boolean } | undefined => {
  if (held >= ceilingRps) return undefined;
  if (bad === undefined || held >= bad)
    return { rate: Math.min(ceilingRps, held * RULES.probeStep), rest: false };
  if (bad / held > RULES.tightRatio) return { rate: Math.sqrt(held * bad), rest: false };
  return { rate: Math.min(ceilingRps, bad), rest: true };
};

/** The probe `elapsedMs` after reaching `good`: each rate held a spell (a rest: several) before the next. */
export const probeAt = (
  good: number,
  bad: number | undefined,
  elapsedMs: number,
  ceilingRps: number,
): Position => {
  let position: Position = { rate: Math.min(good, ceilingRps) };
  let left = elapsedMs;
  for (;;) {
    const next = nextProbe(position.rate, bad, ceilingRps);
    if (!next) return position;
    // The first spell after a lesson is long; after a probe OpenAI took, the next comes sooner.
    const calls = position.held === undefined || next.rest ? RULES.probeCalls : RULES.quickProbeCalls;
    const spellMs = spellMsOf(position.rate, calls) * (next.rest ? RULES.restSpells : 1);
    if (left < spellMs) return position;
    left -= spellMs;
    position = { rate: next.rate, held: position.rate };
  }
};

/** The state's tokens counted up to `now` (never back in time; a future `at` is not waited for). */
export const refilled = (state: BudgetState, now: number, ceilingRps: number): BudgetState => {
  // Another writer's clock ran ahead: count from ours rather than wait for theirs, minting nothing.
  if (state.at > now + RULES.maxSkewMs) return { ...state, at: now };
  const from = Math.max(state.at, state.pausedUntil);
  if (now <= from) return state;
  const rate = rateAt(state, now, ceilingRps);
  const tokens = Math.min(burstOf(rate), state.tokens + (rate * (now - from)) / 1000);
  return { ...state, tokens, at: now };
};

export type TakeDecision = { ok: true; state: BudgetState; slotAt: number } | { ok: false; waitMs: number };

/**
 * Books the next call of `lane` at `now`: the slot it may be sent at (now, or a little later) and
 * the state with its token taken, or how long until it could book. Booking ahead means one write
 * per call and no polling: the caller sleeps until its slot. The tokens may go below zero (booked
 * slots not yet due). `leaver` and `interactive` book whatever slot comes (the caller refuses one
 * past its deadline: `maxDelayMs`); `joiner` and `bulk` book only when the slot is within one
 * interval and leave the reserve, so a higher lane that arrives waits about one interval, never
 * behind their backlog.
 */
export const take = (
  state: BudgetState,
  lane: Lane,
  now: number,
  ceilingRps: number,
  maxDelayMs = Infinity,
): TakeDecision => {
  const current = refilled(state, now, ceilingRps);
  const intervalMs = 1000 / rateAt(current, now, ceilingRps);
  const needed = 1 + (takesLastToken(lane) ? 0 : RULES.reserve);
  const refillAt = Math.max(now, current.at, current.pausedUntil);
  const slotAt = refillAt + Math.max(0, needed - current.tokens) * intervalMs;
  const horizon = takesLastToken(lane) ? maxDelayMs : Math.min(maxDelayMs, intervalMs);
  if (slotAt - now > horizon) return { ok: false, waitMs: slotAt - now - horizon };
  return {
    ok: true,
    slotAt,
    state: {
      ...current,
      tokens: current.tokens - 1,
      takes: [...current.takes.slice(-(MAX_TAKES - 1)), slotAt],
    },
  };
};

/** A 429 to a call sent at `sentAt`; `waitMs` the wait OpenAI named, if any. */
export const throttled = (
  state: BudgetState,
  answer: { sentAt: number; waitMs?: number },
  now: number,
  ceilingRps: number,
): BudgetState => {
  const rate = rateAt(state, now, ceilingRps);
  if (answer.sentAt < state.reactedAt || sentDuringPause(state, answer.sentAt)) {
    // Already cut for this episode (a call booked before the cut): only a longer wait matters.
    const refillAt = answer.sentAt + (answer.waitMs ?? unnamedWaitMs(rate));
    return refillAt > state.pausedUntil
      ? { ...state, pausedUntil: refillAt, tokens: Math.min(state.tokens, 1) }
      : state;
  }
  // Accepted: the calls sent from the window's start up to the one this 429 answered.
  const accepted = state.takes.filter((at) => at >= state.windowStart && at < answer.sentAt);
  if (refusedBeforeAnyAccepted(state, answer.sentAt, accepted.length))
    return backedOff(state, answer, now, rate);
  const { good, bad, cutRate } = lessonOf(state, answer.sentAt, accepted.length, ceilingRps);
  const pauseMs = answer.waitMs ?? unnamedWaitMs(cutRate);
  return {
    ...pausedAfter(state, answer.sentAt + pauseMs, now),
    cutRate,
    cutAt: answer.sentAt + pauseMs,
    good,
    bad,
    pauseMs,
  };
};

/**
 * What a 429 (news, not the same episode) to a call sent at `sentAt` teaches: a probe above a
 * rate held busy for a spell makes the bracket tighter; a refusal at or below `good` means the
 * limit fell (a step down; refused within a few calls of the last pause, the rate halves and
 * doubles back up to the lower `good`, as an episode's start does); the first refusal of all
 * halves the rate it came at.
 */
export const lessonOf = (
  state: BudgetState,
  sentAt: number,
  accepted: number,
  ceilingRps: number,
): { good: number; bad: number; cutRate: number } => {
  const position = positionAt(state, sentAt, ceilingRps);
  const busy = accepted >= RULES.probeCalls * RULES.busyShare;
  const bounded = (rate: number) => Math.max(RULES.floorRps, Math.min(ceilingRps, rate));
  if (state.good !== undefined && position.held !== undefined && busy)
    return { good: position.held, bad: position.rate, cutRate: position.held };
  // A step down from `good`, not from the rate refused: a refusal while climbing back (a volley
  // after a pause) must not ratchet `good` down to the climb's start.
  const good = bounded(
    state.good === undefined ? position.rate * RULES.decrease : state.good * RULES.stepDown,
  );
  const firstOfAll = state.good === undefined;
  const cutRate = busy || firstOfAll ? good : bounded(Math.min(good, position.rate) * RULES.decrease);
  return { good, bad: position.rate, cutRate };
};

/**
 * True when OpenAI refused a call with none accepted since the window began (the bucket was made
 * or the last pause ended): the refusal measures no rate of ours (an episode, or another caller
 * spent OpenAI's tokens), so it pauses and teaches nothing. A lesson needs calls OpenAI took.
 */
export const refusedBeforeAnyAccepted = (state: BudgetState, sentAt: number, accepted: number): boolean =>
  accepted === 0 && sentAt >= state.windowStart;

/** The refusal came soon after a pause: the same episode going on, so the pause doubles. */
const soonAfterPause = (state: BudgetState, sentAt: number): boolean =>
  Number.isFinite(state.reactedAt) && sentAt - state.windowStart < RULES.maxPauseMs;

/** A 429 that names no wait: two intervals at the rate cut to, at most a second (then doubling). */
const unnamedWaitMs = (rate: number): number => Math.min(RULES.unnamedWaitMs, 1000 / (rate * RULES.decrease));

/** A call sent before the last pause ended: booked ahead of the cut, it tells nothing new. */
const sentDuringPause = (state: BudgetState, sentAt: number): boolean =>
  Number.isFinite(state.reactedAt) && sentAt < state.windowStart;

/** A refusal that measures nothing: a pause (doubled while the episode goes on; OpenAI's longer wait wins), the rate left alone. */
const backedOff = (
  state: BudgetState,
  answer: { sentAt: number; waitMs?: number },
  now: number,
  rate: number,
): BudgetState => {
  const firstMs = unnamedWaitMs(rate);
  const lengthened = soonAfterPause(state, answer.sentAt)
    ? Math.min(RULES.maxPauseMs, 2 * (state.pauseMs ?? firstMs))
    : firstMs;
  const pauseMs = Math.max(answer.waitMs ?? 0, lengthened);
  // Growth towards the target starts again when this pause ends.
  return { ...pausedAfter(state, answer.sentAt + pauseMs, now), cutAt: answer.sentAt + pauseMs, pauseMs };
};

/** Every caller waits until `refillAt`; calls sent before `now` do not count as this episode's news. */
const pausedAfter = (state: BudgetState, refillAt: number, now: number): BudgetState => ({
  ...state,
  // When the wait ends OpenAI's limiter holds one call: so does this bucket (less what is booked).
  tokens: Math.min(state.tokens, 1),
  pausedUntil: Math.max(state.pausedUntil, refillAt),
  reactedAt: now,
  takes: [],
  windowStart: refillAt,
});
