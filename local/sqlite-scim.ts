/**
 * `npm start`'s SCIM Users and Groups (lib/scim/store.ts), in its state store beside people, so an
 * identity provider's view outlives a restart. A unique index on (kind, unique_name) refuses a
 * second User with the same userName; a replace is one transaction that checks the version.
 */
import {
  duplicateUserName,
  type ScimKind,
  type ScimRecord,
  type ScimStore,
  ScimVersionConflict,
} from '../lib/scim/store';
import type { StateStore } from './state-store';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS scim_resources (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    unique_name TEXT,
    person TEXT,
    record TEXT NOT NULL,
    PRIMARY KEY (kind, id)
  );
  CREATE UNIQUE INDEX IF NOT EXISTS scim_resources_unique_name ON scim_resources (kind, unique_name)
    WHERE unique_name IS NOT NULL;
  CREATE INDEX IF NOT EXISTS scim_resources_person ON scim_resources (kind, person) WHERE person IS NOT NULL;
`;

export class SqliteScimStore implements ScimStore {
  readonly description: string;
  #seq = 0;

  constructor(private readonly store: StateStore) {
    store.db.exec(SCHEMA);
    this.description = `SQLite in ${store.location} (kept across restarts)`;
    const { last } = store.db.prepare('SELECT MAX(seq) AS last FROM scim_resources').get() as {
      last: number | null;
    };
    this.#seq = last ?? 0;
  }

  async get(kind: ScimKind, id: string): Promise<ScimRecord | undefined> {
    const row = this.store.db
      .prepare('SELECT record FROM scim_resources WHERE kind = ? AND id = ?')
      .get(kind, id) as { record: string } | undefined;
    return row && (JSON.parse(row.record) as ScimRecord);
  }

  async list(kind: ScimKind): Promise<ScimRecord[]> {
    const rows = this.store.db
      .prepare('SELECT record FROM scim_resources WHERE kind = ? ORDER BY seq')
      .all(kind) as { record: string }[];
    return rows.map((row) => JSON.parse(row.record) as ScimRecord);
  }

  async create(record: ScimRecord): Promise<void> {
    this.store.transaction(() => {
      this.#checkUnique(record);
      this.store.db
        .prepare(
          'INSERT INTO scim_resources (kind, id, seq, unique_name, person, record) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(
          record.kind,
          record.id,
          ++this.#seq,
          record.uniqueName ?? null,
          record.person ?? null,
          JSON.stringify(record),
        );
    });
  }

  async replace(record: ScimRecord): Promise<void> {
    this.store.transaction(() => {
      const stored = this.store.db
        .prepare('SELECT record FROM scim_resources WHERE kind = ? AND id = ?')
        .get(record.kind, record.id) as { record: string } | undefined;
      if (!stored || (JSON.parse(stored.record) as ScimRecord).version !== record.version - 1)
        throw new ScimVersionConflict(record.id);
      this.#checkUnique(record);
      this.store.db
        .prepare(
          'UPDATE scim_resources SET unique_name = ?, person = ?, record = ? WHERE kind = ? AND id = ?',
        )
        .run(
          record.uniqueName ?? null,
          record.person ?? null,
          JSON.stringify(record),
          record.kind,
          record.id,
        );
    });
  }

  async delete(kind: ScimKind, id: string): Promise<boolean> {
    const result = this.store.db
      .prepare('DELETE FROM scim_resources WHERE kind = ? AND id = ?')
      .run(kind, id);
    return Number(result.changes) > 0;
  }

  async findByUniqueName(uniqueName: string): Promise<ScimRecord | undefined> {
    const row = this.store.db
      .prepare("SELECT record FROM scim_resources WHERE kind = 'User' AND unique_name = ?")
      .get(uniqueName) as { record: string } | undefined;
    return row && (JSON.parse(row.record) as ScimRecord);
  }

  async usersOf(person: string): Promise<ScimRecord[]> {
    const rows = this.store.db
      .prepare("SELECT record FROM scim_resources WHERE kind = 'User' AND person = ? ORDER BY seq")
      .all(person) as { record: string }[];
    return rows.map((row) => JSON.parse(row.record) as ScimRecord);
  }

  #checkUnique(record: ScimRecord): void {
    if (!record.uniqueName) return;
    const other = this.store.db
      .prepare('SELECT id FROM scim_resources WHERE kind = ? AND unique_name = ? AND id != ?')
      .get(record.kind, record.uniqueName, record.id);
    if (other) throw duplicateUserName(String(record.resource.userName ?? record.uniqueName));
  }
}
