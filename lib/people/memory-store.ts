/**
 * People in this process's memory: unit tests and benchmarks (`npm start` keeps them in SQLite:
 * local/sqlite-people.ts). Same rules and answers as DynamoDbPersonStore; persons are copied in
 * and out, so a caller never changes one behind the store's back. Given a ledger, an email it
 * knows and the store does not reads as a person (legacy.ts).
 */
import type { Ledger } from '../ledger/ledger';
import { declarationChange, expiresAt, historyLimit, newestFirst, patchedPerson } from './changes';
import { claimChange } from './claims';
import { personFromLegacy } from './legacy';
import type { PersonStore } from './store';
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
} from './types';

const copy = <T>(value: T): T => structuredClone(value);

export interface MemoryPersonStoreOptions {
  /** Where records written before people existed are read from. */
  ledger?: Pick<Ledger, 'getInvite' | 'listNeedingAction'>;
  now?: () => Date;
  /** Days history events are kept (PERSON_HISTORY_DAYS). */
  historyDays?: number;
}

export class MemoryPersonStore implements PersonStore {
  readonly description = 'in memory (this process only)';
  readonly #people = new Map<string, Person>();
  readonly #history = new Map<string, { event: PersonEvent; seq: number }[]>();
  #seq = 0;
  readonly #ledger: MemoryPersonStoreOptions['ledger'];
  readonly #now: () => Date;
  readonly #historyDays: number;

  constructor(options: MemoryPersonStoreOptions = {}) {
    this.#ledger = options.ledger;
    this.#now = options.now ?? (() => new Date());
    this.#historyDays = options.historyDays ?? DEFAULT_HISTORY_DAYS;
  }

  async get(email: string): Promise<Person | undefined> {
    const person = await this.#read(normaliseEmail(email));
    return person && copy(person);
  }

  async declare(declaration: Declaration): Promise<DeclareResult> {
    const email = normaliseEmail(declaration.email);
    const legacy = await this.#legacy(email);
    // No await from here on: the read, the rule and the write are one step, as a transaction.
    const change = declarationChange(
      this.#people.get(email) ?? legacy,
      { ...copy(declaration), email },
      this.#now().toISOString(),
    );
    if (change.write) this.#people.set(email, copy(change.person!));
    this.#appendNow(email, change.events);
    return { outcome: change.outcome, person: copy(change.person ?? this.#people.get(email)!) };
  }

  async update(email: string, patch: PersonPatch, events: PersonEvent[] = []): Promise<Person> {
    const key = normaliseEmail(email);
    const legacy = await this.#legacy(key);
    const person = patchedPerson(
      this.#people.get(key) ?? legacy,
      key,
      copy(patch),
      this.#now().toISOString(),
    );
    this.#people.set(key, person);
    this.#appendNow(key, events);
    return copy(person);
  }

  async claimCreate(email: string, request: ClaimRequest): Promise<ClaimOutcome> {
    const key = normaliseEmail(email);
    const legacy = await this.#legacy(key);
    // No await from here on: the read, the rule and the write are one step.
    const change = claimChange(this.#people.get(key) ?? legacy, key, request, this.#now().toISOString());
    if (change.person) this.#people.set(key, copy(change.person));
    return copy(change.outcome);
  }

  async append(email: string, events: PersonEvent[]): Promise<void> {
    this.#appendNow(normaliseEmail(email), events);
  }

  async history(email: string, options: { limit?: number } = {}): Promise<HistoryPage> {
    const limit = historyLimit(options.limit, MAX_HISTORY_PAGE);
    const events = [...(this.#history.get(normaliseEmail(email)) ?? [])].sort(newestFirst);
    return {
      events: events.slice(0, limit).map((entry) => copy(entry.event)),
      hasMore: events.length > limit,
    };
  }

  async listAwaiting(): Promise<Person[]> {
    const legacy = (await this.#ledger?.listNeedingAction()) ?? [];
    const people = [
      ...[...this.#people.values()].filter((person) => person.awaiting),
      ...legacy.filter((record) => !this.#people.has(record.email)).map(personFromLegacy),
    ];
    return people.sort((a, b) => b.awaiting!.since.localeCompare(a.awaiting!.since)).map(copy);
  }

  async #read(email: string): Promise<Person | undefined> {
    return this.#people.get(email) ?? (await this.#legacy(email));
  }

  async #legacy(email: string): Promise<Person | undefined> {
    if (this.#people.has(email)) return undefined;
    const record = await this.#ledger?.getInvite(email);
    return record && personFromLegacy(record);
  }

  /** Appends events and drops those older than the retention, as DynamoDB's TTL does. */
  #appendNow(email: string, events: PersonEvent[]): void {
    if (events.length === 0) return;
    const now = this.#now().getTime() / 1000;
    const all = [
      ...(this.#history.get(email) ?? []),
      ...events.map((event) => ({ event: copy(event), seq: (this.#seq += 1) })),
    ];
    this.#history.set(
      email,
      all.filter((entry) => expiresAt(entry.event.at, this.#historyDays) > now),
    );
  }
}
