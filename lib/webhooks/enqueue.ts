/**
 * From checked events to messages on the bulk queue, each at most once per dedupe window:
 * claim (a short lease), enqueue, then confirm (lib/webhooks/dedupe.ts). A failed enqueue
 * releases its leases, so the sender's retry goes through; an event another delivery is still
 * working on is answered 503 (retry), never "duplicate".
 */
import { enqueueInvites, enqueueRevocation } from '../bulk/producer';
import { getInviteQueue } from '../bulk/runtime';
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

/** Sends one event's message: an invite, or a revocation (`action=revoke`). */
const send = async (event: WebhookEvent, provider: ProviderName): Promise<unknown> => {
  const queue = getInviteQueue();
  // One event, one job (`<provider>:<replay key>`): its progress is readable on the job route.
  const jobId = claimKey(provider, event);
  await recordJobStart({ jobId, total: 1, source: provider });
  return event.kind === 'invite'
    ? enqueueInvites(
        queue,
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
        { jobId, source: provider, replacePending: true },
      )
    : enqueueRevocation(queue, event.email, { jobId, source: provider });
};

/** Claims, enqueues and confirms; releases the claims again when enqueueing failed. */
export const enqueueOnce = async (events: WebhookEvent[], provider: ProviderName): Promise<Receipt[]> => {
  const store = getDedupeStore();
  const { dedupeWindowSeconds, claimLeaseSeconds } = getWebhookConfig();
  const claimed: WebhookEvent[] = [];
  const inProgress: WebhookEvent[] = [];
  const receipts: Receipt[] = [];
  try {
    for (const event of events) {
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
    await Promise.all(claimed.map((event) => send(event, provider)));
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
  for (const event of claimed) {
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
