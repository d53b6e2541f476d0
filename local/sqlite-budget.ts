/**
 * The shared budget of `npm start` (lib/budget/), in its state store (local/state-store.ts): one
 * row per endpoint, written on the condition that its version did not move, as the DynamoDB
 * store's conditional PutItem. A restart keeps what the budget learned of the upstream's limits.
 */
import type { BudgetState } from '../lib/budget/state';
import {
  type BudgetStore,
  decodeState,
  encodeState,
  type Versioned,
  type WriteResult,
} from '../lib/budget/store';
import type { StateStore } from './state-store';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS budget_buckets (
    endpoint TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    version INTEGER NOT NULL
  );
`;

export class SqliteBudgetStore implements BudgetStore {
  readonly description: string;

  constructor(private readonly store: StateStore) {
    store.db.exec(SCHEMA);
    this.description = `SQLite in ${store.location} (kept across restarts)`;
  }

  async read(endpoint: string): Promise<Versioned | undefined> {
    return this.#read(endpoint);
  }

  async write(endpoint: string, state: BudgetState, expected: number | undefined): Promise<WriteResult> {
    return this.store.transaction(() => {
      const current = this.#read(endpoint);
      if (current?.version !== expected) return { ok: false, current };
      const version = (expected ?? 0) + 1;
      this.store.db
        .prepare(
          'INSERT INTO budget_buckets (endpoint, state, version) VALUES (?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET state = excluded.state, version = excluded.version',
        )
        .run(endpoint, encodeState(state), version);
      return { ok: true, version };
    });
  }

  #read(endpoint: string): Versioned | undefined {
    const row = this.store.db
      .prepare('SELECT state, version FROM budget_buckets WHERE endpoint = ?')
      .get(endpoint) as { state: string; version: number } | undefined;
    return row && { state: decodeState(row.state), version: Number(row.version) };
  }
}
