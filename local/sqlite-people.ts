/**
 * The people of `npm start`, in its state store (local/state-store.ts) beside the ledger, so
 * persons and their history outlive a restart. Same rules and answers as DynamoDbPersonStore
 * (lib/people/changes.ts): test/integration/people-store.test.ts runs one suite on all three.
 * Each change is one SQLite transaction (read, decide, write, history), so two writers at once
 * serialise as DynamoDB's conditional writes make them. An email with a ledger record and no
 * person row reads as a person (lib/people/legacy.ts). History older than the retention is
 * pruned as events are written.
 */
import { declarationChange, expiresAt, historyLimit, patchedPerson } from '../lib/people/changes';
import { claimChange, isLive } from '../lib/people/claims';
import { personFromLegacy } from '../lib/people/legacy';
import type { PersonStore } from '../lib/people/store';
import {
  type ClaimOutcome,
  type ClaimRequest,
  DEFAULT_HISTORY_DAYS,
  type DeclareResult,
  type Declaration,
  type HistoryPage,
  MAX_HISTORY_PAGE,
  normaliseEmail,
  type Person,
  type PersonEvent,
  type PersonPatch,
} from '../lib/people/types';
import { type InviteRecord, needsAction } from '../lib/ledger/types';
import type { StateStore } from './state-store';

// ledger_invites as local/sqlite-ledger.ts creates it (read here for records older than people).
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS ledger_invites (email TEXT PRIMARY KEY, record TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS people (email TEXT PRIMARY KEY, person TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS people_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    at TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    event TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS people_history_by_email ON people_history (email, at, seq);
  CREATE INDEX IF NOT EXISTS people_history_by_expiry ON people_history (expires_at);
`;

export interface SqlitePersonStoreOptions {
  now?: () => Date;
  /** Days history events are kept (PERSON_HISTORY_DAYS). */
  historyDays?: number;
}

export class SqlitePersonStore implements PersonStore {
  readonly description: string;
  readonly #now: () => Date;
  readonly #historyDays: number;

  constructor(
    private readonly store: StateStore,
    options: SqlitePersonStoreOptions = {},
  ) {
    store.db.exec(SCHEMA);
    this.description = `SQLite in ${store.location} (kept across restarts)`;
    this.#now = options.now ?? (() => new Date());
    this.#historyDays = options.historyDays ?? DEFAULT_HISTORY_DAYS;
  }

  async get(email: string): Promise<Person | undefined> {
    return this.store.transaction(() => this.#read(normaliseEmail(email)));
  }

  async declare(declaration: Declaration): Promise<DeclareResult> {
    const email = normaliseEmail(declaration.email);
    return this.store.transaction(() => {
      const change = declarationChange(this.#read(email), { ...declaration, email }, this.#nowIso());
      if (change.write) this.#put(change.person!);
      this.#append(email, change.events);
      return { outcome: change.outcome, person: change.person! };
    });
  }

  async update(email: string, patch: PersonPatch, events: PersonEvent[] = []): Promise<Person> {
    const key = normaliseEmail(email);
    return this.store.transaction(() => {
      const person = patchedPerson(this.#read(key), key, patch, this.#nowIso());
      this.#put(person);
      this.#append(key, events);
      return person;
    });
  }

  async claimCreate(email: string, request: ClaimRequest): Promise<ClaimOutcome> {
    const key = normaliseEmail(email);
    return this.store.transaction(() => {
      const change = claimChange(this.#read(key), key, request, this.#nowIso());
      if (change.person) this.#put(change.person);
      return change.outcome;
    });
  }

  async append(email: string, events: PersonEvent[]): Promise<void> {
    this.store.transaction(() => this.#append(normaliseEmail(email), events));
  }

  async history(email: string, options: { limit?: number } = {}): Promise<HistoryPage> {
    const limit = historyLimit(options.limit, MAX_HISTORY_PAGE);
    const rows = this.store.db
      .prepare('SELECT event FROM people_history WHERE email = ? ORDER BY at DESC, seq DESC LIMIT ?')
      .all(normaliseEmail(email), limit + 1) as { event: string }[];
    return {
      events: rows.slice(0, limit).map((row) => JSON.parse(row.event) as PersonEvent),
      hasMore: rows.length > limit,
    };
  }

  /** Reads every person and ledger record: `npm start` holds a few thousand at most. */
  async listAwaiting(): Promise<Person[]> {
    return this.store.transaction(() => {
      const people = (this.store.db.prepare('SELECT person FROM people').all() as { person: string }[])
        .map((row) => JSON.parse(row.person) as Person)
        .filter((person) => person.awaiting);
      const known = new Set(people.map((person) => person.email));
      const legacy = (
        this.store.db
          .prepare('SELECT record FROM ledger_invites WHERE email NOT IN (SELECT email FROM people)')
          .all() as { record: string }[]
      )
        .map((row) => JSON.parse(row.record) as InviteRecord)
        .filter(
          (record) =>
            !known.has(record.email) && record.lastOutcome === 'failed' && needsAction(record.failureCode),
        )
        .map(personFromLegacy);
      return [...people, ...legacy].sort((a, b) => b.awaiting!.since.localeCompare(a.awaiting!.since));
    });
  }

  /**
   * Ends every create claim still held, as if each had expired unsettled: only one `npm start`
   * uses the folder, so a held claim belongs to a run that is gone, and waiting out its deadline
   * would hold that person's invite back for a minute. The next holder looks at OpenAI first.
   */
  expireCreateClaims(): number {
    const now = this.#nowIso();
    return this.store.transaction(() => {
      const rows = this.store.db
        .prepare("SELECT person FROM people WHERE json_extract(person, '$.createClaim') IS NOT NULL")
        .all() as { person: string }[];
      let expired = 0;
      for (const row of rows) {
        const person = JSON.parse(row.person) as Person;
        if (!person.createClaim || !isLive(person.createClaim, now)) continue;
        this.#put({ ...person, createClaim: { ...person.createClaim, until: now } });
        expired += 1;
      }
      return expired;
    });
  }

  #nowIso(): string {
    return this.#now().toISOString();
  }

  #read(email: string): Person | undefined {
    const row = this.store.db.prepare('SELECT person FROM people WHERE email = ?').get(email) as
      { person: string } | undefined;
    if (row) return JSON.parse(row.person) as Person;
    const legacy = this.store.db.prepare('SELECT record FROM ledger_invites WHERE email = ?').get(email) as
      { record: string } | undefined;
    return legacy && personFromLegacy(JSON.parse(legacy.record) as InviteRecord);
  }

  #put(person: Person): void {
    this.store.db
      .prepare('INSERT OR REPLACE INTO people (email, person) VALUES (?, ?)')
      .run(person.email, JSON.stringify(person));
  }

  /** Appends events, and drops every event past its retention. */
  #append(email: string, events: PersonEvent[]): void {
    if (events.length === 0) return;
    const insert = this.store.db.prepare(
      'INSERT INTO people_history (email, at, expires_at, event) VALUES (?, ?, ?, ?)',
    );
    for (const event of events)
      insert.run(email, event.at, expiresAt(event.at, this.#historyDays), JSON.stringify(event));
    this.store.db
      .prepare('DELETE FROM people_history WHERE expires_at <= ?')
      .run(Math.floor(this.#now().getTime() / 1000));
  }
}
