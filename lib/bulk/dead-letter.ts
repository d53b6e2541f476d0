/**
 * Writes what the worker dead-letters itself: the record's body and attributes, plus
 * FAILURE_ATTRIBUTE (`failure_code`, `failure_reason`, …) saying why. Messages that SQS moves to
 * the DLQ by redrive (receives exhausted) have no `failure_code`: that is how the runbook tells
 * the two apart (README, "Runbook").
 */
import type { SQSRecord } from 'aws-lambda';
import { logger } from '../commons/logger';
import { ATTRIBUTE, FAILURE_ATTRIBUTE, stringAttributes } from './messages';
import type { MessageQueue } from './queue';

export interface DeadLetterFailure {
  code: string;
  reason: string;
  status?: number;
  /** Attributes added to the record's own (e.g. an item's index). */
  extra?: Record<string, string>;
  /** Another body than the record's (e.g. one item of a job). */
  body?: string;
  /** The record's attributes left out (e.g. a job's `indexes` on one item's dead letter). */
  without?: string[];
}

/** SQS allows 256 KB per message; a reason this long is already unreadable. */
const MAX_REASON_CHARS = 1000;

/** SQS takes at most ten attributes a message. */
export const MAX_MESSAGE_ATTRIBUTES = 10;

/**
 * Left out first when a dead letter would carry more than SQS takes (a webhook's invite with its
 * event, groups and throttling already has seven): what the dead-letter log line keeps anyway, then
 * what a redrive drops. The code and reason, and what the record needs to be redriven, stay.
 */
const DROPPABLE = [
  FAILURE_ATTRIBUTE.status,
  FAILURE_ATTRIBUTE.messageId,
  ATTRIBUTE.attempt,
  ATTRIBUTE.throttledSince,
  FAILURE_ATTRIBUTE.receiveCount,
] as const;

export const failureAttributes = (record: SQSRecord, failure: DeadLetterFailure): Record<string, string> => {
  const attributes: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(stringAttributes(record)).filter(([name]) => !failure.without?.includes(name)),
    ),
    ...failure.extra,
    [FAILURE_ATTRIBUTE.reason]: failure.reason.slice(0, MAX_REASON_CHARS),
    [FAILURE_ATTRIBUTE.code]: failure.code,
    ...(failure.status ? { [FAILURE_ATTRIBUTE.status]: String(failure.status) } : {}),
    [FAILURE_ATTRIBUTE.messageId]: record.messageId,
    [FAILURE_ATTRIBUTE.receiveCount]: record.attributes.ApproximateReceiveCount,
  };
  for (const name of DROPPABLE) {
    if (Object.keys(attributes).length <= MAX_MESSAGE_ATTRIBUTES) break;
    delete attributes[name];
  }
  return attributes;
};

export class DeadLetterWriter {
  constructor(private readonly queue: MessageQueue) {}

  /** Sends the record (or `failure.body`) to the DLQ with its reason; throws if SQS refuses. */
  async write(record: SQSRecord, failure: DeadLetterFailure): Promise<void> {
    await this.queue.send({
      body: failure.body ?? record.body,
      attributes: failureAttributes(record, failure),
    });
    logger.warn('bulk record dead-lettered', {
      messageId: record.messageId,
      failureCode: failure.code,
      reason: failure.reason,
    });
  }
}
