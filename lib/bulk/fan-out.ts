/**
 * A whole-job message fanned out into one-invite messages, idempotently:
 *
 * - The job is checked and encoded whole before anything is sent. A job whose shape is wrong or
 *   with any bad item is answered `invalid` (the worker dead-letters it once, whole, with every
 *   bad item named), as the bulk route refuses it whole.
 * - What SQS does not take is re-sent as a job of only those items (their places in the
 *   original job in the `indexes` attribute) and the original is done: a retry never sends an
 *   item that was already sent. Only if that re-send fails too is the job retried whole, which
 *   is still safe (invites are idempotent), merely wasteful.
 */
import type { SQSRecord } from 'aws-lambda';
import { isoTimeFromSeconds } from '../commons/iso-time';
import { logger } from '../commons/logger';
import { type FailurePolicyOptions, retryDelaySeconds } from './failure-policy';
import { checkJob } from './jobs';
import { sendInvites } from './producer';
import { encodeRemainderJob, type MessageMeta, originalIndexes } from './messages';
import type { OutcomeRecorder } from './outcome-recorder';
import type { MessageQueue } from './queue';

export type FanOutResult =
  | { outcome: 'fanned_out' | 'fanned_out_in_part' }
  | { outcome: 'invalid'; code: 'invalid_job'; reason: string; status: 400 };

/**
 * When SQS received a whole job that says no `event_at` (another system enqueued it): the time its
 * items' intent is ordered by. Undefined when the record has no usable SentTimestamp.
 */
const sentAt = (record: SQSRecord): string | undefined =>
  isoTimeFromSeconds(Number(record.attributes?.SentTimestamp) / 1000);

export const fanOutJob = async (
  record: SQSRecord,
  body: object,
  meta: MessageMeta,
  queue: MessageQueue,
  { failurePolicy, recorder }: { failurePolicy?: FailurePolicyOptions; recorder?: OutcomeRecorder } = {},
): Promise<FanOutResult> => {
  let job: ReturnType<typeof checkJob>;
  try {
    // A job without an id gets one from its message, so that a retry keeps the same id.
    job = checkJob('job_id' in body ? body : { ...body, job_id: `job_${record.messageId}` });
  } catch (error) {
    return { outcome: 'invalid', code: 'invalid_job', reason: (error as Error).message, status: 400 };
  }
  const places = originalIndexes(record, job.valid.length + job.invalid.length);
  if (job.invalid.length > 0) {
    const details = job.invalid
      .map(
        (item) =>
          `${item.param?.replace(/^invites\[\d+\]/, `invites[${places[item.index]}]`)}: ${item.message}`,
      )
      .join(' ');
    const reason = `${job.invalid.length} of ${places.length} invites are invalid; nothing was sent. ${details}`;
    return { outcome: 'invalid', code: 'invalid_job', reason, status: 400 };
  }
  const items = job.valid.map((item) => ({ index: places[item.index]!, invite: item.invite }));
  // Known with its total before any item settles; a remainder job repeats this harmlessly.
  await recorder?.jobStarted(job.jobId, places.length, meta.source);
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
  });
  if (unsent.length === 0) return { outcome: 'fanned_out' };
  const remainder = encodeRemainderJob(job.jobId, unsent, meta.source, job.replacePending, stamp);
  await queue.send({ ...remainder, delaySeconds: retryDelaySeconds(1, failurePolicy) }).catch(() => {
    throw failure;
  });
  return { outcome: 'fanned_out_in_part' };
};
