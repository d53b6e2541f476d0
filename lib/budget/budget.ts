/**
 * The shared budget as one container uses it (docs/rate-budget.md): every OpenAI call takes a
 * token of its endpoint's bucket in the store before it is sent (`take`) and reports how OpenAI
 * answered (`settle`). A take books the call's slot (state.ts `take`): one conditional write, then
 * the caller sleeps until its slot. Within the container, callers wait in one queue per endpoint
 * ordered by lane, so only the first asks the store; across containers, lower lanes book only a
 * slot within one interval, so a higher lane arriving anywhere is served about one interval later.
 *
 * Two shortcuts keep a lone warm caller's cost near nothing (docs/rate-budget.md, "How a take
 * works"): an idle endpoint (this container's fresh state shows a full bucket, nobody queued here)
 * sends at once and writes its booking beside the call; and a container that has not seen another
 * writer lately writes on its cached version without reading first (the condition checks it).
 *
 * When the store cannot be reached (down, throttled, timing out) the container paces alone at a
 * conservative share of the last rate it knew, says so (`onDegraded`, a metric), and tries the
 * store again after `storeRetryMs`: a call OpenAI would take is never failed for the budget's sake.
 */
import { endpointOf } from '../bulk/endpoint-pacers';
import { PacerPausedError } from '../bulk/errors';
import { AdaptivePacer } from '../bulk/pacer';
import { currentLane, type Lane, rankOf, takesLastToken } from './lanes';
import { type BudgetState, burstOf, initialState, rateAt, refilled, take, throttled } from './state';
import type { BudgetStore, Versioned } from './store';

export interface BudgetOptions {
  store: BudgetStore;
  /** Calls/s per endpoint for the whole fleet (OPENAI_RATE_LIMIT_RPS): the rate never exceeds it. */
  ceilingRps: number;
  /** A new bucket's first rate (slow start; default state.ts startRpsOf the ceiling). */
  startRps?: number;
  /** Without the store, this container paces at this share of the last known rate (default 0.25). */
  fallbackShare?: number;
  /** How long the store is left alone after it failed (default 30 s). */
  storeRetryMs?: number;
  /**
   * A cached state younger than this counts as the store's (default 50 ms): an idle bucket seen
   * within it lets a call go before its booking is written. Older, it is read again before a take
   * while other writers were seen within `sharedMs`.
   */
  freshMs?: number;
  /** How long a sign of another container's writes keeps this one reading before writing (default 60 s). */
  sharedMs?: number;
  /** The lanes that give up (PacerPausedError, the worker re-sends the record) past this wait. */
  maxWaitMs?: Partial<Record<Lane, number>>;
  /** Told when the container falls back to local pacing, and why (never holds a secret). */
  onDegraded?: (reason: string) => void;
  now?: () => number;
}

export interface BudgetRequest {
  method?: string;
  url: string | URL;
}

/** What `take` hands out and `settle` takes back. */
export interface Ticket {
  endpoint: string;
  sentAt: number;
  lane: Lane;
  local: boolean;
}

interface Waiter {
  lane: Lane;
  seq: number;
  deadline?: number;
  /** Its slot was missed once and booked again (a second miss goes as it is). */
  rebooked?: boolean;
  resolve: (ticket: Ticket) => void;
  reject: (error: unknown) => void;
}

interface Endpoint {
  name: string;
  cached?: Versioned;
  readAt: number;
  /** When a version this container did not write was last seen (another writer). */
  othersAt: number;
  /** When the calls sent beside their booking went (the idle shortcut), not yet stored. */
  beside: number[];
  /** The writer of those bookings, while it runs. */
  booking?: Promise<void>;
  waiters: Waiter[];
  pumping: boolean;
  wake?: () => void;
  fallback?: AdaptivePacer;
}

/** Takes `waiter` out of the queue (others may have been put ahead of it meanwhile). */
const removeWaiter = (endpoint: Endpoint, waiter: Waiter): void => {
  const index = endpoint.waiters.indexOf(waiter);
  if (index >= 0) endpoint.waiters.splice(index, 1);
};

/** Room left before a deadline for the call itself. */
const RESERVE_MS = 2_000;
/** A slot missed by more than this (the container hung, its event loop stalled) is booked again. */
const LATE_MS = 1_000;
const MAX_WRITE_ATTEMPTS = 8;

export class SharedBudget {
  readonly ceilingRps: number;
  readonly #options: BudgetOptions;
  readonly #now: () => number;
  readonly #endpoints = new Map<string, Endpoint>();
  #seq = 0;
  #storeDownUntil = 0;
  /** Calls made with the store, and without it (the bench and tests read these). */
  readonly counts = { shared: 0, local: 0, throttled: 0, degraded: 0, beside: 0, rebooked: 0 };

  constructor(options: BudgetOptions) {
    if (!(options.ceilingRps > 0)) throw new Error('ceilingRps must be positive');
    this.#options = options;
    this.ceilingRps = options.ceilingRps;
    this.#now = options.now ?? Date.now;
  }

  get store(): BudgetStore {
    return this.#options.store;
  }

  /** True while this container paces alone because the store failed. */
  get degraded(): boolean {
    return this.#now() < this.#storeDownUntil;
  }

  /** The rate the bucket of `request`'s endpoint allows now, as this container last saw it. */
  rateOf(request: BudgetRequest): number {
    const cached = this.#endpoint(endpointOf(request)).cached;
    return cached ? rateAt(cached.state, this.#now(), this.ceilingRps) : this.ceilingRps;
  }

  /** The learned rate of `request`'s endpoint, or undefined while this container has not read its bucket. */
  learnedRateOf(request: BudgetRequest): number | undefined {
    const cached = this.#endpoints.get(endpointOf(request))?.cached;
    return cached ? rateAt(cached.state, this.#now(), this.ceilingRps) : undefined;
  }

  /** How long until every endpoint this container knows takes calls again (a 429's pause). */
  waitMs(): number {
    const now = this.#now();
    return Math.max(
      0,
      ...[...this.#endpoints.values()].map((each) => (each.cached?.state.pausedUntil ?? 0) - now),
    );
  }

  /**
   * Resolves when the call may be sent, in the caller's lane; rejects with PacerPausedError
   * (nothing taken) when no token comes before `deadline` (less the time a call needs).
   */
  take(request: BudgetRequest, deadline?: number): Promise<Ticket> {
    const endpoint = this.#endpoint(endpointOf(request));
    return new Promise<Ticket>((resolve, reject) => {
      const waiter: Waiter = { lane: currentLane(), seq: this.#seq++, deadline, resolve, reject };
      endpoint.waiters.push(waiter);
      endpoint.waiters.sort((a, b) => rankOf(a.lane) - rankOf(b.lane) || a.seq - b.seq);
      // A caller of a higher lane than the one waiting at the head: look again now.
      if (endpoint.waiters[0] === waiter) endpoint.wake?.();
      if (!endpoint.pumping) void this.#pump(endpoint);
    });
  }

  /** How OpenAI answered the call of `ticket` (status undefined: no answer). */
  async settle(ticket: Ticket | undefined, status: number | undefined, waitMs?: number): Promise<void> {
    if (!ticket || status !== 429) return;
    this.counts.throttled += 1;
    const endpoint = this.#endpoint(ticket.endpoint);
    const answer = { sentAt: ticket.sentAt, waitMs };
    endpoint.fallback?.observe({ ...answer, status });
    if (this.degraded) return;
    try {
      await endpoint.booking;
      await this.#update(endpoint, (state, now) => throttled(state, answer, now, this.ceilingRps));
    } catch (error) {
      this.#degrade(error);
    }
    endpoint.wake?.();
  }

  #endpoint(name: string): Endpoint {
    let endpoint = this.#endpoints.get(name);
    if (!endpoint) {
      endpoint = { name, readAt: -Infinity, othersAt: -Infinity, waiters: [], pumping: false, beside: [] };
      this.#endpoints.set(name, endpoint);
    }
    return endpoint;
  }

  /** Serves the endpoint's waiters, first lane first, until none is left. */
  async #pump(endpoint: Endpoint): Promise<void> {
    endpoint.pumping = true;
    try {
      while (endpoint.waiters.length > 0) {
        const head = endpoint.waiters[0]!;
        let waitMs: number;
        try {
          waitMs = this.degraded
            ? await this.#takeLocally(endpoint, head)
            : await this.#takeShared(endpoint, head);
        } catch (error) {
          removeWaiter(endpoint, head);
          head.reject(error);
          continue;
        }
        if (waitMs === 0) continue;
        const now = this.#now();
        const limit = Math.min(
          head.deadline === undefined ? Infinity : head.deadline - RESERVE_MS - now,
          this.#options.maxWaitMs?.[head.lane] ?? Infinity,
        );
        // A lower lane waits locally for its turn to book; past its limit the worker re-sends it.
        if (waitMs > limit) {
          removeWaiter(endpoint, head);
          head.reject(new PacerPausedError(waitMs));
          continue;
        }
        // Jittered, so that containers waiting for the same slot do not all write at once.
        await this.#sleep(endpoint, Math.min(waitMs + Math.random() * Math.min(waitMs, 50), 1_000));
      }
    } finally {
      endpoint.pumping = false;
    }
  }

  /**
   * 0 when the head booked its slot (and is resolved at it), else how long until it may book.
   * Refuses (throws PacerPausedError) a slot past the head's deadline.
   */
  async #takeShared(endpoint: Endpoint, head: Waiter): Promise<number> {
    if (this.#idle(endpoint, head)) return this.#sendBeside(endpoint, head);
    const maxDelayMs = head.deadline === undefined ? Infinity : head.deadline - RESERVE_MS - this.#now();
    let waitMs = 0;
    let slotAt = 0;
    try {
      await endpoint.booking;
      const booked = await this.#update(endpoint, (state, now) => {
        const decision = take(state, head.lane, now, this.ceilingRps, maxDelayMs);
        waitMs = decision.ok ? 0 : decision.waitMs;
        slotAt = decision.ok ? decision.slotAt : 0;
        return decision.ok ? decision.state : undefined;
      });
      // Only a slot past the deadline stops a leaver or an interactive caller from booking.
      if (!booked && takesLastToken(head.lane)) throw new PacerPausedError(waitMs + Math.max(0, maxDelayMs));
      if (!booked) return Math.max(waitMs, 1);
    } catch (error) {
      if (error instanceof PacerPausedError) throw error;
      this.#degrade(error);
      return this.#takeLocally(endpoint, head);
    }
    this.counts.shared += 1;
    removeWaiter(endpoint, head);
    const ticket: Ticket = { endpoint: endpoint.name, sentAt: slotAt, lane: head.lane, local: false };
    const delayMs = slotAt - this.#now();
    if (delayMs <= 0) this.#sendAtSlot(endpoint, head, ticket);
    else setTimeout(() => this.#sendAtSlot(endpoint, head, ticket), delayMs);
    return 0;
  }

  /**
   * Lets the head go at its slot, unless the container missed the slot by more than LATE_MS (it
   * hung, or its event loop stalled): the bucket has handed that time to others since, and a call
   * sent now would land between theirs, so the head queues again and books a fresh slot (once).
   */
  #sendAtSlot(endpoint: Endpoint, head: Waiter, ticket: Ticket): void {
    if (head.rebooked || this.#now() - ticket.sentAt <= LATE_MS) {
      head.resolve(ticket);
      return;
    }
    this.counts.rebooked += 1;
    head.rebooked = true;
    endpoint.waiters.push(head);
    endpoint.waiters.sort((a, b) => rankOf(a.lane) - rankOf(b.lane) || a.seq - b.seq);
    if (!endpoint.pumping) void this.#pump(endpoint);
    else endpoint.wake?.();
  }

  /**
   * True when the head may go before its booking is written: it is alone in this container's queue,
   * and the state this container saw within `freshMs`, with its own bookings not yet written,
   * holds a full bucket and no pause now. Any lane: a full bucket keeps the reserve after one take,
   * and nobody waits for a token anywhere (a waiter would have booked it). Under contention the
   * bucket is never full, so this never applies there.
   */
  #idle(endpoint: Endpoint, head: Waiter): boolean {
    const { cached } = endpoint;
    const now = this.#now();
    if (!cached || endpoint.waiters.length !== 1 || endpoint.waiters[0] !== head) return false;
    if (!this.#fresh(endpoint)) return false;
    const view = endpoint.beside.reduce((state, at) => this.#takenAt(state, at), cached.state);
    const current = refilled(view, now, this.ceilingRps);
    return now >= current.pausedUntil && current.tokens >= burstOf(rateAt(current, now, this.ceilingRps));
  }

  /** `state` with a token taken by a call that went at `at`, whatever the bucket held (it may go below zero). */
  #takenAt(state: BudgetState, at: number): BudgetState {
    const forced = take(state, 'leaver', at, this.ceilingRps);
    if (!forced.ok) return state;
    // Recorded at the time the call went, for the measure of what OpenAI accepted.
    return { ...forced.state, takes: [...forced.state.takes.slice(0, -1), at] };
  }

  /**
   * The idle shortcut: the head is sent now and its token is booked beside the call, on the
   * store's state whatever it turned out to be. A lost race (another container took tokens since
   * this one looked) books it anyway: the tokens go below zero and the next takers wait that much
   * longer, so the fleet's rate over time is kept; a container sends at most a bucket early.
   */
  #sendBeside(endpoint: Endpoint, head: Waiter): number {
    const sentAt = this.#now();
    endpoint.beside.push(sentAt);
    endpoint.booking ??= this.#writeBeside(endpoint);
    this.counts.shared += 1;
    this.counts.beside += 1;
    removeWaiter(endpoint, head);
    head.resolve({ endpoint: endpoint.name, sentAt, lane: head.lane, local: false });
    return 0;
  }

  /** Writes the bookings made beside their calls, in order; those that piled up meanwhile in one write. */
  async #writeBeside(endpoint: Endpoint): Promise<void> {
    try {
      while (endpoint.beside.length > 0) {
        const batch = [...endpoint.beside];
        await this.#update(endpoint, (state) => batch.reduce((each, at) => this.#takenAt(each, at), state));
        endpoint.beside.splice(0, batch.length);
      }
    } catch (error) {
      endpoint.beside = [];
      this.#degrade(error);
    } finally {
      endpoint.booking = undefined;
    }
  }

  /**
   * Read-modify-write of the endpoint's state: `change` answers the state to write, or undefined
   * for nothing to write (then false). Retries on a lost race with the state the store answered.
   */
  async #update(
    endpoint: Endpoint,
    change: (state: BudgetState, now: number) => BudgetState | undefined,
  ): Promise<boolean> {
    const { store } = this.#options;
    const sharedMs = this.#options.sharedMs ?? 60_000;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
      const stale = !endpoint.cached || !this.#fresh(endpoint);
      // Alone lately: write on the cached version, the condition checks it, and a lost race
      // answers the stored state (no read). Shared: read first, a failed write costs more than a read.
      let read = false;
      if (!endpoint.cached || (stale && this.#now() - endpoint.othersAt < sharedMs)) {
        this.#learn(endpoint, await store.read(endpoint.name));
        read = true;
      }
      const now = this.#now();
      const next = change(
        endpoint.cached?.state ?? initialState(now, this.ceilingRps, this.#options.startRps),
        now,
      );
      if (!next) {
        // A stale state's "wait" may be wrong (a pause lifted, a rate raised): ask the store once.
        if (stale && !read) {
          this.#learn(endpoint, await store.read(endpoint.name));
          continue;
        }
        return false;
      }
      const written = await store.write(endpoint.name, next, endpoint.cached?.version);
      if (written.ok) {
        endpoint.cached = { state: next, version: written.version };
        endpoint.readAt = this.#now();
        return true;
      }
      this.#learn(endpoint, written.current);
    }
    return false;
  }

  /** The cached state was seen within `freshMs` (a clock gone back counts as stale: it proves nothing). */
  #fresh(endpoint: Endpoint): boolean {
    const age = this.#now() - endpoint.readAt;
    return age >= 0 && age <= (this.#options.freshMs ?? 50);
  }

  /** Keeps what the store answered, noting a version this container did not write (another writer). */
  #learn(endpoint: Endpoint, stored: Versioned | undefined): void {
    if (endpoint.cached && stored?.version !== endpoint.cached.version) endpoint.othersAt = this.#now();
    endpoint.cached = stored;
    endpoint.readAt = this.#now();
  }

  /** Without the store: a pacer of this container's own at a conservative share. */
  async #takeLocally(endpoint: Endpoint, head: Waiter): Promise<number> {
    if (!this.degraded) return this.#takeShared(endpoint, head);
    const known = endpoint.cached
      ? rateAt(endpoint.cached.state, this.#now(), this.ceilingRps)
      : this.ceilingRps;
    endpoint.fallback ??= new AdaptivePacer(Math.max(1 / 60, known * (this.#options.fallbackShare ?? 0.25)));
    endpoint.fallback.setDeadline(head.deadline);
    await endpoint.fallback.take();
    this.counts.local += 1;
    removeWaiter(endpoint, head);
    head.resolve({ endpoint: endpoint.name, sentAt: this.#now(), lane: head.lane, local: true });
    return 0;
  }

  #degrade(error: unknown): void {
    this.counts.degraded += 1;
    this.#storeDownUntil = this.#now() + (this.#options.storeRetryMs ?? 30_000);
    const reason = (error as Error)?.name ?? 'unknown';
    this.#options.onDegraded?.(reason);
  }

  #sleep(endpoint: Endpoint, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        endpoint.wake = undefined;
        resolve();
      }
      endpoint.wake = done;
    });
  }
}
