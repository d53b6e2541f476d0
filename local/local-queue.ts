/**
 * An in-process queue with the SQS semantics the bulk worker relies on: batches of up to 10,
 * a visibility timeout, a receive count, ChangeMessageVisibility, and redrive to a dead-letter
 * queue once a message has been received `maxReceiveCount` times. `npm start` uses it when
 * INVITE_QUEUE_URL is not set.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  type FailedEntry,
  MAX_BATCH_ENTRIES,
  type MessageQueue,
  type OutgoingMessage,
  type PollableQueue,
  type ReceivedMessage,
} from '../lib/bulk/queue';

/** SQS's largest message. */
const MAX_MESSAGE_BYTES = 256 * 1024;
const POLL_INTERVAL_MS = 10;

export interface LocalQueueOptions {
  name: string;
  visibilityTimeoutSeconds?: number;
  /** With `deadLetterQueue`: receives after which the next receive moves the message there. */
  maxReceiveCount?: number;
  deadLetterQueue?: LocalQueue;
}

/** A message as `list()` shows it (the local gateway's dead-letter routes read the DLQ with it). */
export interface QueuedMessage {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
  /** Epoch milliseconds. */
  sentAt: number;
  receiveCount: number;
}

interface StoredMessage {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
  sentAt: number;
  firstReceivedAt?: number;
  visibleAt: number;
  receiveCount: number;
  receiptHandle?: string;
}

export class LocalQueue implements MessageQueue, PollableQueue {
  readonly url: string;
  readonly arn: string;
  readonly #messages: StoredMessage[] = [];
  readonly #visibilityTimeoutMs: number;
  readonly #maxReceiveCount?: number;
  readonly #deadLetterQueue?: LocalQueue;

  constructor(options: LocalQueueOptions) {
    this.url = `local://000000000000/${options.name}`;
    this.arn = `arn:aws:sqs:local:000000000000:${options.name}`;
    this.#visibilityTimeoutMs = (options.visibilityTimeoutSeconds ?? 30) * 1000;
    this.#maxReceiveCount = options.maxReceiveCount;
    this.#deadLetterQueue = options.deadLetterQueue;
  }

  /** Messages in the queue, in flight or not. */
  get size(): number {
    return this.#messages.length;
  }

  /** Bodies and attributes of every message, for tests and the console. */
  peek(): { body: string; attributes: Record<string, string>; receiveCount: number }[] {
    return this.#messages.map(({ body, attributes, receiveCount }) => ({ body, attributes, receiveCount }));
  }

  /** A snapshot of every message, in flight or not. */
  list(): QueuedMessage[] {
    return this.#messages.map(({ messageId, body, attributes, sentAt, receiveCount }) => ({
      messageId,
      body,
      attributes: { ...attributes },
      sentAt,
      receiveCount,
    }));
  }

  /**
   * Moves the messages `select` picks to `target` as new messages (visible at once, count 0), as
   * SQS's DLQ redrive does; `attributes` rewrites each one's attributes on the way. The count moved.
   */
  moveTo(
    target: LocalQueue,
    select: (message: QueuedMessage) => boolean,
    attributes: (current: Record<string, string>) => Record<string, string> = (current) => current,
  ): number {
    const moving = this.list().filter(select);
    const ids = new Set(moving.map((message) => message.messageId));
    for (let index = this.#messages.length - 1; index >= 0; index -= 1) {
      if (ids.has(this.#messages[index]!.messageId)) this.#messages.splice(index, 1);
    }
    for (const message of moving)
      target.#store({ body: message.body, attributes: attributes(message.attributes) });
    return moving.length;
  }

  async sendBatch(entries: OutgoingMessage[]): Promise<FailedEntry[]> {
    if (entries.length === 0 || entries.length > MAX_BATCH_ENTRIES) {
      throw new Error(`A batch holds 1 to ${MAX_BATCH_ENTRIES} entries, got ${entries.length}.`);
    }
    if (new Set(entries.map((entry) => entry.id)).size !== entries.length) {
      throw new Error('Batch entry ids must be unique.');
    }
    const failed: FailedEntry[] = [];
    for (const entry of entries) {
      if (Buffer.byteLength(entry.body) > MAX_MESSAGE_BYTES) {
        failed.push({
          id: entry.id,
          code: 'InvalidParameterValue',
          message: 'Message too long',
          senderFault: true,
        });
      } else {
        this.#store(entry);
      }
    }
    return failed;
  }

  async send(message: Omit<OutgoingMessage, 'id'>): Promise<void> {
    const [failed] = await this.sendBatch([{ ...message, id: '0' }]);
    if (failed) throw new Error(`${failed.code}: ${failed.message}`);
  }

  async changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    const message = this.#messages.find((candidate) => candidate.receiptHandle === receiptHandle);
    if (!message) throw new Error('ReceiptHandleIsInvalid');
    message.visibleAt = Date.now() + visibilityTimeoutSeconds * 1000;
  }

  async receive(maxMessages: number, waitSeconds: number): Promise<ReceivedMessage[]> {
    const giveUpAt = Date.now() + waitSeconds * 1000;
    for (;;) {
      const received = this.#receiveVisible(Math.min(maxMessages, MAX_BATCH_ENTRIES));
      if (received.length > 0 || Date.now() >= giveUpAt) return received;
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_INTERVAL_MS, giveUpAt - Date.now())));
    }
  }

  async deleteBatch(receiptHandles: string[]): Promise<void> {
    const handles = new Set(receiptHandles);
    for (let index = this.#messages.length - 1; index >= 0; index -= 1) {
      const handle = this.#messages[index]!.receiptHandle;
      if (handle && handles.has(handle)) this.#messages.splice(index, 1);
    }
  }

  #store(entry: Omit<OutgoingMessage, 'id'>): void {
    const now = Date.now();
    this.#messages.push({
      messageId: randomUUID(),
      body: entry.body,
      attributes: { ...entry.attributes },
      sentAt: now,
      visibleAt: now + (entry.delaySeconds ?? 0) * 1000,
      receiveCount: 0,
    });
  }

  #receiveVisible(maxMessages: number): ReceivedMessage[] {
    const now = Date.now();
    const received: ReceivedMessage[] = [];
    for (const message of [...this.#messages]) {
      if (received.length >= maxMessages) break;
      if (message.visibleAt > now) continue;
      if (
        this.#deadLetterQueue &&
        this.#maxReceiveCount !== undefined &&
        message.receiveCount >= this.#maxReceiveCount
      ) {
        // SQS moves a message on the receive after its count reached maxReceiveCount.
        this.#messages.splice(this.#messages.indexOf(message), 1);
        this.#deadLetterQueue.#store({ body: message.body, attributes: message.attributes });
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + this.#visibilityTimeoutMs;
      message.receiptHandle = randomUUID();
      received.push({
        messageId: message.messageId,
        receiptHandle: message.receiptHandle,
        body: message.body,
        attributes: { ...message.attributes },
        systemAttributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(message.sentAt),
          SenderId: 'LOCAL',
          ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
        },
        md5OfBody: createHash('md5').update(message.body).digest('hex'),
      });
    }
    return received;
  }
}
