/**
 * The simulator's organization (invites and members) in `npm start`'s state store, so a restarted
 * `npm start` finds the invites it made and the people who accepted them (else it would invite
 * everyone again into an empty organization).
 */
import type { SimulatedInvite, SimulatedUser, SimulatorStore } from './openai-simulator';
import type { StateStore } from './state-store';

/** Objects with an id, as JSON rows in list order: `seq` keeps the order OpenAI pages in, and an update keeps its row, so its place. */
class OrderedRows<T extends { id: string }> {
  constructor(
    private readonly store: StateStore,
    private readonly table: string,
  ) {
    store.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      body TEXT NOT NULL
    )`);
  }

  all(): T[] {
    const rows = this.store.db.prepare(`SELECT body FROM ${this.table} ORDER BY seq`).all() as {
      body: string;
    }[];
    return rows.map((row) => JSON.parse(row.body) as T);
  }

  put(item: T): void {
    this.store.db
      .prepare(
        `INSERT INTO ${this.table} (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body`,
      )
      .run(item.id, JSON.stringify(item));
  }

  delete(id: string): void {
    this.store.db.prepare(`DELETE FROM ${this.table} WHERE id = ?`).run(id);
  }

  clear(): void {
    this.store.db.exec(`DELETE FROM ${this.table}`);
  }
}

export class SqliteSimulatorOrganization implements SimulatorStore {
  readonly #invites: OrderedRows<SimulatedInvite>;
  readonly #users: OrderedRows<SimulatedUser>;

  constructor(store: StateStore) {
    this.#invites = new OrderedRows(store, 'simulator_invites');
    this.#users = new OrderedRows(store, 'simulator_users');
  }

  load = (): SimulatedInvite[] => this.#invites.all();
  save = (invite: SimulatedInvite): void => this.#invites.put(invite);
  remove = (inviteId: string): void => this.#invites.delete(inviteId);
  loadUsers = (): SimulatedUser[] => this.#users.all();
  saveUser = (user: SimulatedUser): void => this.#users.put(user);
  removeUser = (userId: string): void => this.#users.delete(userId);

  clear(): void {
    this.#invites.clear();
    this.#users.clear();
  }
}
