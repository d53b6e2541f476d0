/**
 * How a SCIM declaration reaches OpenAI: like an HR webhook's, as one message per person on the
 * bulk queue (an invite with the role for `present`), or the leaver queue (a revocation for `absent`), for the worker to
 * carry out at the pace OpenAI allows, with the same guards. The message names the declaration's
 * event id and time, so the worker finds it already stored and acts on it (lib/people/ordering.ts).
 * Sent when the intent changed, or when it stands but what OpenAI last showed does not meet it yet
 * (an identity provider's retry after a failed enqueue).
 */
import { enqueueInvites, enqueueRevocation } from '../bulk/producer';
import { getInviteQueue, getLeaverQueue } from '../bulk/runtime';
import { recordJobStart } from '../ledger/runtime';
import type { DeclareOutcome, Person } from '../people/types';
import { SCIM_SOURCE } from './config';

export interface Declared {
  outcome: DeclareOutcome;
  person: Person;
}

/** Does the person need OpenAI to change, by what the product last saw there? */
const unmet = (person: Person): boolean => {
  const observed = person.observed;
  const inside = Boolean(observed?.member) || observed?.invite?.status === 'pending';
  if (person.intent?.state === 'present') return !inside;
  return inside && !person.awaiting;
};

export const needsMessage = ({ outcome, person }: Declared): boolean =>
  outcome === 'applied' || (outcome === 'unchanged' && unmet(person));

/** One message per person; throws EnqueueFailedError (the caller answers 503) when SQS refuses. */
export const enqueueDeclared = async (
  declared: Declared[],
  stamp: { requestId: string; eventId: string; at: string },
): Promise<void> => {
  await Promise.all(
    declared.filter(needsMessage).map(async ({ person }, index) => {
      const jobId = `${SCIM_SOURCE}:${stamp.requestId}:${index}`;
      const options = { jobId, source: SCIM_SOURCE, eventId: stamp.eventId, eventAt: stamp.at };
      await recordJobStart({ jobId, total: 1, source: SCIM_SOURCE });
      if (person.intent?.state === 'present')
        await enqueueInvites(
          getInviteQueue(),
          [{ index: 0, invite: { email: person.email, role: person.intent.role } }],
          {
            ...options,
            // The identity provider's current truth: a pending invite of another role is replaced.
            replacePending: true,
          },
        );
      // `absent` on the leaver queue: never behind a joiner backlog (LEAVER_QUEUE_URL).
      else await enqueueRevocation(getLeaverQueue(), person.email, options);
    }),
  );
};
