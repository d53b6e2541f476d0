/**
 * What a bulk message means for its person (lib/people/): the declaration it makes (its event's
 * id and time), why a declaration may be refused, and whether the intent is already met so that
 * no second invite is made (a resubmitted job, a redelivery).
 */
import type { SQSRecord } from 'aws-lambda';
import type { Ledger } from '../ledger/ledger';
import type { OpenAIInvitesClient } from '../openai/client';
import { NotFoundError } from '../openai/errors';
import { hasSameTerms, isLivePendingInvite } from '../openai/invite-terms';
import type { InviteRequest } from '../openai/types';
import type { Declaration, Intent, Person } from '../people/types';
import type { MessageMeta } from './messages';

export const REFUSALS = {
  superseded: [
    'intent_superseded',
    'A newer declaration for this person stands (an older event never overrides it): nothing was done. GET /v1/people/{email} shows it.',
  ],
  replayed: [
    'replayed_event',
    'This joiner event was seen before and arrived again after the person left: a replay never undoes a leaver. An operator may declare them again.',
  ],
} as const;

/** A message's declaration: its event's id (`job:index`, else the message's) and time (signed, else sent). */
export const declarationOf = (
  record: SQSRecord,
  meta: MessageMeta,
  email: string,
  intent: Intent,
): Declaration => ({
  email,
  intent,
  source: meta.source,
  eventId: meta.eventId ?? (meta.jobId !== undefined ? `${meta.jobId}:${meta.index ?? 0}` : record.messageId),
  at: meta.eventAt ?? sentAtOf(record),
  ...(meta.offboard ? { offboard: true } : {}),
});

const sentAtOf = (record: SQSRecord): string => {
  const sent = Number(record.attributes?.SentTimestamp);
  return new Date(Number.isFinite(sent) && sent > 0 ? sent : Date.now()).toISOString();
};

/**
 * The person already holds a live pending invite the product made with these terms, as the
 * person record or the ledger's email record knows it (one retrieve to be sure). Only OpenAI's
 * answer decides: an invite it no longer knows (404) is not met, but a retrieve that failed (a
 * 429, our budget's pause, a 5xx) throws, and the record is throttled or retried rather than
 * created again, which an upstream that accepts duplicates would take.
 */
export const intentMet = async (
  person: Person,
  request: InviteRequest,
  { client, ledger, deadline }: { client: OpenAIInvitesClient; ledger?: Ledger; deadline: number },
): Promise<boolean> => {
  const observed = person.observed?.invite;
  const fromPerson =
    observed?.status === 'pending' && person.productInviteIds.includes(observed.id) ? observed.id : undefined;
  const record = fromPerson ? undefined : await ledger?.getInvite(request.email).catch(() => undefined);
  const fromLedger =
    record?.lastOutcome === 'created' && record.status === 'pending' ? record.inviteId : undefined;
  const known = fromPerson ?? fromLedger;
  if (!known) return false;
  const invite = await client.retrieveInvite(known, { deadline }).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  return invite !== undefined && isLivePendingInvite(invite) && hasSameTerms(invite, request);
};
