/**
 * Which declaration stands (README, "People"). One rule set, applied by every PersonStore inside
 * its atomic write, so a declaration's fate does not depend on where it was stored:
 *
 * - An older event never overrides a newer one (ordered by the event's own time where the sender
 *   signs one, else by arrival).
 * - A joiner event the person has seen before, arriving again after a leaver, is a replay: it
 *   never undoes the leaver (timestamp-less senders, Greenhouse and BambooHR, can only be told
 *   apart this way). A repeated leaver is always taken: removing access is the safe direction.
 * - The same intent again changes nothing; the first declarer stays on record.
 */
import { authorityToRemove } from './authority';
import { sameIntent } from './intent';
import {
  DECLARED_EVENT_IDS_KEPT,
  type Declaration,
  type DeclareOutcome,
  type DeclaredBy,
  type Person,
} from './types';

/** What a store does with `declaration` given the person as it stands (undefined: new). */
export const decideDeclaration = (person: Person | undefined, declaration: Declaration): DeclareOutcome => {
  const current = person?.declaredBy;
  if (current && declaration.at < current.at) return 'superseded';
  if (
    declaration.intent.state === 'present' &&
    person?.intent?.state === 'absent' &&
    declaration.eventId !== undefined &&
    person.declaredEventIds.includes(declaration.eventId)
  )
    return 'replayed';
  // The same event from the same source again (a queued copy of a declaration already stored,
  // which may carry less of it: a bulk message has no groups) changes nothing.
  if (
    current &&
    declaration.eventId !== undefined &&
    current.eventId === declaration.eventId &&
    current.source === declaration.source &&
    person?.intent?.state === declaration.intent.state
  )
    return 'unchanged';
  if (person?.intent && sameIntent(person.intent, declaration.intent)) {
    // A leaver declared again by a source with more authority gains it (e.g. Okta after Greenhouse).
    const gainsAuthority =
      declaration.intent.state === 'absent' && !current?.removalAuthority && authorityToRemove(declaration);
    return gainsAuthority ? 'applied' : 'unchanged';
  }
  return 'applied';
};

/** The person's provenance after an applied declaration. */
export const declaredByOf = (declaration: Declaration): DeclaredBy => ({
  source: declaration.source,
  ...(declaration.eventId !== undefined ? { eventId: declaration.eventId } : {}),
  at: declaration.at,
  ...(declaration.intent.state === 'absent' && authorityToRemove(declaration)
    ? { removalAuthority: true }
    : {}),
});

/** The declared ids kept after this declaration (newest last, bounded). */
export const eventIdsAfter = (person: Person | undefined, declaration: Declaration): string[] => {
  const ids = person?.declaredEventIds ?? [];
  if (declaration.eventId === undefined || ids.includes(declaration.eventId)) return ids;
  return [...ids, declaration.eventId].slice(-DECLARED_EVENT_IDS_KEPT);
};
