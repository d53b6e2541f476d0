/**
 * Adaptive pacing of one worker container's calls to one OpenAI endpoint (README, "Pacing";
 * endpoint-pacers.ts keeps one per endpoint).
 *
 * OpenAI does not publish the Admin API's limits (users report 7–10 requests a minute per endpoint), and its
 * 429s may carry the wait only in the message. So OPENAI_RATE_LIMIT_RPS / WORKER_MAX_CONCURRENCY
 * is a ceiling, and the pacer finds what OpenAI allows:
 *
 * - Calls start one interval (1 / rate) apart; a 429 pauses every call until the wait OpenAI
 *   named (`retry-after-ms`, `Retry-After`, or "…try again after 6.937 seconds."), and slots
 *   reserved before it are taken again.
 * - Measure, then decrease: right after a 429's wait the limiter holds exactly one call, and so
 *   it does at the next 429's; the calls it let through in between, over that time, are the
 *   rate it allows this container. If the pacer kept busy meanwhile (sent at ≥ half its rate)
 *   it drops to `headroom` × that rate (at least 10 % below the current one); otherwise the
 *   measure is only a lower bound and it halves, not below that bound; with no measure (no
 *   success in between, or no wait named) it halves.
 * - Increase: +`increase` (1 %) per accepted call, and doubling (slow start) while there is no
 *   measure yet or the rate is below the last one (after a long episode it returns in a few calls).
 * - During a long episode the rate stays at or above a quarter of the last measure (each 429's
 *   wait paces the calls anyway) and never below `floorRps`.
 *
 * A 429 answered to a call sent before the pacer last slowed down only extends the pause: the
 * pacer reacts once per episode, as TCP does per window. The state lives as long as the
 * container (runtime.ts keeps the worker), so a warm container starts at the rate it found.
 */
import { PacerPausedError } from './errors';

export const PACER_DEFAULTS = {
  /** Multiplicative decrease on a 429 that comes with no measurement. */
  decrease: 0.5,
  /** Run this far below a measured rate. */
  headroom: 0.9,
  /** A 429 always slows down at least this much (× rate). */
  minDecrease: 0.9,
  /** Additive increase per accepted call, as a share of the current rate. */
  increase: 0.005,
  /** Never slower than one call a minute (the window users report OpenAI refills). */
  floorRps: 1 / 60,
  /** A call must be able to start this long before the invocation's deadline to be attempted. */
  reserveMs: 2_000,
} as const;

export type PacerOptions = Partial<Record<keyof typeof PACER_DEFAULTS, number>> & {
  now?: () => number;
};

export class AdaptivePacer {
  readonly ceilingRps: number;
  readonly #options: Required<Omit<PacerOptions, 'now'>>;
  readonly #now: () => number;
  #rate: number;
  #nextFreeAt = 0;
  /** Bumped whenever a 429 pauses the pacer: slots reserved before it are taken again. */
  #generation = 0;
  /** Calls sent before this instant do not slow the pacer down again. */
  #reactedAt = -Infinity;
  /** When the last 429's wait ended (the limiter then held one call), and calls accepted since. */
  #windowStart?: number;
  #acceptedInWindow = 0;
  #sentInWindow = 0;
  /** The last measured rate. */
  #measuredRps?: number;
  #deadline?: number;

  constructor(ceilingRps: number, options: PacerOptions = {}) {
    if (!(ceilingRps > 0)) throw new Error('ceilingRps must be positive');
    const { now = Date.now, ...rest } = options;
    this.#options = { ...PACER_DEFAULTS, ...rest };
    this.#now = now;
    this.ceilingRps = ceilingRps;
    this.#rate = ceilingRps;
  }

  /** The current rate, calls per second. */
  get rate(): number {
    return this.#rate;
  }

  get measuredRps(): number | undefined {
    return this.#measuredRps;
  }

  now(): number {
    return this.#now();
  }

  /** How long until the next call may start. */
  waitMs(): number {
    return Math.max(0, this.#nextFreeAt - this.#now());
  }

  /** The current invocation's deadline: a slot later than it is refused (one invocation at a time). */
  setDeadline(deadline: number | undefined): void {
    this.#deadline = deadline;
  }

  /**
   * Resolves when the caller may make its call; throws PacerPausedError (nothing reserved) when
   * that would be too late for the invocation's deadline.
   */
  async take(): Promise<void> {
    for (;;) {
      const now = this.#now();
      const slot = Math.max(this.#nextFreeAt, now);
      if (this.#deadline !== undefined && slot > this.#deadline - this.#options.reserveMs) {
        throw new PacerPausedError(slot - now);
      }
      this.#nextFreeAt = slot + 1000 / this.#rate;
      const generation = this.#generation;
      if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
      if (generation === this.#generation) return;
    }
  }

  /** Tells the pacer how OpenAI answered a call sent at `sentAt`. */
  observe(answer: { sentAt: number; status: number; waitMs?: number }): void {
    if (this.#windowStart !== undefined && answer.sentAt >= this.#windowStart) this.#sentInWindow += 1;
    if (answer.status === 429) this.#throttled(answer.sentAt, answer.waitMs);
    else this.#accepted(answer.sentAt);
  }

  #accepted(sentAt: number): void {
    if (this.#windowStart !== undefined && sentAt >= this.#windowStart) this.#acceptedInWindow += 1;
    const { headroom, increase } = this.#options;
    // Slow start (doubling) until a measure exists, and back up to it after an episode.
    const target = this.#measuredRps === undefined ? Infinity : this.#measuredRps * headroom;
    const next = this.#rate < target ? Math.min(target, this.#rate * 2) : this.#rate * (1 + increase);
    this.#rate = Math.min(this.ceilingRps, next);
  }

  #throttled(sentAt: number, waitMs: number | undefined): void {
    const now = this.#now();
    if (sentAt < this.#reactedAt) {
      // Already reacted to this episode: only a longer wait matters.
      if (waitMs !== undefined && sentAt + waitMs > this.#nextFreeAt) this.#pauseUntil(sentAt + waitMs, now);
      return;
    }
    const { decrease, headroom, minDecrease, floorRps } = this.#options;
    const refillAt = sentAt + (waitMs ?? 1000 / (this.#rate * decrease));
    let next = this.#rate * decrease;
    if (waitMs !== undefined && this.#windowStart !== undefined && this.#acceptedInWindow > 0) {
      const seconds = (refillAt - this.#windowStart) / 1000;
      const measured = this.#acceptedInWindow / seconds;
      // Busy all along: the measure is the rate OpenAI allows this container. Idle part of the
      // time, it is only a lower bound (the limiter filled up meanwhile, to its burst at most).
      const busy = this.#sentInWindow / seconds >= 0.5 * this.#rate;
      next = Math.min(
        this.#rate * minDecrease,
        busy ? measured * headroom : Math.max(next, measured * headroom),
      );
      if (busy || measured > (this.#measuredRps ?? 0)) this.#measuredRps = measured;
    }
    // A long episode of 429s stays near the last measured rate: each 429's wait paces it anyway.
    const floor = Math.max(floorRps, (this.#measuredRps ?? 0) * decrease * decrease);
    this.#rate = Math.min(this.ceilingRps, Math.max(floor, next));
    this.#windowStart = waitMs === undefined ? undefined : refillAt;
    this.#acceptedInWindow = 0;
    this.#sentInWindow = 0;
    this.#reactedAt = now;
    this.#pauseUntil(refillAt, now);
  }

  /** Every call waits until `at`; slots reserved earlier are taken again at the new rate. */
  #pauseUntil(at: number, now: number): void {
    this.#nextFreeAt = Math.max(now, at);
    this.#generation += 1;
  }
}
