/**
 * From checked events to messages on the bulk queue (a leaver's on the leaver queue), each at most once per dedupe window:
 * claim (a short lease), enqueue, then confirm (lib/webhooks/dedupe.ts). A failed enqueue
 * releases its leases, so the sender's retry goes through; an event another delivery is still
 * working on is answered 503 (retry), never "duplicate".
 *
 * Every message carries its event: `event_id` (the id a replay carries too: the signed replay key
 * where there is one) and `event_at` (the sender's signed time, else when the delivery arrived).
 * A leaver whose sender signs no time (Greenhouse, BambooHR) is not deduplicated: a second
 * identical deactivation cannot be told from a replay, and revocations are idempotent, so it
 * always reaches the worker and the people layer decides.
 */
import { enqueueInvites, enqueueRevocation } from '../bulk/producer';
import { getInviteQueue, getLeaverQueue } from '../bulk/runtime';
import { audit, logger } from '../commons/logger';
import { webhookJobId } from '../bulk/origins';
import { recordJobStart } from '../ledger/runtime';
import { WebhookEventInProgressError } from './errors';
import { getDedupeStore, getWebhookConfig } from './runtime';
import type { ProviderName, WebhookEvent } from './types';

export type Outcome = 'enqueued' | 'duplicate' | 'ignored' | 'invalid' | 'refused';

/** One event of a delivery, as the `webhook.receipt` answer lists it. */
export interface Receipt {
  id: string;
  kind: 'invite' | 'revoke' | 'ignored';
  outcome: Outcome;
  /** Why an `invalid` event could not be used, or a `refused` one was not granted. */
  reason?: string;
}

/** The event's key: its replay claim, and its job id (namespaced by provider; never unsigned text). */
const claimKey = (provider: ProviderName, event: WebhookEvent): string =>
  webhookJobId(provider, event.replayKey ?? event.id);

/**
 * Is this event claimed once per dedupe window? Invites always (a replayed joiner must not
 * re-invite); leavers only when their sender signs their time, so a replay is recognisable.
 */
export const isDeduplicated = (event: WebhookEvent): boolean => event.kind === 'invite' || event.timeSigned;

/** Sends one event's message: an invite, or a revocation (`action=revoke`). */
const send = async (event: WebhookEvent, provider: ProviderName, receivedAt: string): Promise<unknown> => {
  // One event, one job (`<provider>:<replay key>`): its progress is readable on the job route, and
  // the same key is the event's id on the person (a replay is recognised by it).
  const jobId = claimKey(provider, event);
  const stamp = { eventId: jobId, eventAt: event.occurredAt ?? receivedAt };
  await recordJobStart({ jobId, total: 1, source: provider });
  // A leaver goes on the leaver queue, never behind a joiner backlog (LEAVER_QUEUE_URL).
  return event.kind === 'invite'
    ? enqueueInvites(
        getInviteQueue(),
        [
          {
            index: 0,
            invite: {
              email: event.email,
              role: event.role,
              ...(event.projects ? { projects: event.projects } : {}),
            },
          },
        ],
        // The HR system's current truth: a pending invite of other terms is replaced.
        {
          jobId,
          source: provider,
          replacePending: true,
          ...(event.groups ? { groups: event.groups } : {}),
          ...stamp,
        },
      )
    : enqueueRevocation(getLeaverQueue(), event.email, { jobId, source: provider, ...stamp });
};

/**
 * Claims, enqueues and confirms; releases the claims again when enqueueing failed.
 *
 * @param receivedAt ISO-8601: when the delivery arrived, the `event_at` of events without a signed time.
 */
export const enqueueOnce = async (
  events: WebhookEvent[],
  provider: ProviderName,
  receivedAt: string,
): Promise<Receipt[]> => {
  const store = getDedupeStore();
  const { dedupeWindowSeconds, claimLeaseSeconds } = getWebhookConfig();
  const claimed: WebhookEvent[] = [];
  const unclaimed: WebhookEvent[] = [];
  const inProgress: WebhookEvent[] = [];
  const receipts: Receipt[] = [];
  try {
    for (const event of events) {
      if (!isDeduplicated(event)) {
        unclaimed.push(event);
        receipts.push({ id: event.id, kind: event.kind, outcome: 'enqueued' });
        continue;
      }
      const claim = await store.claim(claimKey(provider, event), claimLeaseSeconds);
      if (claim === 'in_progress') inProgress.push(event);
      else {
        if (claim === 'claimed') claimed.push(event);
        receipts.push({
          id: event.id,
          kind: event.kind,
          outcome: claim === 'claimed' ? 'enqueued' : 'duplicate',
        });
      }
    }
    await Promise.all([...claimed, ...unclaimed].map((event) => send(event, provider, receivedAt)));
  } catch (error) {
    await Promise.allSettled(claimed.map((event) => store.release(claimKey(provider, event))));
    throw error;
  }
  const confirmed = await Promise.allSettled(
    claimed.map((event) => store.confirm(claimKey(provider, event), dedupeWindowSeconds)),
  );
  confirmed.forEach((result, index) => {
    // The message is on the queue, so the answer stays a success. The lease then lapses, and a
    // replay after it would enqueue again: harmless, invites and revocations are idempotent.
    if (result.status === 'rejected') {
      logger.warn('webhook claim not confirmed', {
        provider,
        eventId: claimed[index]!.id,
        error: (result.reason as Error)?.name,
      });
    }
  });
  for (const event of [...claimed, ...unclaimed]) {
    audit(
      event.kind === 'invite' ? 'webhook.invite.enqueued' : 'webhook.revoke.enqueued',
      `webhook:${provider}`,
      { eventId: event.id, email: event.email },
    );
  }
  if (inProgress.length > 0) {
    throw new WebhookEventInProgressError(
      inProgress.map((event) => event.id),
      claimLeaseSeconds,
    );
  }
  return receipts;
};
