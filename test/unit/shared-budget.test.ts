import { describe, expect, it } from 'vitest';
import { SharedBudget } from '../../lib/budget/budget';
import { inLane, type Lane } from '../../lib/budget/lanes';
import { type BudgetStore, MemoryBudgetStore } from '../../lib/budget/store';
import { PacerPausedError } from '../../lib/bulk/errors';

const CREATE = { method: 'POST', url: 'https://api.openai.com/v1/organization/invites' };

/** A store that cannot be reached, as a DynamoDB that refuses connections. */
const unreachableStore = (): BudgetStore & { calls: number } => {
  const store = {
    description: 'unreachable',
    calls: 0,
    read: async () => {
      store.calls += 1;
      throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' });
    },
    write: async () => {
      store.calls += 1;
      throw new Error('unreachable');
    },
  };
  return store;
};

describe('SharedBudget', () => {
  it('serves the waiting callers of a container by lane, then by arrival', async () => {
    const budget = new SharedBudget({ store: new MemoryBudgetStore(), ceilingRps: 20, startRps: 20 });
    const order: Lane[] = [];
    const call = (lane: Lane) =>
      inLane(lane, async () => {
        await budget.take(CREATE);
        order.push(lane);
      });
    // The bucket's two tokens go first (bulk leaves the last one); then the queue is by lane.
    await Promise.all([
      call('bulk'),
      call('bulk'),
      call('bulk'),
      call('joiner'),
      call('interactive'),
      call('leaver'),
    ]);
    expect(order.slice(-4)).toEqual(['interactive', 'joiner', 'bulk', 'bulk']);
    expect(order.slice(0, 2)).toEqual(['bulk', 'leaver']);
  });

  it('a 429 pauses every caller of the endpoint until the wait OpenAI named', async () => {
    const budget = new SharedBudget({ store: new MemoryBudgetStore(), ceilingRps: 50, startRps: 50 });
    const ticket = await budget.take(CREATE);
    await budget.settle(ticket, 429, 400);
    const started = Date.now();
    await budget.take(CREATE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(budget.waitMs()).toBe(0);
  });

  it('a slot the container missed (it hung) is booked again, not sent between other callers’ calls', async () => {
    let skewMs = 0;
    const now = () => Date.now() + skewMs;
    const budget = new SharedBudget({ store: new MemoryBudgetStore(), ceilingRps: 5, startRps: 5, now });
    const [, , late] = await Promise.all([
      budget.take(CREATE),
      budget.take(CREATE),
      budget.take(CREATE).then((ticket) => ({ ticket, at: now() })),
      // The third call's slot is an interval (200 ms) ahead; the container "hangs" for 5 s before it.
      new Promise((resolve) => setTimeout(() => resolve((skewMs = 5_000)), 50)),
    ]);
    expect(budget.counts.rebooked).toBe(1);
    // Its new slot is at the time it woke, not the one it missed.
    expect(late.ticket.sentAt).toBeGreaterThanOrEqual(late.at - 50);
  });

  it('refuses, with nothing taken, a wait that would pass the deadline', async () => {
    const budget = new SharedBudget({ store: new MemoryBudgetStore(), ceilingRps: 1, startRps: 1 });
    const ticket = await budget.take(CREATE);
    await budget.settle(ticket, 429, 30_000);
    await expect(budget.take(CREATE, Date.now() + 5_000)).rejects.toBeInstanceOf(PacerPausedError);
  });

  it('without its store, paces alone at a conservative share, says so, and fails no call', async () => {
    const store = unreachableStore();
    const reasons: string[] = [];
    const budget = new SharedBudget({
      store,
      ceilingRps: 40,
      fallbackShare: 0.25,
      onDegraded: (reason) => reasons.push(reason),
    });
    const started = Date.now();
    for (let n = 0; n < 6; n += 1) await budget.take(CREATE, Date.now() + 10_000);
    const elapsed = Date.now() - started;
    expect(budget.degraded).toBe(true);
    expect(reasons).toEqual(['TimeoutError']);
    expect(budget.counts.local).toBe(6);
    // 10/s (a quarter of 40): six calls take about half a second, not the ceiling's 125 ms.
    expect(elapsed).toBeGreaterThanOrEqual(400);
    // The store is left alone meanwhile, not asked before every call.
    expect(store.calls).toBe(1);
  });
});
