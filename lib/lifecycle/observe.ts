/**
 * What OpenAI shows for a person, as the person record keeps it, and the history events a change
 * of it means: a member appearing where the product's invite was pending is "observed accepted"
 * (OpenAI sends no event for it), a member disappearing is "observed gone".
 */
import { observedInviteOf } from '../people/observed';
import type { Observed, PersonEvent } from '../people/types';
import type { PersonState } from './plan-types';
import { heldInvites } from './rules';

/** The invite that says most (live pending, else accepted, else the newest expired) and the member. */
export const observedOf = (state: PersonState, now: number, seenAt: string): Observed => {
  const { live, accepted, expired } = heldInvites(state, now);
  const invite = live ?? accepted ?? expired;
  return {
    ...(invite ? { invite: observedInviteOf(invite) } : {}),
    ...(state.member ? { member: { userId: state.member.id, role: state.member.role } } : {}),
    seenAt,
  };
};

const sameObservation = (a: Observed | undefined, b: Observed): boolean => {
  const { seenAt: _a, ...left } = a ?? { seenAt: '' };
  const { seenAt: _b, ...right } = b;
  return JSON.stringify(left) === JSON.stringify(right);
};

/** The observation to write (undefined: unchanged) and the events it means. */
export const observationChange = (
  state: PersonState,
  now: number,
  seenAt: string,
  actor: string,
): { observed: Observed; events: PersonEvent[] } | undefined => {
  const observed = observedOf(state, now, seenAt);
  const before = state.person?.observed;
  if (sameObservation(before, observed)) return undefined;
  const events: PersonEvent[] = [];
  if (observed.member && !before?.member) {
    const { accepted } = heldInvites(state, now);
    const ours = accepted !== undefined && state.person?.productInviteIds.includes(accepted.id);
    events.push({
      kind: 'observed_accepted',
      at: seenAt,
      actor,
      userId: observed.member.userId,
      ...(accepted ? { inviteId: accepted.id } : {}),
      reason: ours ? 'accepted the invite the product made' : 'a member of the organization',
    });
  }
  if (!observed.member && before?.member)
    events.push({
      kind: 'observed_gone',
      at: seenAt,
      actor,
      userId: before.member.userId,
      reason: 'no longer a member',
    });
  return { observed, events };
};
