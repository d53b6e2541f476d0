/**
 * Paces calls to a steady rate: each `take()` reserves the next free slot and waits for it, so
 * concurrent callers line up instead of bursting. `pauseFor` pushes every slot back, which is
 * how the bulk worker backs off when OpenAI answers 429.
 */
export class RateLimiter {
  readonly intervalMs: number;
  readonly #burst: number;
  #nextFreeAt = 0;

  constructor(
    readonly ratePerSecond: number,
    options: { burst?: number } = {},
  ) {
    if (!(ratePerSecond > 0)) throw new Error('ratePerSecond must be positive');
    this.intervalMs = 1000 / ratePerSecond;
    this.#burst = Math.max(1, options.burst ?? 1);
  }

  /** Resolves when the caller may make its call. */
  async take(): Promise<void> {
    const now = Date.now();
    // Unused slots from an idle spell count, up to `burst` of them.
    const slot = Math.max(this.#nextFreeAt, now - (this.#burst - 1) * this.intervalMs);
    this.#nextFreeAt = slot + this.intervalMs;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }

  /** No slot starts within the next `ms`. */
  pauseFor(ms: number): void {
    this.#nextFreeAt = Math.max(this.#nextFreeAt, Date.now() + ms);
  }
}
