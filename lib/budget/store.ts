/**
 * Where the shared budget lives: one versioned value per endpoint. `write` succeeds only when the
 * stored version is still `expected` (undefined: nothing stored yet); when it fails it answers
 * what is stored now, so the caller retries on fresh state without another read.
 */
import type { BudgetState } from './state';

export interface Versioned {
  state: BudgetState;
  version: number;
}

export type WriteResult = { ok: true; version: number } | { ok: false; current?: Versioned };

export interface BudgetStore {
  readonly description: string;
  read(endpoint: string): Promise<Versioned | undefined>;
  write(endpoint: string, state: BudgetState, expected: number | undefined): Promise<WriteResult>;
}

/** The stored form of a state (JSON: `-Infinity` does not survive it). */
export const encodeState = (state: BudgetState): string =>
  JSON.stringify({ ...state, reactedAt: Number.isFinite(state.reactedAt) ? state.reactedAt : null });

export const decodeState = (text: string): BudgetState => {
  const { measured, ...raw } = JSON.parse(text) as BudgetState & {
    reactedAt: number | null;
    measured?: number;
  };
  // A state written before the bracket (0.1.0's first budget) kept a measure: 0.9 of it was its good rate.
  const good = raw.good ?? (measured === undefined ? undefined : measured * 0.9);
  return { ...raw, reactedAt: raw.reactedAt ?? -Infinity, takes: raw.takes ?? [], ...(good ? { good } : {}) };
};

/** A store in this process only: tests, benchmarks, and a single-process `npm start` fallback. */
export class MemoryBudgetStore implements BudgetStore {
  readonly description = 'memory';
  readonly #items = new Map<string, { text: string; version: number }>();
  /** Writes attempted, conditional failures included (the bench's "writes per call"). */
  writes = 0;

  async read(endpoint: string): Promise<Versioned | undefined> {
    const item = this.#items.get(endpoint);
    return item && { state: decodeState(item.text), version: item.version };
  }

  async write(endpoint: string, state: BudgetState, expected: number | undefined): Promise<WriteResult> {
    this.writes += 1;
    const item = this.#items.get(endpoint);
    if (item?.version !== expected) return { ok: false, current: await this.read(endpoint) };
    const version = (expected ?? 0) + 1;
    this.#items.set(endpoint, { text: encodeState(state), version });
    return { ok: true, version };
  }
}
