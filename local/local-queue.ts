/**
 * An in-process queue with the SQS semantics the bulk worker relies on: batches of up to 10,
 * a visibility timeout, a receive count, ChangeMessageVisibility, and redrive to a dead-letter
 * queue once a message has been received `maxReceiveCount` times. `npm start` uses it when
 * INVITE_QUEUE_URL is not set, in its state store (local/state-store.ts), so the messages
 * outlive a restart; without a store it keeps them in a private in-memory database.
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
import { MAX_MESSAGE_BYTES, messageBytes } from '../lib/bulk/messages';
import { StateStore } from './state-store';

const POLL_INTERVAL_MS = 10;

export interface LocalQueueOptions {
  name: string;
  visibilityTimeoutSeconds?: number;
  /** With `deadLetterQueue`: receives after which the next receive moves the message there. */
  maxReceiveCount?: number;
  deadLetterQueue?: LocalQueue;
  /** Where the messages live; queues of one store are told apart by name. Default: in memory. */
  store?: StateStore;
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

interface Row {
  seq: number;
  message_id: string;
  body: string;
  attributes: string;
  sent_at: number;
  first_received_at: number | null;
  receive_count: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS queue_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    attributes TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    first_received_at INTEGER,
    visible_at INTEGER NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    receipt_handle TEXT UNIQUE
  );
  CREATE INDEX IF NOT EXISTS queue_messages_visible ON queue_messages (queue, visible_at, seq);
`;

const snapshot = (row: Row): QueuedMessage => ({
  messageId: row.message_id,
  body: row.body,
  attributes: JSON.parse(row.attributes) as Record<string, string>,
  sentAt: row.sent_at,
  receiveCount: row.receive_count,
});

export class LocalQueue implements MessageQueue, PollableQueue {
  readonly url: string;
  readonly arn: string;
  readonly #name: string;
  readonly #store: StateStore;
  readonly #visibilityTimeoutMs: number;
  readonly #maxReceiveCount?: number;
  readonly #deadLetterQueue?: LocalQueue;

  constructor(options: LocalQueueOptions) {
    this.url = `local://000000000000/${options.name}`;
    this.arn = `arn:aws:sqs:local:000000000000:${options.name}`;
    this.#name = options.name;
    this.#store = options.store ?? StateStore.inMemory();
    this.#store.db.exec(SCHEMA);
    this.#visibilityTimeoutMs = (options.visibilityTimeoutSeconds ?? 30) * 1000;
    this.#maxReceiveCount = options.maxReceiveCount;
    this.#deadLetterQueue = options.deadLetterQueue;
  }

  /** Messages in the queue, in flight or not. */
  get size(): number {
    const row = this.#store.db
      .prepare('SELECT count(*) AS n FROM queue_messages WHERE queue = ?')
      .get(this.#name) as { n: number };
    return row.n;
  }

  /** Bodies and attributes of every message, for tests and the console. */
  peek(): { body: string; attributes: Record<string, string>; receiveCount: number }[] {
    return this.list().map(({ body, attributes, receiveCount }) => ({ body, attributes, receiveCount }));
  }

  /** A snapshot of every message, in flight or not. */
  list(): QueuedMessage[] {
    const rows = this.#store.db
      .prepare('SELECT * FROM queue_messages WHERE queue = ? ORDER BY seq')
      .all(this.#name) as unknown as Row[];
    return rows.map(snapshot);
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
    this.#store.transaction(() => {
      for (const message of moving) {
        this.#remove(message.messageId);
        target.#insert({ body: message.body, attributes: attributes(message.attributes) });
      }
    });
    return moving.length;
  }

  /** Deletes the messages `select` picks (dead letters fixed at their source); the ones deleted. */
  discard(select: (message: QueuedMessage) => boolean): QueuedMessage[] {
    const discarding = this.list().filter(select);
    this.#store.transaction(() => {
      for (const message of discarding) this.#remove(message.messageId);
    });
    return discarding;
  }

  /**
   * Makes the messages received by an earlier process visible again: their consumer is gone, so
   * waiting out their visibility timeout would only delay them. The count released.
   */
  releaseInFlight(): number {
    const { changes } = this.#store.db
      .prepare(
        'UPDATE queue_messages SET visible_at = min(visible_at, ?), receipt_handle = NULL WHERE queue = ? AND receipt_handle IS NOT NULL',
      )
      .run(Date.now(), this.#name);
    return Number(changes);
  }

  async sendBatch(entries: OutgoingMessage[]): Promise<FailedEntry[]> {
    if (entries.length === 0 || entries.length > MAX_BATCH_ENTRIES) {
      throw new Error(`A batch holds 1 to ${MAX_BATCH_ENTRIES} entries, got ${entries.length}.`);
    }
    if (new Set(entries.map((entry) => entry.id)).size !== entries.length) {
      throw new Error('Batch entry ids must be unique.');
    }
    const failed: FailedEntry[] = [];
    this.#store.transaction(() => {
      for (const entry of entries) {
        // As SQS counts it: the body and the attributes together.
        if (messageBytes(entry) > MAX_MESSAGE_BYTES) {
          failed.push({
            id: entry.id,
            code: 'InvalidParameterValue',
            message: 'Message too long',
            senderFault: true,
          });
        } else {
          this.#insert(entry);
        }
      }
    });
    return failed;
  }

  async send(message: Omit<OutgoingMessage, 'id'>): Promise<void> {
    const [failed] = await this.sendBatch([{ ...message, id: '0' }]);
    if (failed) throw new Error(`${failed.code}: ${failed.message}`);
  }

  async changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    const { changes } = this.#store.db
      .prepare('UPDATE queue_messages SET visible_at = ? WHERE queue = ? AND receipt_handle = ?')
      .run(Date.now() + visibilityTimeoutSeconds * 1000, this.#name, receiptHandle);
    if (changes === 0) throw new Error('ReceiptHandleIsInvalid');
  }

  async receive(maxMessages: number, waitSeconds: number): Promise<ReceivedMessage[]> {
    const giveUpAt = Date.now() + waitSeconds * 1000;
    for (;;) {
      const limit = Math.min(maxMessages, MAX_BATCH_ENTRIES);
      const received = this.#store.transaction(() => this.#receiveVisible(limit));
      if (received.length > 0 || Date.now() >= giveUpAt) return received;
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_INTERVAL_MS, giveUpAt - Date.now())));
    }
  }

  async deleteBatch(receiptHandles: string[]): Promise<void> {
    const remove = this.#store.db.prepare(
      'DELETE FROM queue_messages WHERE queue = ? AND receipt_handle = ?',
    );
    this.#store.transaction(() => {
      for (const handle of receiptHandles) remove.run(this.#name, handle);
    });
  }

  #insert(entry: Omit<OutgoingMessage, 'id'>): void {
    const now = Date.now();
    this.#store.db
      .prepare(
        'INSERT INTO queue_messages (queue, message_id, body, attributes, sent_at, visible_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        this.#name,
        randomUUID(),
        entry.body,
        JSON.stringify({ ...entry.attributes }),
        now,
        now + (entry.delaySeconds ?? 0) * 1000,
      );
  }

  #remove(messageId: string): void {
    this.#store.db.prepare('DELETE FROM queue_messages WHERE message_id = ?').run(messageId);
  }

  #receiveVisible(maxMessages: number): ReceivedMessage[] {
    const now = Date.now();
    const visible = this.#store.db.prepare(
      'SELECT * FROM queue_messages WHERE queue = ? AND visible_at <= ? ORDER BY seq LIMIT ?',
    );
    const markReceived = this.#store.db.prepare(
      'UPDATE queue_messages SET receive_count = ?, first_received_at = ?, visible_at = ?, receipt_handle = ? WHERE seq = ?',
    );
    const received: ReceivedMessage[] = [];
    // Each pass takes the oldest visible ones; those it dead-letters leave room for another pass.
    for (;;) {
      const rows = visible.all(this.#name, now, maxMessages - received.length) as unknown as Row[];
      let deadLettered = false;
      for (const row of rows) {
        if (
          this.#deadLetterQueue &&
          this.#maxReceiveCount !== undefined &&
          row.receive_count >= this.#maxReceiveCount
        ) {
          // SQS moves a message on the receive after its count reached maxReceiveCount.
          this.#remove(row.message_id);
          this.#deadLetterQueue.#insert({ body: row.body, attributes: JSON.parse(row.attributes) });
          deadLettered = true;
          continue;
        }
        const receiveCount = row.receive_count + 1;
        const firstReceivedAt = row.first_received_at ?? now;
        const receiptHandle = randomUUID();
        markReceived.run(
          receiveCount,
          firstReceivedAt,
          now + this.#visibilityTimeoutMs,
          receiptHandle,
          row.seq,
        );
        received.push({
          messageId: row.message_id,
          receiptHandle,
          body: row.body,
          attributes: JSON.parse(row.attributes) as Record<string, string>,
          systemAttributes: {
            ApproximateReceiveCount: String(receiveCount),
            SentTimestamp: String(row.sent_at),
            SenderId: 'LOCAL',
            ApproximateFirstReceiveTimestamp: String(firstReceivedAt),
          },
          md5OfBody: createHash('md5').update(row.body).digest('hex'),
        });
      }
      // Only dead-lettering frees room for more; received ones are no longer visible (or, with a
      // zero visibility timeout, must not come back within the same receive).
      if (!deadLettered || received.length >= maxMessages) return received;
    }
  }
}
