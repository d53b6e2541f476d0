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

/** A new bucket whose first three calls (100 ms apart) OpenAI took. */
const firstAccepted = (): BudgetState => stateWith(0, T0, { takes: [T0, T0 + 100, T0 + 200] });

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

    it('the first 429 of all takes half the rate it came at as good, and the rate as refused', () => {
      const cut = throttled(firstAccepted(), { sentAt: T0 + 300, waitMs: 1_000 }, T0 + 305, CEILING);
      expect(cut).toMatchObject({ good: 5, bad: 10, cutRate: 5, pausedUntil: T0 + 1_300 });
      expect(rateAt(cut, T0 + 1_300, CEILING)).toBe(5);
    });

    it('a 429 before OpenAI took any call (an episode already on) pauses and teaches no rate', () => {
      const paused = throttled(stateWith(0), { sentAt: T0, waitMs: 1_000 }, T0 + 5, CEILING);
      expect(paused.pausedUntil).toBe(T0 + 1_000);
      expect([paused.good, paused.bad]).toEqual([undefined, undefined]);
      expect(rateAt(paused, T0 + 1_000, CEILING)).toBe(CEILING);
    });

    it('a probe refused after a busy spell goes back to the rate held, and the next probe is halfway to the refusal', () => {
      // Good at 4/s since T0; after a spell of 20 calls (5 s at least) the rate steps up × 1.5.
      const good = stateWith(0, T0, { good: 4, cutRate: 4, cutAt: T0, reactedAt: T0 - 1, windowStart: T0 });
      expect(rateAt(good, T0 + 4_000, CEILING)).toBe(4);
      expect(rateAt(good, T0 + 6_000, CEILING)).toBe(6);
      const takes = Array.from({ length: 24 }, (_, n) => T0 + n * 250);
      const refused = throttled({ ...good, takes }, { sentAt: T0 + 6_500, waitMs: 500 }, T0 + 6_501, CEILING);
      expect(refused).toMatchObject({ good: 4, bad: 6, cutRate: 4 });
      expect(rateAt(refused, T0 + 7_000 + 5_500, CEILING)).toBeCloseTo(Math.sqrt(24), 5);
    });

    it('a refusal at the good rate (the limit fell) steps good down; refused within a few calls, the rate halves and doubles back', () => {
      const good = stateWith(0, T0, { good: 4, cutRate: 4, cutAt: T0, reactedAt: T0 - 1, windowStart: T0 });
      const busy = Array.from({ length: 16 }, (_, n) => T0 + n * 250);
      const fell = throttled(
        { ...good, takes: busy },
        { sentAt: T0 + 4_000, waitMs: 500 },
        T0 + 4_001,
        CEILING,
      );
      expect(fell).toMatchObject({ good: 3.8, cutRate: 3.8 });
      const soon = throttled(
        { ...good, takes: busy.slice(0, 3) },
        { sentAt: T0 + 800, waitMs: 500 },
        T0 + 801,
        CEILING,
      );
      expect(soon).toMatchObject({ good: 3.8, cutRate: 1.9 });
      expect(rateAt(soon, T0 + 1_300 + 10_000, CEILING)).toBeCloseTo(3.8, 5);
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

    it('a refusal right after a pause doubles the pause (to 30 s, or the wait named) and leaves the rate alone', () => {
      const cut = throttled(firstAccepted(), { sentAt: T0 + 300, waitMs: 1_000 }, T0 + 305, CEILING);
      let state = cut;
      const pauses: number[] = [];
      for (let n = 0; n < 7; n += 1) {
        const sentAt = state.pausedUntil;
        state = throttled(state, { sentAt, waitMs: 1_000 }, sentAt + 5, CEILING);
        pauses.push(state.pausedUntil - sentAt);
      }
      expect(pauses).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
      expect(state.good).toBe(cut.good);
      expect(rateAt(state, state.pausedUntil, CEILING)).toBe(cut.good);
      const named = throttled(
        state,
        { sentAt: state.pausedUntil, waitMs: 45_000 },
        state.pausedUntil + 5,
        CEILING,
      );
      expect(named.pausedUntil - state.pausedUntil).toBe(45_000);
    });

    it('never rises above the ceiling', () => {
      const state = stateWith(0, T0, { cutRate: 9, cutAt: T0, good: 20, reactedAt: T0 });
      expect(rateAt(state, T0 + 3_600_000, CEILING)).toBe(CEILING);
    });
  });
});
