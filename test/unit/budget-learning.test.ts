/**
 * The budget's learning rules over hours of simulated traffic (test/support/budget-simulation.ts):
 * a busy caller against a token bucket standing for OpenAI's limiter, 429s naming the wait or not.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../support/budget-simulation';

const MINUTE = 60_000;
const EPISODE_START = 3 * MINUTE;
const EPISODE_END = EPISODE_START + 4 * MINUTE;

describe.each([true, false])('learning the limit (429s name the wait: %s)', (namedWait) => {
  it.each([2, 8])('at %s/s, configured 10× over: ≥ 0.9 of the limit, ≤ 5 % answered 429', (limit) => {
    const run = simulate({ limit: () => limit, ceilingRps: limit * 10, durationMs: 10 * MINUTE, namedWait });
    expect(run.rateShare(2 * MINUTE, 10 * MINUTE)).toBeGreaterThanOrEqual(0.9);
    expect(run.refusedShare()).toBeLessThanOrEqual(0.05);
  });

  it('at OpenAI’s 8 a minute, configured 10× over: learned within 10 minutes, then ≤ 5 % answered 429', () => {
    const limit = 8 / 60;
    const run = simulate({
      limit: () => limit,
      ceilingRps: limit * 10,
      durationMs: 120 * MINUTE,
      namedWait,
      burst: 8,
    });
    expect(run.rateShare(10 * MINUTE, 120 * MINUTE)).toBeGreaterThanOrEqual(0.9);
    expect(run.refusedShare(10 * MINUTE, 120 * MINUTE)).toBeLessThanOrEqual(0.05);
  });

  it('through a four-minute all-429 episode: few calls during it, back at ≥ 0.9 of the limit within a minute after', () => {
    const limit = 2;
    const run = simulate({
      limit: () => limit,
      refuses: (t) => t >= EPISODE_START && t < EPISODE_END,
      ceilingRps: limit * 10,
      durationMs: EPISODE_END + 3 * MINUTE,
      namedWait,
    });
    const during = run.calls.filter((call) => call.at >= EPISODE_START && call.at < EPISODE_END);
    // One call a pause, the pause doubling to 30 s: about a dozen in four minutes.
    expect(during.length).toBeLessThanOrEqual(15);
    expect(run.rateShare(EPISODE_END + MINUTE, EPISODE_END + 2 * MINUTE)).toBeGreaterThanOrEqual(0.9);
  });

  it('an episode already on when the bucket is made (configured at the limit): the refused first call teaches no rate', () => {
    const limit = 2;
    const run = simulate({
      limit: () => limit,
      refuses: (t) => t < 4 * MINUTE,
      ceilingRps: limit,
      durationMs: 7 * MINUTE,
      namedWait,
    });
    expect(run.calls.filter((call) => call.at < 4 * MINUTE).length).toBeLessThanOrEqual(15);
    expect(run.rateShare(5 * MINUTE, 6 * MINUTE)).toBeGreaterThanOrEqual(0.9);
  });

  it('a limit OpenAI lowers is learned within two minutes; one it raises within three', () => {
    const fall = simulate({
      limit: (t) => (t < 4 * MINUTE ? 4 : 2),
      ceilingRps: 40,
      durationMs: 10 * MINUTE,
      namedWait,
    });
    expect(fall.rateShare(6 * MINUTE, 10 * MINUTE)).toBeGreaterThanOrEqual(0.9);
    expect(fall.refusedShare(6 * MINUTE, 10 * MINUTE)).toBeLessThanOrEqual(0.05);
    const rise = simulate({
      limit: (t) => (t < 4 * MINUTE ? 1 : 4),
      ceilingRps: 40,
      durationMs: 10 * MINUTE,
      namedWait,
    });
    expect(rise.rateShare(7 * MINUTE, 10 * MINUTE)).toBeGreaterThanOrEqual(0.9);
  });

  it('five refusals in a row where there is no limit (a fault): back at the ceiling within a minute of the backoff', () => {
    let refusals = 0;
    const run = simulate({
      limit: () => 1_000,
      burst: 1_000,
      refuses: (t) => t >= 30_000 && refusals++ < 5,
      ceilingRps: 5,
      durationMs: 5 * MINUTE,
      namedWait,
    });
    const last = run.calls.filter((call) => !call.accepted).at(-1)!.at;
    const minuteAfter = run.calls.filter((call) => call.at >= last + MINUTE && call.at < last + 2 * MINUTE);
    expect(minuteAfter.length / 60).toBeGreaterThanOrEqual(0.9 * 5);
  });

  it('never sends above the ceiling', () => {
    const run = simulate({ limit: () => 100, ceilingRps: 5, durationMs: 5 * MINUTE, namedWait });
    expect(run.calls.length / 300).toBeLessThanOrEqual(5 * 1.01);
    expect(run.refusedShare()).toBe(0);
  });
});
