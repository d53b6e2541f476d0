/**
 * The simulator's organization (invites and members) in `npm start`'s state store, so a restarted
 * `npm start` finds the invites it made and the people who accepted them (else it would invite
 * everyone again into an empty organization).
 */
import type { SimulatedInvite, SimulatedUser, SimulatorStore } from './openai-simulator';
import type { StateStore } from './state-store';

export class SqliteSimulatorOrganization implements SimulatorStore {
  constructor(private readonly store: StateStore) {
    // seq keeps the list order OpenAI pages in; an update keeps its row, so its place.
    store.db.exec(`
      CREATE TABLE IF NOT EXISTS simulator_invites (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        invite TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS simulator_users (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        user TEXT NOT NULL
      );
    `);
  }

  load(): SimulatedInvite[] {
    const rows = this.store.db.prepare('SELECT invite FROM simulator_invites ORDER BY seq').all() as {
      invite: string;
    }[];
    return rows.map((row) => JSON.parse(row.invite) as SimulatedInvite);
  }

  save(invite: SimulatedInvite): void {
    this.store.db
      .prepare(
        'INSERT INTO simulator_invites (id, invite) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET invite = excluded.invite',
      )
      .run(invite.id, JSON.stringify(invite));
  }

  remove(inviteId: string): void {
    this.store.db.prepare('DELETE FROM simulator_invites WHERE id = ?').run(inviteId);
  }

  loadUsers(): SimulatedUser[] {
    const rows = this.store.db.prepare('SELECT user FROM simulator_users ORDER BY seq').all() as {
      user: string;
    }[];
    return rows.map((row) => JSON.parse(row.user) as SimulatedUser);
  }

  saveUser(user: SimulatedUser): void {
    this.store.db
      .prepare(
        'INSERT INTO simulator_users (id, user) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET user = excluded.user',
      )
      .run(user.id, JSON.stringify(user));
  }

  removeUser(userId: string): void {
    this.store.db.prepare('DELETE FROM simulator_users WHERE id = ?').run(userId);
  }

  clear(): void {
    this.store.db.exec('DELETE FROM simulator_invites; DELETE FROM simulator_users;');
  }
}
