/**
 * The create claim: one processing at a time may send a person's invite create, so an upstream
 * that accepts a duplicate never gets two (an SQS redelivery while the first processing still
 * waits, two copies of one message). A pure rule every PersonStore applies inside its atomic step
 * (a conditional write, a transaction), as changes.ts's are.
 *
 * A claim is granted when none is held, when the held one has expired, or when it is the
 * caller's own. Its holder settles (clears) it once the invite is recorded on the person, or once
 * its create certainly did not reach OpenAI. A claim that expired unsettled means the earlier
 * holder may have created the invite (it crashed, timed out, or lost OpenAI's answer): the grant
 * says so (`unsettled`), and the new holder looks at OpenAI before it creates.
 */
import { newPerson } from './changes';
import type { ClaimOutcome, ClaimRequest, CreateClaim, Person } from './types';

export interface ClaimChange {
  outcome: ClaimOutcome;
  /** The person to write when claimed (with the new claim); undefined when refused. */
  person?: Person;
}

/** A held claim that has not yet expired at `now` belongs to its holder. */
export const isLive = (claim: CreateClaim, now: string): boolean => Date.parse(claim.until) > Date.parse(now);

/** Applies the claim rule to `person` (created when the product never heard of them). */
export const claimChange = (
  person: Person | undefined,
  email: string,
  request: ClaimRequest,
  now: string,
): ClaimChange => {
  const held = person?.createClaim;
  // Another live processing holds it: it alone may create until it settles or its claim expires.
  if (held && held.token !== request.token && isLive(held, now))
    return { outcome: { claimed: false, heldUntil: held.until } };
  const until = new Date(Date.parse(request.until)).toISOString();
  const claim: CreateClaim = {
    token: request.token,
    at: held?.token === request.token ? held.at : now,
    until,
  };
  const next: Person = { ...(person ?? newPerson(email, now)), createClaim: claim, updatedAt: now };
  // Expired without being settled (settling clears it): that holder's create may have reached OpenAI.
  const unsettled = held && held.token !== request.token ? { token: held.token, at: held.at } : undefined;
  return { outcome: { claimed: true, person: next, ...(unsettled ? { unsettled } : {}) }, person: next };
};
