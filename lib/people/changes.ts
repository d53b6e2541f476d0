/**
 * What a write does to a person, as pure functions every PersonStore applies inside its atomic
 * step (a conditional write, a transaction): the stores differ in where they keep the result,
 * never in what it is.
 */
import { describeIntent } from './intent';
import { decideDeclaration, declaredByOf, eventIdsAfter } from './ordering';
import {
  type Declaration,
  type DeclareOutcome,
  normaliseEmail,
  type Person,
  type PersonEvent,
  type PersonPatch,
} from './types';

export interface DeclarationChange {
  outcome: DeclareOutcome;
  /** The person after the declaration (the same object when nothing is written). */
  person: Person | undefined;
  /** Whether the person must be written: applied, or a new event id recorded for replay detection. */
  write: boolean;
  /** The history events to append with it. */
  events: PersonEvent[];
}

/** A person the product has only just heard of. */
export const newPerson = (email: string, now: string): Person => ({
  email: normaliseEmail(email),
  declaredEventIds: [],
  productInviteIds: [],
  createdAt: now,
  updatedAt: now,
});

const describeDeclaration = (declaration: Declaration): string =>
  `${describeIntent(declaration.intent)}; event ${declaration.eventId ?? '(no id)'} of ${declaration.at}`;

/**
 * Applies ordering.ts's rule to a declaration. `unchanged` still records the event's id (a joiner
 * seen while the intent already stood is recognised if it is replayed after a leaver), without a
 * history event; `superseded` and `replayed` change nothing but add a `refused` event.
 */
export const declarationChange = (
  person: Person | undefined,
  declaration: Declaration,
  now: string,
): DeclarationChange => {
  const outcome = decideDeclaration(person, declaration);
  const actor = declaration.source;
  const detail = describeDeclaration(declaration);
  if (outcome === 'superseded' || outcome === 'replayed')
    return {
      outcome,
      person,
      write: false,
      events: [{ kind: 'refused', at: now, actor, reason: outcome, detail }],
    };
  const ids = eventIdsAfter(person, declaration);
  if (outcome === 'unchanged') {
    const known = person!;
    const write = ids.length !== known.declaredEventIds.length;
    return {
      outcome,
      person: write ? { ...known, declaredEventIds: ids, updatedAt: now } : known,
      write,
      events: [],
    };
  }
  const base = person ?? newPerson(declaration.email, now);
  return {
    outcome,
    person: {
      ...base,
      intent: declaration.intent,
      declaredBy: declaredByOf(declaration),
      declaredEventIds: ids,
      reinviteCount: 0,
      updatedAt: now,
    },
    write: true,
    events: [{ kind: 'declared', at: now, actor, detail }],
  };
};

/** The person after `patch` (created when the product never heard of them). */
export const patchedPerson = (
  person: Person | undefined,
  email: string,
  patch: PersonPatch,
  now: string,
): Person => {
  const next: Person = { ...(person ?? newPerson(email, now)), updatedAt: now };
  if (patch.observed !== undefined) next.observed = patch.observed;
  if (patch.productInvite) {
    const { id, at } = patch.productInvite;
    if (!next.productInviteIds.includes(id)) next.productInviteIds = [...next.productInviteIds, id];
    if (next.lastInvitedAt === undefined || at > next.lastInvitedAt) next.lastInvitedAt = at;
    if (patch.productInvite.reinvite) next.reinviteCount = (next.reinviteCount ?? 0) + 1;
  }
  if (patch.granted !== undefined) next.granted = patch.granted;
  if (patch.settleClaim !== undefined && next.createClaim?.token === patch.settleClaim)
    delete next.createClaim;
  if (patch.awaiting === null) delete next.awaiting;
  else if (patch.awaiting !== undefined) next.awaiting = patch.awaiting;
  if (patch.handledAt !== undefined) {
    next.handledAt = patch.handledAt;
    delete next.awaiting;
  }
  return next;
};

/** Newest first; a stable order for events of the same time (the later written first). */
export const newestFirst = <T extends { event: PersonEvent; seq: number }>(a: T, b: T): number =>
  b.event.at.localeCompare(a.event.at) || b.seq - a.seq;

/** The clamped page size of a history read: 1 to MAX_HISTORY_PAGE. */
export const historyLimit = (limit: number | undefined, max: number): number =>
  Math.max(1, Math.min(max, Math.floor(limit ?? max)));

/** The last moment an event written at `at` is kept. */
export const expiresAt = (at: string, days: number): number =>
  Math.floor(Date.parse(at) / 1000) + days * 86_400;
