/**
 * The budget's rules (lib/budget/state.ts) against a model of OpenAI's limiter, in simulated time:
 * one caller always busy books its slots, an upstream token bucket of `limit(t)` calls/s answers
 * each call or refuses it (429, naming the wait until its next token, or naming none). Minutes of
 * traffic run in milliseconds, so the rules' figures (429 share, rate reached, recovery time) are
 * checked over hours of simulated time in a unit test.
 */
import { type BudgetState, initialState, take, throttled } from '../../lib/budget/state';

export interface SimulationOptions {
  /** The upstream's limit (calls/s) at time t (ms). */
  limit: (t: number) => number;
  /** OPENAI_RATE_LIMIT_RPS: the ceiling the budget never passes. */
  ceilingRps: number;
  /** How long to run (ms of simulated time). */
  durationMs: number;
  /** 429s name the wait (in the message, as OpenAI's do), or name none. */
  namedWait: boolean;
  /** The upstream bucket's depth (default max(2, limit)). */
  burst?: number;
  /** The longest wait a 429 names (default 6 s): an episode's refusals name a short wait. */
  maxNamedWaitMs?: number;
  /** Refuses the call at `at` whatever the bucket holds (an episode, a fault injected); asked once a call. */
  refuses?: (at: number) => boolean;
}

export interface SimulatedCall {
  at: number;
  accepted: boolean;
}

export interface Simulation {
  calls: SimulatedCall[];
  state: BudgetState;
  /** Accepted calls per second in [fromMs, toMs), as a share of the limit then (taken at fromMs). */
  rateShare(fromMs: number, toMs: number): number;
  /** Refused calls as a share of all calls in [fromMs, toMs). */
  refusedShare(fromMs?: number, toMs?: number): number;
}

export const simulate = (options: SimulationOptions): Simulation => {
  const depth = (limit: number) => options.burst ?? Math.max(2, limit);
  let state = initialState(0, options.ceilingRps);
  let tokens = depth(options.limit(0));
  let countedAt = 0;
  let now = 0;
  const calls: SimulatedCall[] = [];
  while (now < options.durationMs) {
    // The leaver lane books whatever slot comes: the caller is always waiting.
    const decision = take(state, 'leaver', now, options.ceilingRps);
    if (!decision.ok) {
      now += decision.waitMs;
      continue;
    }
    state = decision.state;
    const at = decision.slotAt;
    const limit = options.limit(at);
    tokens = Math.min(depth(limit), tokens + (limit * (at - countedAt)) / 1000);
    countedAt = at;
    const accepted = tokens >= 1 && !options.refuses?.(at);
    calls.push({ at, accepted });
    if (accepted) tokens -= 1;
    else {
      const untilToken = tokens >= 1 ? 1_000 : ((1 - tokens) / limit) * 1000;
      const waitMs = options.namedWait ? Math.min(options.maxNamedWaitMs ?? 6_000, untilToken) : undefined;
      state = throttled(state, { sentAt: at, waitMs }, at + 1, options.ceilingRps);
    }
    now = at + 1;
  }
  const within = (fromMs = 0, toMs = Infinity) => calls.filter((call) => call.at >= fromMs && call.at < toMs);
  return {
    calls,
    state,
    rateShare: (fromMs, toMs) =>
      within(fromMs, toMs).filter((call) => call.accepted).length /
      ((toMs - fromMs) / 1000) /
      options.limit(fromMs),
    refusedShare: (fromMs, toMs) => {
      const all = within(fromMs, toMs);
      return all.filter((call) => !call.accepted).length / all.length;
    },
  };
};
