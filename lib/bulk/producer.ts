/**
 * The producer: a checked job's invites onto the bulk queue, one message each (messages.ts),
 * 10 a call with SendMessageBatch, resending the failed entries; and a revocation message. Used
 * by the bulk route, the worker's fan-out, HR webhooks and the CLI. Checking a job: jobs.ts.
 */
import { EnqueueFailedError } from './errors';
import type { InviteRequest } from '../openai/types';
import { encodeInvite, encodeRevocation, type EventStamp, type RevocationOptions } from './messages';
import { type FailedEntry, MAX_BATCH_ENTRIES, type MessageQueue, type OutgoingMessage } from './queue';

/** When the product received it: what a producer stamps unless it knows the event's signed time. */
export const receivedNow = (): string => new Date().toISOString();

export interface EnqueueOptions extends EventStamp {
  jobId: string;
  source: string;
  /** Each message asks the worker to replace a pending invite of other terms. */
  replacePending?: boolean;
  /** Each message's intended organization groups (the `groups` attribute: an HR webhook's department). */
  groups?: readonly string[];
  /** Resends of the failed entries of a partially failed batch. */
  maxResends?: number;
  /** Batches in flight at once. */
  concurrency?: number;
}

/** The entries a batch could not send, after resending the failed ones up to `maxResends` times. */
const sendWithResends = async (
  queue: MessageQueue,
  entries: OutgoingMessage[],
  maxResends: number,
): Promise<{ unsentIds: string[]; failure?: EnqueueFailedError }> => {
  let pending = entries;
  for (let attempt = 0; ; attempt += 1) {
    let failed: FailedEntry[];
    try {
      failed = await queue.sendBatch(pending);
    } catch (error) {
      const failure = new EnqueueFailedError(pending.length, (error as Error)?.name ?? 'Error', error);
      return { unsentIds: pending.map((entry) => entry.id), failure };
    }
    if (failed.length === 0) return { unsentIds: [] };
    const permanent = failed.find((entry) => entry.senderFault);
    if (permanent || attempt >= maxResends) {
      const reason = permanent ?? failed[0]!;
      const failure = new EnqueueFailedError(failed.length, `${reason.code}: ${reason.message}`);
      return { unsentIds: failed.map((entry) => entry.id), failure };
    }
    const failedIds = new Set(failed.map((entry) => entry.id));
    pending = pending.filter((entry) => failedIds.has(entry.id));
    await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
  }
};

export interface SendOutcome {
  /** The items SQS did not take (every batch is tried, so the rest were all sent). */
  unsent: { index: number; invite: InviteRequest }[];
  /** Why, when some were not sent. */
  failure?: EnqueueFailedError;
}

/**
 * One message per invite (messages.ts `encodeInvite`), sent 10 a call with SendMessageBatch;
 * the failed entries of a partly failed batch are sent again. Tells which items were not sent,
 * so that the worker's fan-out re-sends only those.
 */
export const sendInvites = async (
  queue: MessageQueue,
  invites: { index: number; invite: InviteRequest }[],
  options: EnqueueOptions,
): Promise<SendOutcome> => {
  const eventAt = options.eventAt ?? receivedNow();
  const batches: OutgoingMessage[][] = [];
  for (let start = 0; start < invites.length; start += MAX_BATCH_ENTRIES) {
    batches.push(
      invites.slice(start, start + MAX_BATCH_ENTRIES).map(({ index, invite }) => ({
        id: String(index),
        ...encodeInvite(invite, {
          jobId: options.jobId,
          source: options.source,
          index,
          replacePending: options.replacePending,
          groups: options.groups,
          eventId: options.eventId,
          eventAt,
        }),
      })),
    );
  }
  const concurrency = options.concurrency ?? 4;
  const unsentIds = new Set<string>();
  let failure: EnqueueFailedError | undefined;
  let next = 0;
  const sender = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const outcome = await sendWithResends(queue, batch, options.maxResends ?? 3);
      for (const id of outcome.unsentIds) unsentIds.add(id);
      failure ??= outcome.failure;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, sender));
  return { unsent: invites.filter(({ index }) => unsentIds.has(String(index))), failure };
};

/**
 * Every invite on the queue, or 503 `enqueue_failed` (the bulk route, webhooks, the CLI). Each
 * message's `event_at` is `options.eventAt` (a signed time, or when the request arrived), else now.
 */
export const enqueueInvites = async (
  queue: MessageQueue,
  invites: { index: number; invite: InviteRequest }[],
  options: EnqueueOptions,
): Promise<number> => {
  const { failure } = await sendInvites(queue, invites, options);
  if (failure) throw failure;
  return invites.length;
};

/**
 * A revocation message (the HR webhook's leavers, `reconcile`), or 503 `enqueue_failed`. Its
 * `event_at` is `options.eventAt` (a signed time), else now: when the product received it.
 */
export const enqueueRevocation = async (
  queue: MessageQueue,
  email: string,
  options: RevocationOptions,
): Promise<void> => {
  try {
    await queue.send(encodeRevocation(email, { ...options, eventAt: options.eventAt ?? receivedNow() }));
  } catch (error) {
    throw new EnqueueFailedError(1, (error as Error)?.name ?? 'Error', error);
  }
};
