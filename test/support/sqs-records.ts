/**
 * SQS records and events for the worker's unit tests, as Powertools' batch tests build them
 * (`packages/batch/tests/helpers/factories.ts`): a valid record by default, overrides by name.
 */
import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

export interface RecordOverrides {
  /** String message attributes (`job_id`, `source`, `action`, `attempt`, …). */
  attributes?: Record<string, string>;
  /** ApproximateReceiveCount (default 1). */
  receiveCount?: number;
  messageId?: string;
}

/** One SQS record; an object body is sent as its JSON. */
export const sqsRecord = (body: unknown, overrides: RecordOverrides = {}): SQSRecord => ({
  messageId: overrides.messageId ?? randomUUID(),
  receiptHandle: `receipt-${randomUUID()}`,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  attributes: {
    ApproximateReceiveCount: String(overrides.receiveCount ?? 1),
    SentTimestamp: String(Date.now()),
    SenderId: 'AIDAEXAMPLE',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: Object.fromEntries(
    Object.entries(overrides.attributes ?? {}).map(([name, value]) => [
      name,
      { stringValue: value, stringListValues: [], binaryListValues: [], dataType: 'String' },
    ]),
  ),
  md5OfBody: 'not-checked',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:invites',
  awsRegion: 'us-east-1',
});

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
