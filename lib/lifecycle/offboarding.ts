/**
 * The offboarding list (`openai-invites offboarding`): people awaiting someone in OpenAI, as
 * OpenAI has them now. Listing asks OpenAI whether each is still a member (one call each, by
 * email): who is not leaves the list, with an `observed_gone` event. `done` records that a person
 * handled it: the entry leaves the list and the reconciler does not put it back for the same
 * declaration.
 */
import type { OpenAIInvitesClient } from '../openai/client';
import type { PersonStore } from '../people/store';
import { personPath } from '../people/paths';
import type { Person } from '../people/types';

export interface AwaitingEntry {
  email: string;
  code: string;
  reason: string;
  since: string;
  declaredBy?: string;
  userId?: string;
  person: string;
}

const entryOf = (person: Person): AwaitingEntry => ({
  email: person.email,
  code: person.awaiting!.code,
  reason: person.awaiting!.reason,
  since: person.awaiting!.since,
  ...(person.declaredBy ? { declaredBy: person.declaredBy.source } : {}),
  ...(person.observed?.member ? { userId: person.observed.member.userId } : {}),
  person: personPath(person.email),
});

/**
 * Who awaits a person, newest first. With a client, OpenAI's truth: entries no longer members are
 * taken off the list (and recorded) instead of shown.
 */
export const listAwaiting = async (
  store: PersonStore,
  client: OpenAIInvitesClient | undefined,
  actor: string,
): Promise<AwaitingEntry[]> => {
  const entries: AwaitingEntry[] = [];
  for (const person of await store.listAwaiting()) {
    if (!person.awaiting) continue;
    if (client && !(await client.findUserByEmail(person.email))) {
      await store.update(person.email, { awaiting: null }, [
        {
          kind: 'observed_gone',
          at: new Date().toISOString(),
          actor,
          reason: 'no longer a member: off the offboarding list',
        },
      ]);
      continue;
    }
    entries.push(entryOf(person));
  }
  return entries;
};

/** Records that a person handled this entry; false when the email awaits nobody. */
export const markHandled = async (
  store: PersonStore,
  email: string,
  actor: string,
  note?: string,
): Promise<boolean> => {
  const person = await store.get(email);
  if (!person?.awaiting) return false;
  const at = new Date().toISOString();
  await store.update(email, { handledAt: at }, [
    {
      kind: 'handled',
      at,
      actor,
      reason: note ? `handled by a person: ${note}` : `handled by a person (${person.awaiting.code})`,
    },
  ]);
  return true;
};
