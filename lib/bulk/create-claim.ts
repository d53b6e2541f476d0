/**
 * The bulk worker's create claim (lib/people/claims.ts): one processing at a time sends a
 * person's invite create, so two processings of one email at once (an SQS redelivery while the
 * first still waits for the rate budget, two copies of a message) never make two invites, even on
 * an upstream that accepts a duplicate.
 *
 * - Taken before the intent is checked, for the invocation's deadline and a margin: the person it
 *   answers is read in the same step, so an invite recorded by an earlier holder is seen.
 * - Held by another live processing: `CreateClaimHeldError`, and the record is re-sent with a
 *   delay until the claim expires, as a throttled one is (no receive consumed).
 * - Granted `unsettled` (an earlier holder's claim expired without being settled: it crashed,
 *   timed out, or lost OpenAI's answer): the create looks at OpenAI first.
 * - Settled with the update that records the invite on the person (worker.ts), or here when a
 *   failed create certainly did not reach OpenAI (a 4xx, a 429 included). A 5xx, a timeout or no
 *   answer leaves it unsettled on purpose.
 */
import { randomUUID } from 'node:crypto';
import { InvitesError } from '../commons/errors';
import { newUpstreamTrace, type UpstreamTrace } from '../openai/client';
import type { PersonStore } from '../people/store';
import type { Person } from '../people/types';
import { CreateClaimHeldError } from './errors';

/** Past the invocation's deadline: time to record the invite (a few store writes) and settle. */
export const CLAIM_MARGIN_MS = 10_000;

export interface HeldCreateClaim {
  /** This processing's token: settles the claim (`update(email, { settleClaim: token })`). */
  token: string;
  /** The person as the claim was taken. */
  person: Person;
  /** An earlier holder may have created the invite: look at OpenAI before creating. */
  unsettled: boolean;
  /** What the create did upstream: whether a write may have reached OpenAI. */
  trace: UpstreamTrace;
}

/** Until when a processing needs the claim: no call of it starts after the deadline. */
export const claimUntil = (deadline: number): string => new Date(deadline + CLAIM_MARGIN_MS).toISOString();

/** The claim, or `CreateClaimHeldError` with the wait until the holder's claim expires. */
export const takeCreateClaim = async (
  people: PersonStore,
  email: string,
  deadline: number,
): Promise<HeldCreateClaim> => {
  const token = randomUUID();
  const outcome = await people.claimCreate(email, { token, until: claimUntil(deadline) });
  if (!outcome.claimed)
    throw new CreateClaimHeldError(Math.max(0, Date.parse(outcome.heldUntil) - Date.now()));
  return {
    token,
    person: outcome.person,
    unsettled: outcome.unsettled !== undefined,
    trace: newUpstreamTrace(),
  };
};

/**
 * A failure after which the claim may be settled: nothing of the create reached OpenAI. A write
 * without a clear answer may have made the invite, and anything not OpenAI's own refusal (a
 * store's error, a 5xx, a malformed answer) is not known to be harmless: those stay unsettled.
 */
export const settlesOnFailure = (error: unknown, trace: UpstreamTrace): boolean =>
  !trace.unclear && error instanceof InvitesError && error.status >= 400 && error.status < 500;

/** Settles the claim; best effort (left, it expires unsettled and the next holder looks first). */
export const settleClaim = async (people: PersonStore, email: string, token: string): Promise<void> => {
  await people.update(email, { settleClaim: token }).catch(() => undefined);
};

/**
 * Runs `create` holding the person's create claim; on a failure that certainly did not reach
 * OpenAI the claim is settled, and the failure rethrown either way.
 */
export const withCreateClaim = async <T>(
  people: PersonStore,
  email: string,
  deadline: number,
  create: (claim: HeldCreateClaim) => Promise<T>,
): Promise<T> => {
  const claim = await takeCreateClaim(people, email, deadline);
  try {
    return await create(claim);
  } catch (error) {
    if (settlesOnFailure(error, claim.trace)) await settleClaim(people, email, claim.token);
    throw error;
  }
};
