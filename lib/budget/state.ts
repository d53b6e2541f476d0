/**
 * One endpoint's shared budget as a value, and the pure rules that move it (docs/rate-budget.md):
 * a token bucket whose rate is learned from OpenAI's 429s. Stores (DynamoDB, SQLite, memory) keep
 * this value with a version; budget.ts reads it, applies a rule here, and writes it back on the
 * condition that the version did not move.
 *
 * - Refill: `rate` tokens a second up to `burst`. Time runs only forwards: a clock that goes back
 *   mints nothing, one that jumps ahead mints at most a full bucket (what the same idle time would
 *   give), and a writer whose clock ran ahead (`at` in the future) is not waited for.
 * - Learn: a 429 pauses every caller until the wait OpenAI named and cuts the rate: to 0.9 × the
 *   rate measured since the last pause when callers kept busy, else by half; only once per episode
 *   (a 429 to a call sent before the cut only lengthens the pause).
 * - Probe back: after a cut the rate doubles every `doublingMs` up to 0.9 × the measure (so after
 *   an episode it is back within about a minute, whatever the number of calls), then rises
 *   slowly (`probePerMinute`) towards the configured ceiling, to find a limit OpenAI raised.
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
  /** The last measured rate OpenAI allows (calls/s). */
  measured?: number;
  /** Calls sent before this do not cut the rate again. */
  reactedAt: number;
  /**
   * When the last tokens were taken (at most MAX_TAKES): the calls sent between the end of one
   * pause and the call the next 429 answered are the ones OpenAI accepted, the measure's numerator.
   */
  takes: number[];
  /** When the last pause ended (or the bucket was made): the measure's window starts there. */
  windowStart: number;
}

export const RULES = {
  doublingMs: 10_000,
  headroom: 0.9,
  minDecrease: 0.9,
  decrease: 0.5,
  /** After reaching 0.9 × the measure, the rate rises this share of it per minute. */
  probePerMinute: 0.1,
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
export const rateAt = (state: BudgetState, now: number, ceilingRps: number): number => {
  if (state.cutRate === undefined || state.cutAt === undefined) return ceilingRps;
  const target = Math.min(ceilingRps, (state.measured ?? ceilingRps) * RULES.headroom);
  const elapsed = Math.max(0, now - state.cutAt);
  if (state.cutRate >= target) {
    // Already at (or cut to no lower than) the target: probe slowly from where it was cut.
    return Math.min(ceilingRps, state.cutRate * (1 + (RULES.probePerMinute * elapsed) / 60_000));
  }
  const doublings = Math.log2(target / state.cutRate);
  const reachMs = doublings * RULES.doublingMs;
  if (elapsed < reachMs) return state.cutRate * 2 ** (elapsed / RULES.doublingMs);
  return Math.min(ceilingRps, target * (1 + (RULES.probePerMinute * (elapsed - reachMs)) / 60_000));
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
  const refillAt = answer.sentAt + (answer.waitMs ?? 1000 / (rate * RULES.decrease));
  if (answer.sentAt < state.reactedAt) {
    // Already cut for this episode: only a longer wait matters.
    return refillAt > state.pausedUntil
      ? { ...state, pausedUntil: refillAt, tokens: Math.min(state.tokens, 1) }
      : state;
  }
  let next = rate * RULES.decrease;
  let measured = state.measured;
  // Accepted: the calls sent from the window's start up to the one this 429 answered.
  const seconds = (answer.sentAt - state.windowStart) / 1000;
  const accepted = state.takes.filter((at) => at >= state.windowStart && at < answer.sentAt).length;
  if (answer.waitMs !== undefined && accepted > 1 && seconds > 0) {
    const measure = accepted / seconds;
    const busy = measure >= 0.5 * rate;
    next = Math.min(
      rate * RULES.minDecrease,
      busy ? measure * RULES.headroom : Math.max(next, measure * RULES.headroom),
    );
    if (busy || measure > (measured ?? 0)) measured = measure;
  }
  // A long episode stays near the last measure: each 429's wait paces the calls anyway.
  const floor = Math.max(RULES.floorRps, (measured ?? 0) * RULES.decrease * RULES.decrease);
  const cutRate = Math.min(ceilingRps, Math.max(floor, next));
  // When the wait ends OpenAI's limiter holds one call: so does this bucket (less what is booked).
  return {
    ...state,
    tokens: Math.min(state.tokens, 1),
    pausedUntil: Math.max(state.pausedUntil, refillAt),
    cutRate,
    cutAt: refillAt,
    measured,
    reactedAt: now,
    takes: [],
    windowStart: refillAt,
  };
};
