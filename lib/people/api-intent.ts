/**
 * What the invite API tells the people layer (README, "People"): a create declares `present`
 * with its terms before OpenAI is called, and records the invite OpenAI answered; a DELETE of a
 * pending invite declares `absent` and records the revocation. Each write is on the side, through
 * `recordSafely`: the person store failing is logged and counted, never the caller's error, and
 * without a person store (`findPersonStore()` undefined) nothing is written.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { recordSafely } from '../ledger/record-safely';
import type { CreateInviteResult } from '../openai/client';
import { observedInvite } from './observed';
import type { Invite, InviteRequest } from '../openai/types';
import { describeIntent, intentOf } from './intent';
import { findPersonStore } from './runtime';
import type { PersonStore } from './store';

/** The source every API declaration names. */
export const API_SOURCE = 'api';

/** Which request a declaration comes from: its id (the event id) and when it arrived. */
export interface ApiRequestStamp {
  requestId: string;
  /** ISO-8601: when the request arrived (lib/http/messages.ts `receivedAt`). */
  at: string;
  metrics?: Pick<Metrics, 'addMetric'>;
}

/** Runs `write` against the configured person store, if any; never throws. */
const onTheSide = async (
  what: Record<string, unknown>,
  stamp: ApiRequestStamp,
  write: (store: PersonStore) => Promise<unknown>,
): Promise<void> => {
  await recordSafely(
    async () => {
      const store = findPersonStore();
      if (store) await write(store);
    },
    { what: { store: 'people', requestId: stamp.requestId, ...what }, metrics: stamp.metrics },
  );
};

/**
 * Before a create: the caller wants this person present with the request's terms.
 *
 * @example
 * await declareApiCreate(request, { requestId: record.requestId, at: receivedAt(event) });
 */
export const declareApiCreate = (request: InviteRequest, stamp: ApiRequestStamp): Promise<void> =>
  onTheSide({ action: 'person.declare', intent: 'present' }, stamp, (store) =>
    store.declare({
      email: request.email,
      intent: intentOf(request),
      source: API_SOURCE,
      eventId: stamp.requestId,
      at: stamp.at,
    }),
  );

/**
 * After OpenAI answered a create: what it shows now, and, when the product made the invite, that
 * invite as the product's with an `invited` event. A duplicate answered from an existing invite
 * records only what OpenAI shows.
 */
export const recordApiCreate = (
  request: InviteRequest,
  { invite, created, replaced }: CreateInviteResult,
  stamp: ApiRequestStamp,
): Promise<void> =>
  onTheSide(
    { action: created ? 'person.invited' : 'person.observed', inviteId: invite.id },
    stamp,
    (store) => {
      const now = new Date().toISOString();
      if (!created) return store.update(invite.email, { observed: observedInvite(invite, now) });
      return store.update(
        invite.email,
        { productInvite: { id: invite.id, at: now }, observed: observedInvite(invite, now) },
        [
          {
            kind: 'invited',
            at: now,
            actor: API_SOURCE,
            inviteId: invite.id,
            detail: describeIntent(intentOf(request)),
            ...(replaced.length > 0 ? { reason: `replaced ${replaced.join(', ')}` } : {}),
          },
        ],
      );
    },
  );

/** Before the DELETE of a pending invite: the caller wants this person absent. */
export const declareApiDelete = (invite: Invite, stamp: ApiRequestStamp): Promise<void> =>
  invite.status !== 'pending'
    ? Promise.resolve()
    : onTheSide({ action: 'person.declare', intent: 'absent', inviteId: invite.id }, stamp, (store) =>
        store.declare({
          email: invite.email,
          intent: { state: 'absent' },
          source: API_SOURCE,
          eventId: stamp.requestId,
          at: stamp.at,
        }),
      );

/** After OpenAI deleted the invite: a `revoked` event in the person's history. */
export const recordApiDelete = (invite: Invite, stamp: ApiRequestStamp): Promise<void> =>
  onTheSide({ action: 'person.revoked', inviteId: invite.id }, stamp, (store) =>
    store.append(invite.email, [
      {
        kind: 'revoked',
        at: new Date().toISOString(),
        actor: API_SOURCE,
        inviteId: invite.id,
        reason: `DELETE through the API (the invite was ${invite.status})`,
      },
    ]),
  );
