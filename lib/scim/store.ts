/**
 * SCIM Users and Groups, kept apart from people: several SCIM users may stand for one person (or
 * none), and identity providers read back exactly what they wrote. DynamoDB: the ledger table under
 * the `SCIM#` key prefix (dynamodb-store.ts); `npm start`: SQLite (local/sqlite-scim.ts); tests and
 * benchmarks: memory (here). Every store refuses a second User with the same `userName` (any case)
 * atomically, and a replace whose version moved on since it was read.
 */
import { uniqueness } from './errors';

export type ScimKind = 'User' | 'Group';

export interface ScimRecord {
  kind: ScimKind;
  /** The product's stable id (a UUID), the SCIM `id`. */
  id: string;
  /** The canonical resource (schema.ts) without `id` and `meta`. */
  resource: Record<string, unknown>;
  /** ISO-8601. */
  created: string;
  lastModified: string;
  /** 1 on create, +1 on every replace. */
  version: number;
  /** Users: the lower-cased `userName`, unique among users. */
  uniqueName?: string;
  /** Users: the person (email) it stands for, when it has a usable one. */
  person?: string;
  /** Groups: the OpenAI organization group it is bound to, when configured or created. */
  openaiGroupId?: string;
}

/** A replace lost a race with another writer: read again and retry. */
export class ScimVersionConflict extends Error {
  constructor(id: string) {
    super(`SCIM resource ${id} changed while it was being written.`);
    this.name = 'ScimVersionConflict';
  }
}

export interface ScimStore {
  readonly description: string;
  get(kind: ScimKind, id: string): Promise<ScimRecord | undefined>;
  /** Every record of a kind, oldest first. */
  list(kind: ScimKind): Promise<ScimRecord[]>;
  /** A 409 `uniqueness` ScimError when another User has its userName. */
  create(record: ScimRecord): Promise<void>;
  /** `record.version` must be the stored version + 1, else ScimVersionConflict. */
  replace(record: ScimRecord): Promise<void>;
  /** False when there was nothing to delete. */
  delete(kind: ScimKind, id: string): Promise<boolean>;
  /** The User whose lower-cased userName is `uniqueName` (Okta's `filter=userName eq`). */
  findByUniqueName(uniqueName: string): Promise<ScimRecord | undefined>;
  /** The Users that stand for a person (lower-cased email), oldest first. */
  usersOf(person: string): Promise<ScimRecord[]>;
}

export const duplicateUserName = (userName: string) =>
  uniqueness(`A User with userName ${JSON.stringify(userName.slice(0, 200))} already exists.`);

const copy = <T>(value: T): T => structuredClone(value);

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
};

/** In this process's memory: unit tests and benchmarks. */
export class MemoryScimStore implements ScimStore {
  readonly description = 'in memory (this process only)';
  readonly #records = new Map<string, ScimRecord>();

  async get(kind: ScimKind, id: string): Promise<ScimRecord | undefined> {
    const record = this.#records.get(`${kind}#${id}`);
    return record && copy(record);
  }

  /** Frozen records, not copies: a list of thousands is read per request, and never written through. */
  async list(kind: ScimKind): Promise<ScimRecord[]> {
    return [...this.#records.values()].filter((record) => record.kind === kind);
  }

  async create(record: ScimRecord): Promise<void> {
    this.#checkUnique(record);
    this.#records.set(`${record.kind}#${record.id}`, deepFreeze(copy(record)));
  }

  async replace(record: ScimRecord): Promise<void> {
    const stored = this.#records.get(`${record.kind}#${record.id}`);
    if (!stored || stored.version !== record.version - 1) throw new ScimVersionConflict(record.id);
    this.#checkUnique(record);
    this.#records.set(`${record.kind}#${record.id}`, deepFreeze(copy(record)));
  }

  async delete(kind: ScimKind, id: string): Promise<boolean> {
    return this.#records.delete(`${kind}#${id}`);
  }

  async findByUniqueName(uniqueName: string): Promise<ScimRecord | undefined> {
    const found = [...this.#records.values()].find(
      (record) => record.kind === 'User' && record.uniqueName === uniqueName,
    );
    return found && copy(found);
  }

  async usersOf(person: string): Promise<ScimRecord[]> {
    return [...this.#records.values()]
      .filter((record) => record.kind === 'User' && record.person === person)
      .map(copy);
  }

  #checkUnique(record: ScimRecord): void {
    if (!record.uniqueName) return;
    for (const other of this.#records.values())
      if (other.kind === record.kind && other.id !== record.id && other.uniqueName === record.uniqueName)
        throw duplicateUserName(String(record.resource.userName ?? record.uniqueName));
  }
}
