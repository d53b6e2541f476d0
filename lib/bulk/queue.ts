/**
 * The few queue operations the product uses, behind one interface: Amazon SQS in AWS (and
 * against moto), or the in-process queue of `npm start` (local/local-queue.ts).
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

/** SQS's own cap on entries per SendMessageBatch and per ReceiveMessage. */
export const MAX_BATCH_ENTRIES = 10;

export interface OutgoingMessage {
  /** Unique within one batch call. */
  id: string;
  body: string;
  /** String message attributes. */
  attributes?: Record<string, string>;
  delaySeconds?: number;
}

export interface FailedEntry {
  id: string;
  code: string;
  message: string;
  /** True when resending cannot help (the request itself was wrong). */
  senderFault: boolean;
}

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  /** System attributes: ApproximateReceiveCount, SentTimestamp, ... */
  systemAttributes: Record<string, string>;
  md5OfBody: string;
}

/** What a producer and the worker need. */
export interface MessageQueue {
  readonly url: string;
  /** The queue's ARN, as received records name it in `eventSourceARN` (when known). */
  readonly arn?: string;
  /** Up to 10 entries; the entries that failed, empty when all were sent. */
  sendBatch(entries: OutgoingMessage[]): Promise<FailedEntry[]>;
  send(message: Omit<OutgoingMessage, 'id'>): Promise<void>;
  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void>;
}

/** What an event source (the Lambda SQS poller, or its local stand-in) needs. */
export interface PollableQueue {
  readonly url: string;
  /** The queue's ARN, as records carry it in `eventSourceARN`. */
  readonly arn: string;
  receive(maxMessages: number, waitSeconds: number): Promise<ReceivedMessage[]>;
  deleteBatch(receiptHandles: string[]): Promise<void>;
}

const toAttributes = (attributes: Record<string, string> = {}): Record<string, MessageAttributeValue> =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );

/** `arn:aws:sqs:REGION:ACCOUNT:NAME` from a queue URL `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`. */
export const queueArnFromUrl = (url: string, region = process.env.AWS_REGION ?? 'us-east-1'): string => {
  const [account = '000000000000', name = 'queue'] = new URL(url).pathname.split('/').filter(Boolean);
  return `arn:aws:sqs:${region}:${account}:${name}`;
};

/** Amazon SQS (or moto) through the AWS SDK. */
export class SqsQueue implements MessageQueue, PollableQueue {
  readonly arn: string;

  constructor(
    readonly url: string,
    private readonly client: SQSClient = new SQSClient({}),
  ) {
    this.arn = queueArnFromUrl(url);
  }

  async sendBatch(entries: OutgoingMessage[]): Promise<FailedEntry[]> {
    const answer = await this.client.send(
      new SendMessageBatchCommand({
        QueueUrl: this.url,
        Entries: entries.map((entry) => ({
          Id: entry.id,
          MessageBody: entry.body,
          MessageAttributes: toAttributes(entry.attributes),
          DelaySeconds: entry.delaySeconds,
        })),
      }),
    );
    return (answer.Failed ?? []).map((failed) => ({
      id: failed.Id ?? '',
      code: failed.Code ?? 'Unknown',
      message: failed.Message ?? '',
      senderFault: failed.SenderFault ?? false,
    }));
  }

  async send(message: Omit<OutgoingMessage, 'id'>): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.url,
        MessageBody: message.body,
        MessageAttributes: toAttributes(message.attributes),
        DelaySeconds: message.delaySeconds,
      }),
    );
  }

  async changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.url,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: visibilityTimeoutSeconds,
      }),
    );
  }

  async receive(maxMessages: number, waitSeconds: number): Promise<ReceivedMessage[]> {
    const answer = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.url,
        MaxNumberOfMessages: Math.min(maxMessages, MAX_BATCH_ENTRIES),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return (answer.Messages ?? []).map((message) => ({
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          value.StringValue ?? '',
        ]),
      ),
      systemAttributes: { ...(message.Attributes ?? {}) } as Record<string, string>,
      md5OfBody: message.MD5OfBody ?? '',
    }));
  }

  async deleteBatch(receiptHandles: string[]): Promise<void> {
    for (let start = 0; start < receiptHandles.length; start += MAX_BATCH_ENTRIES) {
      const chunk = receiptHandles.slice(start, start + MAX_BATCH_ENTRIES);
      await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.url,
          Entries: chunk.map((receiptHandle, index) => ({ Id: String(index), ReceiptHandle: receiptHandle })),
        }),
      );
    }
  }
}
