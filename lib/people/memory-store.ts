/**
 * A PersonStore in this process's memory (unit and integration tests). MINIMAL: ordering.ts
 * decides every declaration, as the DynamoDB and SQLite stores do inside their atomic writes.
 */
import { describeIntent } from './intent';
import { decideDeclaration, declaredByOf, eventIdsAfter } from './ordering';
import type { PersonStore } from './store';
import {
  type DeclareResult,
  type Declaration,
  type HistoryPage,
  MAX_HISTORY_PAGE,
  normaliseEmail,
  type Person,
  type PersonEvent,
  type PersonPatch,
} from './types';

const REFUSALS = {
  superseded: 'a newer declaration stands',
  replayed: 'a joiner event seen before never undoes a leaver',
} as const;

export class MemoryPersonStore implements PersonStore {
  readonly description = 'in memory (this process only)';
  readonly #people = new Map<string, Person>();
  /** Oldest first. */
  readonly #history = new Map<string, PersonEvent[]>();

  constructor(private readonly now: () => string = () => new Date().toISOString()) {}

  async get(email: string): Promise<Person | undefined> {
    const person = this.#people.get(normaliseEmail(email));
    return person && structuredClone(person);
  }

  async declare(declaration: Declaration): Promise<DeclareResult> {
    const email = normaliseEmail(declaration.email);
    const current = this.#people.get(email);
    const outcome = decideDeclaration(current, declaration);
    if (outcome === 'superseded' || outcome === 'replayed') {
      this.#appendTo(email, [this.#declarationEvent(declaration, 'refused', REFUSALS[outcome])]);
      return { outcome, person: structuredClone(current!) };
    }
    const person = this.#personOf(email, current);
    person.declaredEventIds = eventIdsAfter(current, declaration);
    if (outcome === 'applied') {
      person.intent = declaration.intent;
      person.declaredBy = declaredByOf(declaration);
      this.#appendTo(email, [this.#declarationEvent(declaration, 'declared')]);
    }
    this.#people.set(email, person);
    return { outcome, person: structuredClone(person) };
  }

  async update(email: string, patch: PersonPatch, events: PersonEvent[] = []): Promise<Person> {
    const key = normaliseEmail(email);
    const person = this.#personOf(key, this.#people.get(key));
    if (patch.observed) person.observed = patch.observed;
    if (patch.productInvite) {
      if (!person.productInviteIds.includes(patch.productInvite.id))
        person.productInviteIds.push(patch.productInvite.id);
      person.lastInvitedAt = patch.productInvite.at;
    }
    if (patch.awaiting === null) delete person.awaiting;
    else if (patch.awaiting) person.awaiting = patch.awaiting;
    this.#people.set(key, person);
    this.#appendTo(key, events);
    return structuredClone(person);
  }

  async append(email: string, events: PersonEvent[]): Promise<void> {
    this.#appendTo(normaliseEmail(email), events);
  }

  async history(email: string, options: { limit?: number } = {}): Promise<HistoryPage> {
    const limit = Math.min(Math.max(1, options.limit ?? MAX_HISTORY_PAGE), MAX_HISTORY_PAGE);
    const newestFirst = [...(this.#history.get(normaliseEmail(email)) ?? [])].reverse();
    return { events: structuredClone(newestFirst.slice(0, limit)), hasMore: newestFirst.length > limit };
  }

  async listAwaiting(): Promise<Person[]> {
    return [...this.#people.values()]
      .filter((person) => person.awaiting)
      .sort((a, b) => b.awaiting!.since.localeCompare(a.awaiting!.since))
      .map((person) => structuredClone(person));
  }

  /** A copy of the person to change, or a new one; `updatedAt` now. */
  #personOf(email: string, current: Person | undefined): Person {
    const now = this.now();
    return current
      ? { ...structuredClone(current), updatedAt: now }
      : { email, declaredEventIds: [], productInviteIds: [], createdAt: now, updatedAt: now };
  }

  #declarationEvent(declaration: Declaration, kind: 'declared' | 'refused', reason?: string): PersonEvent {
    return {
      kind,
      at: declaration.at,
      actor: declaration.source,
      detail: describeIntent(declaration.intent),
      ...(reason ? { reason } : {}),
    };
  }

  #appendTo(email: string, events: PersonEvent[]): void {
    if (events.length === 0) return;
    this.#history.set(email, [...(this.#history.get(email) ?? []), ...structuredClone(events)]);
  }
}
