/**
 * The budget's own cost for a lone warm caller (lib/budget/budget.ts): an idle endpoint's call
 * goes before its booking is written, and a container alone writes without reading first. The
 * rules stay whole: a lost race is booked anyway (the next takers pay for it), and contention
 * never takes the shortcut.
 */
import { describe, expect, it } from 'vitest';
import { SharedBudget } from '../../lib/budget/budget';
import { type BudgetState } from '../../lib/budget/state';
import {
  type BudgetStore,
  MemoryBudgetStore,
  type Versioned,
  type WriteResult,
} from '../../lib/budget/store';

const CREATE = { method: 'POST', url: 'https://api.openai.com/v1/organization/invites' };
const ENDPOINT = 'POST /organization/invites';

/** A memory store that counts reads and can hold its writes until released. */
class HeldStore implements BudgetStore {
  readonly description = 'held';
  readonly inner = new MemoryBudgetStore();
  reads = 0;
  #held?: Promise<void>;
  #release?: () => void;

  hold(): void {
    this.#held = new Promise((resolve) => (this.#release = resolve));
  }

  release(): void {
    this.#release?.();
    this.#held = undefined;
  }

  async read(endpoint: string): Promise<Versioned | undefined> {
    this.reads += 1;
    return this.inner.read(endpoint);
  }

  async write(endpoint: string, state: BudgetState, expected: number | undefined): Promise<WriteResult> {
    await this.#held;
    return this.inner.write(endpoint, state, expected);
  }
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('SharedBudget, a lone warm caller', () => {
  it('sends at once on an idle endpoint and books the token beside the call', async () => {
    let now = 1_000_000;
    const store = new HeldStore();
    const budget = new SharedBudget({ store, ceilingRps: 100, startRps: 100, now: () => now });
    await budget.take(CREATE);
    now += 30; // fresh (under 50 ms) and refilled to a full bucket
    store.hold();
    const ticket = await budget.take(CREATE);
    expect(ticket.sentAt).toBe(now);
    expect(budget.counts.beside).toBe(1);
    expect((await store.inner.read(ENDPOINT))?.version).toBe(1);
    store.release();
    await settled();
    const stored = await store.inner.read(ENDPOINT);
    expect(stored?.version).toBe(2);
    expect(stored?.state.tokens).toBe(1);
    expect(stored?.state.takes.at(-1)).toBe(now);
    expect(store.inner.writes).toBe(2);
  });

  it('calls faster than the store keep going; the bookings that pile up go in one write', async () => {
    let now = 1_000_000;
    const store = new HeldStore();
    const budget = new SharedBudget({ store, ceilingRps: 10_000, startRps: 10_000, now: () => now });
    await budget.take(CREATE);
    const sent: number[] = [];
    now += 30;
    store.hold();
    for (let call = 0; call < 3; call += 1) {
      sent.push((await budget.take(CREATE)).sentAt);
      now += 1; // a millisecond refills the bucket at 10,000/s: idle again
    }
    expect(budget.counts.beside).toBe(3);
    store.release();
    await settled();
    // The first booking alone (it was in flight), then the two that waited for it in one write.
    expect(store.inner.writes).toBe(3);
    const stored = await store.inner.read(ENDPOINT);
    expect(stored?.state.takes.slice(-3)).toEqual(sent);
    expect(stored?.version).toBe(3);
  });

  it('waits for its write when the bucket is not full, or another caller is queued', async () => {
    let now = 1_000_000;
    const store = new HeldStore();
    const budget = new SharedBudget({ store, ceilingRps: 100, startRps: 100, now: () => now });
    await budget.take(CREATE);
    now += 1; // one token left: not idle
    store.hold();
    let resolved = false;
    const waiting = budget.take(CREATE).then(() => (resolved = true));
    await settled();
    expect(resolved).toBe(false);
    store.release();
    await waiting;
    expect(budget.counts.beside).toBe(0);
  });

  it('a clock gone back does not make an old state fresh: the call waits for its write', async () => {
    let now = 1_000_000;
    const store = new HeldStore();
    const budget = new SharedBudget({ store, ceilingRps: 100, startRps: 100, now: () => now });
    await budget.take(CREATE);
    now -= 60_000;
    store.hold();
    let resolved = false;
    const waiting = budget.take(CREATE).then(() => (resolved = true));
    await settled();
    expect(resolved).toBe(false);
    store.release();
    await waiting;
    expect(budget.counts.beside).toBe(0);
  });

  it('a lost race is booked anyway: the tokens go below zero and the next taker waits', async () => {
    let now = 1_000_000;
    const store = new MemoryBudgetStore();
    const a = new SharedBudget({ store, ceilingRps: 100, startRps: 100, now: () => now });
    const b = new SharedBudget({ store, ceilingRps: 100, startRps: 100, now: () => now });
    await a.take(CREATE);
    now += 30;
    // Another container empties the bucket after A last looked.
    await b.take(CREATE);
    await b.take(CREATE);
    expect((await store.read(ENDPOINT))?.state.tokens).toBe(0);
    // A's fresh view still shows a full bucket: it goes, and its booking lands on B's state.
    await a.take(CREATE);
    expect(a.counts.beside).toBe(1);
    await settled();
    expect((await store.read(ENDPOINT))?.state.tokens).toBe(-1);
    // B's next call pays for it: two intervals (10 ms each) from now, not one.
    const ticket = await b.take(CREATE);
    expect(ticket.sentAt - now).toBeCloseTo(20, 5);
  });

  it('alone, writes on its cached version without a read; after seeing another writer, reads first', async () => {
    let now = 1_000_000;
    const store = new HeldStore();
    const a = new SharedBudget({ store, ceilingRps: 100, startRps: 100, now: () => now });
    await a.take(CREATE);
    expect(store.reads).toBe(1);
    now += 5_000; // stale
    await a.take(CREATE);
    expect(store.reads).toBe(1);
    expect(store.inner.writes).toBe(2);
    // Another container writes; A's next write loses, answers the stored state, and retries on it.
    const b = new SharedBudget({ store: store.inner, ceilingRps: 100, startRps: 100, now: () => now });
    now += 5_000;
    await b.take(CREATE);
    now += 5_000;
    await a.take(CREATE);
    expect(store.reads).toBe(1);
    expect(store.inner.writes).toBe(5);
    // Shared now: a stale state is read before the write (a read is cheaper than a failed write).
    now += 5_000;
    await a.take(CREATE);
    expect(store.reads).toBe(2);
    expect(store.inner.writes).toBe(6);
  });
});
