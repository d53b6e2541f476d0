import { describe, expect, it } from 'vitest';
import { initialState } from '../../lib/budget/state';
import { type BudgetStore, decodeState, encodeState, MemoryBudgetStore } from '../../lib/budget/store';
import { SqliteBudgetStore } from '../../local/sqlite-budget';
import { StateStore } from '../../local/state-store';

const ENDPOINT = 'POST /organization/invites';

describe.each([
  ['memory', () => new MemoryBudgetStore()],
  ['SQLite (npm start)', () => new SqliteBudgetStore(StateStore.inMemory())],
])('budget store: %s', (_name, make: () => BudgetStore) => {
  it('writes only on the version it was read at, and answers what is stored when it lost', async () => {
    const store = make();
    const state = initialState(1_000, 10);
    expect(await store.read(ENDPOINT)).toBeUndefined();
    expect(await store.write(ENDPOINT, state, undefined)).toEqual({ ok: true, version: 1 });
    // A second writer that also saw nothing loses, and is told what won.
    const lost = await store.write(ENDPOINT, { ...state, tokens: 0 }, undefined);
    expect(lost).toEqual({ ok: false, current: { state, version: 1 } });
    expect(await store.write(ENDPOINT, { ...state, tokens: 0.5 }, 1)).toEqual({ ok: true, version: 2 });
    expect((await store.read(ENDPOINT))?.state.tokens).toBe(0.5);
    expect(await store.read('GET /organization/invites')).toBeUndefined();
  });
});

describe('stored budget states', () => {
  it('reads a state written before the bracket: 0.9 of its measure is its good rate', () => {
    const legacy = JSON.stringify({ ...initialState(1_000, 10), reactedAt: null, measured: 5 });
    expect(decodeState(legacy)).toMatchObject({ good: 4.5, reactedAt: -Infinity });
    expect(decodeState(legacy)).not.toHaveProperty('measured');
  });

  it('keeps what it writes, -Infinity included', () => {
    const state = { ...initialState(1_000, 10), good: 3, bad: 4 };
    expect(decodeState(encodeState(state))).toEqual(state);
  });
});
