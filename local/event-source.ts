/**
 * Behaves like the Lambda SQS event source mapping, against any PollableQueue (a real SQS
 * queue, moto, or the in-process LocalQueue): up to `maxConcurrency` pollers, each receiving a
 * batch (filling it for up to the batching window), invoking the handler with an SQSEvent, and
 * deleting the records that are not in `batchItemFailures` (ReportBatchItemFailures). A handler
 * that throws, or names a record that is not in the batch, fails the whole batch; failed records
 * come back after their visibility timeout.
 */
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { PollableQueue, ReceivedMessage } from '../lib/bulk/queue';
import { lambdaContext } from './lambda-context';

/** Resolves to an SQSBatchResponse, or to nothing when every record succeeded. */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<unknown>;

export interface EventSourceOptions {
  queue: PollableQueue;
  /** One handler per concurrent poller: each stands for one warm Lambda container. */
  handlerFor: (slot: number) => SqsHandler;
  functionName?: string;
  batchSize?: number;
  maxBatchingWindowMs?: number;
  maxConcurrency?: number;
  functionTimeoutMs?: number;
  /** Told after each invocation (for logs and benchmarks). */
  onInvocation?: (outcome: { slot: number; records: number; failed: number; error?: unknown }) => void;
}

const toRecord = (message: ReceivedMessage, queue: PollableQueue): SQSRecord => ({
  messageId: message.messageId,
  receiptHandle: message.receiptHandle,
  body: message.body,
  attributes: {
    ApproximateReceiveCount: message.systemAttributes.ApproximateReceiveCount ?? '1',
    SentTimestamp: message.systemAttributes.SentTimestamp ?? String(Date.now()),
    SenderId: message.systemAttributes.SenderId ?? 'LOCAL',
    ApproximateFirstReceiveTimestamp:
      message.systemAttributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  },
  messageAttributes: Object.fromEntries(
    Object.entries(message.attributes).map(([name, value]) => [
      name,
      { stringValue: value, stringListValues: [], binaryListValues: [], dataType: 'String' },
    ]),
  ),
  md5OfBody: message.md5OfBody,
  eventSource: 'aws:sqs',
  eventSourceARN: queue.arn,
  awsRegion: queue.arn.split(':')[3] ?? 'local',
});

/** The receipt handles to delete after an invocation: all but the reported failures. */
const handledReceipts = (records: SQSRecord[], response: unknown): string[] => {
  const failures = (response as SQSBatchResponse | undefined)?.batchItemFailures ?? [];
  const ids = new Set(records.map((record) => record.messageId));
  // Lambda fails the whole batch when a reported identifier is not one of its records.
  if (failures.some((failure) => !ids.has(failure.itemIdentifier))) return [];
  const failed = new Set(failures.map((failure) => failure.itemIdentifier));
  return records.filter((record) => !failed.has(record.messageId)).map((record) => record.receiptHandle);
};

export class QueueEventSource {
  readonly #options: Required<Omit<EventSourceOptions, 'onInvocation'>> &
    Pick<EventSourceOptions, 'onInvocation'>;
  #running = false;
  #loops: Promise<void>[] = [];

  constructor(options: EventSourceOptions) {
    this.#options = {
      functionName: 'bulk-invite-worker',
      batchSize: 10,
      maxBatchingWindowMs: 0,
      maxConcurrency: 2,
      functionTimeoutMs: 60_000,
      ...options,
    };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loops = Array.from({ length: this.#options.maxConcurrency }, (_, slot) => this.#poll(slot));
  }

  /** Stops polling and waits for the invocations in flight. */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
    this.#loops = [];
  }

  async #receiveBatch(): Promise<ReceivedMessage[]> {
    const { queue, batchSize, maxBatchingWindowMs } = this.#options;
    const windowEndsAt = Date.now() + maxBatchingWindowMs;
    // A short long-poll keeps stop() prompt; the window then fills the batch.
    const batch = await queue.receive(batchSize, 1);
    while (batch.length > 0 && batch.length < batchSize && Date.now() < windowEndsAt && this.#running) {
      batch.push(...(await queue.receive(batchSize - batch.length, 0)));
      if (batch.length < batchSize) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return batch;
  }

  async #poll(slot: number): Promise<void> {
    const { queue, functionName, functionTimeoutMs, onInvocation } = this.#options;
    const handler = this.#options.handlerFor(slot);
    while (this.#running) {
      let messages: ReceivedMessage[];
      try {
        messages = await this.#receiveBatch();
      } catch (error) {
        onInvocation?.({ slot, records: 0, failed: 0, error });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        continue;
      }
      if (messages.length === 0) continue;
      const records = messages.map((message) => toRecord(message, queue));
      let toDelete: string[] = [];
      let error: unknown;
      try {
        const response = await handler({ Records: records }, lambdaContext(functionName, functionTimeoutMs));
        toDelete = handledReceipts(records, response);
      } catch (caught) {
        error = caught;
      }
      if (toDelete.length > 0)
        await queue.deleteBatch(toDelete).catch((caught: unknown) => (error ??= caught));
      onInvocation?.({ slot, records: records.length, failed: records.length - toDelete.length, error });
    }
  }
}
