import { describe, expect, it } from 'vitest';
import { initialState, rateAt, refilled, take, throttled, type BudgetState } from '../../lib/budget/state';

const CEILING = 10;
const T0 = 1_000_000;

/** A state with `tokens` tokens counted at `at`. */
const stateWith = (tokens: number, at = T0, extra: Partial<BudgetState> = {}): BudgetState => ({
  ...initialState(at, CEILING, CEILING),
  tokens,
  ...extra,
});

describe('budget state', () => {
  describe('refill and the clock', () => {
    it('a clock that goes back mints nothing', () => {
      const state = stateWith(0.5);
      expect(refilled(state, T0 - 60_000, CEILING).tokens).toBe(0.5);
    });

    it('a clock that jumps ahead mints at most a full bucket, what idle time would give', () => {
      const state = stateWith(0);
      expect(refilled(state, T0 + 3_600_000, CEILING).tokens).toBe(2);
    });

    it('a writer whose clock ran ahead is not waited for, and mints nothing', () => {
      const state = stateWith(0, T0 + 60_000);
      const now = refilled(state, T0, CEILING);
      expect(now.tokens).toBe(0);
      expect(refilled(now, T0 + 100, CEILING).tokens).toBeCloseTo(1, 5);
    });
  });

  describe('lanes', () => {
    it('bulk and joiners leave the last token: they book a slot one interval later', () => {
      const state = stateWith(1);
      const bulk = take(state, 'bulk', T0, CEILING);
      expect(bulk).toMatchObject({ ok: true, slotAt: T0 + 100 });
      expect(take(state, 'joiner', T0, CEILING)).toMatchObject({ ok: true, slotAt: T0 + 100 });
      expect(take(state, 'interactive', T0, CEILING)).toMatchObject({ ok: true, slotAt: T0 });
      expect(take(state, 'leaver', T0, CEILING)).toMatchObject({ ok: true, slotAt: T0 });
    });

    it('a lower lane books no further than one interval ahead; a higher one comes about an interval after it', () => {
      let state = stateWith(0);
      const first = take(state, 'bulk', T0, CEILING);
      expect(first.ok).toBe(false);
      state = stateWith(1);
      const booked = take(state, 'bulk', T0, CEILING);
      if (!booked.ok) throw new Error('bulk should book');
      expect(take(booked.state, 'bulk', T0, CEILING)).toEqual({ ok: false, waitMs: 100 });
      expect(take(booked.state, 'leaver', T0, CEILING)).toMatchObject({ ok: true, slotAt: T0 + 100 });
    });

    it('a caller refuses a slot past its deadline, booking nothing', () => {
      const state = stateWith(-50);
      expect(take(state, 'interactive', T0, CEILING, 2_000)).toEqual({ ok: false, waitMs: 3_100 });
    });
  });

  describe('learning the rate', () => {
    it('a 429 pauses every lane until the wait OpenAI named', () => {
      const cut = throttled(stateWith(5), { sentAt: T0, waitMs: 6_000 }, T0 + 10, CEILING);
      const decision = take(cut, 'leaver', T0 + 1_000, CEILING);
      expect(decision).toMatchObject({ ok: true, slotAt: T0 + 6_000 });
    });

    it('measures the rate of a busy window and runs below it', () => {
      // 60 calls sent in the 10 s before the call a 429 answered: 6/s allowed (busy at 10/s).
      const takes = Array.from({ length: 60 }, (_, n) => T0 + n * 166);
      const busy = stateWith(0, T0, { takes, windowStart: T0 });
      const cut = throttled(busy, { sentAt: T0 + 10_000, waitMs: 1_000 }, T0 + 10_000, CEILING);
      expect(cut.measured).toBeCloseTo(6, 5);
      expect(rateAt(cut, T0 + 11_000, CEILING)).toBeCloseTo(5.4, 5);
    });

    it('an idle window is only a lower bound: it halves, not below the measure', () => {
      const takes = Array.from({ length: 20 }, (_, n) => T0 + n * 500);
      const idle = stateWith(0, T0, { takes, windowStart: T0 });
      const cut = throttled(idle, { sentAt: T0 + 10_000, waitMs: 1_000 }, T0 + 10_000, CEILING);
      expect(rateAt(cut, T0 + 11_000, CEILING)).toBeCloseTo(5, 5);
    });

    it('a new bucket starts slow and doubles up to the ceiling', () => {
      const fresh = initialState(T0, 32);
      expect(rateAt(fresh, T0, 32)).toBe(2);
      expect(rateAt(fresh, T0 + 20_000, 32)).toBeCloseTo(8, 5);
      expect(rateAt(fresh, T0 + 120_000, 32)).toBe(32);
    });

    it('reacts once per episode: a 429 to an earlier call only lengthens the pause', () => {
      const once = throttled(stateWith(0), { sentAt: T0, waitMs: 1_000 }, T0 + 5, CEILING);
      const twice = throttled(once, { sentAt: T0 + 1, waitMs: 3_000 }, T0 + 6, CEILING);
      expect(twice.cutRate).toBe(once.cutRate);
      expect(twice.pausedUntil).toBe(T0 + 3_001);
    });

    it('after an episode, is back at 0.9 of the measure within about a minute', () => {
      let state = stateWith(0, T0, { measured: 2 });
      // Four minutes of 429s, one every 6 s.
      for (let t = T0; t < T0 + 240_000; t += 6_000)
        state = throttled(state, { sentAt: t, waitMs: 6_000 }, t + 1, CEILING);
      const recovered = state.pausedUntil;
      expect(rateAt(state, recovered, CEILING)).toBeLessThan(1);
      expect(rateAt(state, recovered + 60_000, CEILING)).toBeGreaterThanOrEqual(0.9 * 2);
    });

    it('never rises above the ceiling', () => {
      const state = stateWith(0, T0, { cutRate: 9, cutAt: T0, measured: 20 });
      expect(rateAt(state, T0 + 3_600_000, CEILING)).toBe(CEILING);
    });
  });
});
