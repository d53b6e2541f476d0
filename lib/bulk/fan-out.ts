/**
 * A whole-job message fanned out into one-invite messages, idempotently:
 *
 * - A job whose shape cannot be read (not an object, no `invites` array, an unknown field, …) is
 *   answered `invalid` (the worker dead-letters it once, whole).
 * - Each invalid item (as the bulk route would name it: a bad field, an email asked for with
 *   other terms elsewhere in the job) is dead-lettered alone, before anything is sent: its own
 *   body, its `index` (its place in the job), code `invalid_invite` and the reason the bulk route
 *   would give (`invites[3].email: …`); its job counts it as failed. The valid items fan out. (The
 *   bulk route still refuses such a job whole: that is the API's contract.)
 * - A redelivered job does not dead-letter an item twice: the items its job already counts as
 *   failed with `invalid_invite` (the ledger) are skipped.
 * - What SQS does not take is re-sent as a job of only those items (their places in the
 *   original job in the `indexes` attribute) and the original is done: a retry never sends an
 *   item that was already sent. Only if that re-send fails too is the job retried whole, which
 *   is still safe (invites are idempotent), merely wasteful.
 */
import type { SQSRecord } from 'aws-lambda';
import { isoTimeFromSeconds } from '../commons/iso-time';
import { logger } from '../commons/logger';
import type { DeadLetterFailure } from './dead-letter';
import { type FailurePolicyOptions, retryDelaySeconds } from './failure-policy';
import { checkJob, type InvalidItem, MAX_INVITES_PER_JOB } from './jobs';
import { sendInvites } from './producer';
import { ATTRIBUTE, encodeRemainderJob, type MessageMeta, originalIndexes, usableEmail } from './messages';
import type { OutcomeRecorder } from './outcome-recorder';
import type { MessageQueue } from './queue';

export type FanOutResult =
  | { outcome: 'fanned_out' | 'fanned_out_in_part'; deadLettered: number }
  | { outcome: 'invalid'; code: 'invalid_job'; reason: string; status: 400 };

/**
 * When SQS received a whole job that says no `event_at` (another system enqueued it): the time its
 * items' intent is ordered by. Undefined when the record has no usable SentTimestamp.
 */
const sentAt = (record: SQSRecord): string | undefined =>
  isoTimeFromSeconds(Number(record.attributes?.SentTimestamp) / 1000);

/** The code an invalid item of a job is dead-lettered and counted failed with. */
export const INVALID_ITEM_CODE = 'invalid_invite';

/**
 * The dead letter of one invalid item: its own body, its place in the job, and the reason the
 * bulk route would give for it (`invites[3].email: …`, with its place in the original job).
 */
export const invalidItemFailure = (
  item: InvalidItem,
  raw: unknown,
  place: number,
  jobId: string,
): DeadLetterFailure => {
  const param = item.param?.replace(/^invites\[\d+\]/, `invites[${place}]`);
  return {
    code: INVALID_ITEM_CODE,
    reason: param ? `${param}: ${item.message}` : item.message,
    status: 400,
    body: raw === undefined ? 'null' : JSON.stringify(raw),
    extra: { [ATTRIBUTE.jobId]: jobId, [ATTRIBUTE.index]: String(place) },
    without: [ATTRIBUTE.indexes],
  };
};

export const fanOutJob = async (
  record: SQSRecord,
  body: object,
  meta: MessageMeta,
  queue: MessageQueue,
  {
    failurePolicy,
    recorder,
    deadLetterItem,
  }: {
    failurePolicy?: FailurePolicyOptions;
    recorder?: OutcomeRecorder;
    /** Sends one invalid item to the DLQ (throws if SQS refuses: the job is then retried). */
    deadLetterItem: (failure: DeadLetterFailure) => Promise<void>;
  },
): Promise<FanOutResult> => {
  let job: ReturnType<typeof checkJob>;
  try {
    // A job without an id gets one from its message, so that a retry keeps the same id.
    job = checkJob('job_id' in body ? body : { ...body, job_id: `job_${record.messageId}` });
  } catch (error) {
    return { outcome: 'invalid', code: 'invalid_job', reason: (error as Error).message, status: 400 };
  }
  const places = originalIndexes(record, job.valid.length + job.invalid.length);
  // Known with its total before any item settles; a remainder job repeats this harmlessly.
  await recorder?.jobStarted(job.jobId, places.length, meta.source);
  const deadLettered = await deadLetterInvalidItems(job, (body as { invites: unknown[] }).invites, places, {
    meta,
    recorder,
    deadLetterItem,
  });
  const items = job.valid.map((item) => ({ index: places[item.index]!, invite: item.invite }));
  const stamp = { eventAt: meta.eventAt ?? sentAt(record) };
  const { unsent, failure } = await sendInvites(queue, items, {
    jobId: job.jobId,
    source: meta.source,
    replacePending: job.replacePending,
    ...stamp,
  });
  logger.info('bulk job fanned out', {
    jobId: job.jobId,
    enqueued: items.length - unsent.length,
    unsent: unsent.length,
    invalid: job.invalid.length,
    deadLettered,
  });
  if (unsent.length === 0) return { outcome: 'fanned_out', deadLettered };
  const remainder = encodeRemainderJob(job.jobId, unsent, meta.source, job.replacePending, stamp);
  await queue.send({ ...remainder, delaySeconds: retryDelaySeconds(1, failurePolicy) }).catch(() => {
    throw failure;
  });
  return { outcome: 'fanned_out_in_part', deadLettered };
};

/**
 * Each invalid item to the DLQ alone, then counted failed in its job; those its job already
 * counts failed with INVALID_ITEM_CODE (an earlier delivery) are skipped. How many were sent.
 */
const deadLetterInvalidItems = async (
  job: ReturnType<typeof checkJob>,
  raw: unknown[],
  places: number[],
  {
    meta,
    recorder,
    deadLetterItem,
  }: {
    meta: MessageMeta;
    recorder?: OutcomeRecorder;
    deadLetterItem: (failure: DeadLetterFailure) => Promise<void>;
  },
): Promise<number> => {
  if (job.invalid.length === 0) return 0;
  const done =
    (await recorder?.failedIndexes(job.jobId, INVALID_ITEM_CODE, MAX_INVITES_PER_JOB)) ?? new Set();
  let sent = 0;
  for (const item of job.invalid) {
    const place = places[item.index]!;
    if (done.has(place)) continue;
    const failure = invalidItemFailure(item, raw[item.index], place, job.jobId);
    await deadLetterItem(failure);
    sent += 1;
    const email = usableEmail((raw[item.index] as { email?: unknown } | null | undefined)?.email);
    await recorder?.failed({ ...meta, jobId: job.jobId, index: place }, email, failure.code, failure.reason);
  }
  return sent;
};
