/**
 * Where `openai-invites dlq` reads and redrives dead letters: an SQS dead-letter queue with the
 * AWS SDK (deployed, or `npm start` with INVITE_QUEUE_URL), or the in-process one of `npm start`
 * through its gateway's local-only routes (local/dead-letter-routes.ts).
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { ATTRIBUTE, redriveAttributes } from '../lib/bulk/messages';
import { selectsDeadLetter } from '../lib/bulk/dead-letter-select';
import { EXIT } from './exit-codes';
import { queueFailure } from './failures';
import { callGateway, CliFailure, type GatewayAuth, refused } from './gateway';
import { LOCAL_PATHS } from '../local/local-routes';

export interface DeadLetter {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
  /** Epoch milliseconds: when it was put in the DLQ (or, moved by SQS, first sent). */
  sentAt: number;
}

export interface RedriveResult {
  /** Moved back to the bulk queue (or, in a dry run, that would be). */
  moved: number;
  /** Selected but not taken by the bulk queue: left in the DLQ. */
  notMoved: number;
}

export interface DeadLetterListing {
  letters: DeadLetter[];
  /** The sweep stopped at MAX_SWEPT messages: there may be more. */
  truncated: boolean;
}

export interface DeadLetterSource {
  describe: string;
  list(jobId?: string): Promise<DeadLetterListing>;
  redrive(jobId: string | undefined, dryRun: boolean): Promise<RedriveResult>;
  /** Deletes the dead letters of `jobId` (of `code` only, when given); those deleted, or in a dry run those that would be. */
  discard(jobId: string, code: string | undefined, dryRun: boolean): Promise<DeadLetter[]>;
}

const ofJob = (jobId: string | undefined, attributes: Record<string, string>): boolean =>
  jobId === undefined || attributes[ATTRIBUTE.jobId] === jobId;

/** The in-process DLQ of the `npm start` gateway at `base` (…/v1). */
export const localDeadLetters = (base: string, auth: GatewayAuth): DeadLetterSource => {
  const origin = new URL(base).origin;
  const noRoutes = () =>
    new CliFailure(
      `The gateway at ${origin} serves no dead-letter routes: only \`npm start\` with its in-process queue does. For an SQS dead-letter queue (deployed, or npm start with INVITE_QUEUE_URL) pass --dlq-url (the stack's DeadLetterQueueUrl output) or INVITE_DLQ_URL, and --queue-url to redrive.`,
      EXIT.unreachable,
    );
  return {
    describe: `${origin}${LOCAL_PATHS.deadLetters} (npm start's in-process queue)`,
    async list(jobId) {
      const url = `${origin}${LOCAL_PATHS.deadLetters}${jobId ? `?job_id=${encodeURIComponent(jobId)}` : ''}`;
      const answer = await callGateway(url, base, { auth });
      if (answer.status === 404) throw noRoutes();
      if (answer.status !== 200) throw refused(url, answer);
      return { letters: (answer.body as { data: DeadLetter[] }).data, truncated: false };
    },
    async redrive(jobId, dryRun) {
      const url = `${origin}${LOCAL_PATHS.redrive}`;
      const answer = await callGateway(url, base, {
        auth,
        method: 'POST',
        body: { ...(jobId ? { job_id: jobId } : {}), dry_run: dryRun },
      });
      if (answer.status === 404) throw noRoutes();
      if (answer.status !== 200) throw refused(url, answer);
      const { moved, would_move: wouldMove } = answer.body as { moved?: number; would_move?: number };
      return { moved: (dryRun ? wouldMove : moved) ?? 0, notMoved: 0 };
    },
    async discard(jobId, code, dryRun) {
      const url = `${origin}${LOCAL_PATHS.discard}`;
      const answer = await callGateway(url, base, {
        auth,
        method: 'POST',
        body: { job_id: jobId, ...(code ? { code } : {}), dry_run: dryRun },
      });
      if (answer.status === 404) throw noRoutes();
      if (answer.status !== 200) throw refused(url, answer);
      return (answer.body as { data: DeadLetter[] }).data;
    },
  };
};

/** How long a sweep keeps the messages it read hidden, so that it reads each once. */
const HOLD_SECONDS = 120;
/** A sweep reads at most this many messages (a DLQ that large wants a look at its cause first). */
export const MAX_SWEPT = 10_000;
const BATCH = 10;

const attributesOf = (message: Message): Record<string, string> =>
  Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).flatMap(([name, value]) =>
      value.StringValue === undefined ? [] : [[name, value.StringValue]],
    ),
  );

const deadLetterOf = (message: Message): DeadLetter => ({
  messageId: message.MessageId ?? '',
  body: message.Body ?? '',
  attributes: attributesOf(message),
  sentAt: Number(message.Attributes?.SentTimestamp ?? Date.now()),
});

const inBatches = async <T>(items: T[], each: (batch: T[]) => Promise<void>): Promise<void> => {
  for (let start = 0; start < items.length; start += BATCH) await each(items.slice(start, start + BATCH));
};

/** An SQS dead-letter queue, and the bulk queue `queueUrl` that a redrive sends back to. */
export const sqsDeadLetters = (
  dlqUrl: string,
  queueUrl: string | undefined,
  client: SQSClient = new SQSClient({}),
): DeadLetterSource => {
  const failure = (error: unknown): CliFailure => {
    if (error instanceof CliFailure) return error;
    const said = queueFailure(dlqUrl, error).message;
    return new CliFailure(said, /does not exist|Cannot reach/.test(said) ? EXIT.unreachable : EXIT.failed);
  };
  const receive = async (waitSeconds: number): Promise<Message[]> =>
    (
      await client.send(
        new ReceiveMessageCommand({
          QueueUrl: dlqUrl,
          MaxNumberOfMessages: BATCH,
          WaitTimeSeconds: waitSeconds,
          VisibilityTimeout: HOLD_SECONDS,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      )
    ).Messages ?? [];
  const release = (messages: Message[]) =>
    inBatches(messages, async (batch) => {
      await client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: dlqUrl,
          Entries: batch.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    });
  /**
   * Reads every message once (each is held hidden while the sweep lasts), hands each batch to
   * `each`, which returns the messages to leave in the DLQ; those are made visible again at the end.
   */
  const sweep = async (each: (batch: Message[]) => Promise<Message[]>): Promise<boolean> => {
    const seen = new Set<string>();
    const kept: Message[] = [];
    try {
      while (seen.size < MAX_SWEPT) {
        // A short poll may miss messages; an empty one is confirmed by a long poll of 1 s.
        let batch = await receive(0);
        if (batch.length === 0) batch = await receive(1);
        const fresh = batch.filter((message) => !seen.has(message.MessageId ?? ''));
        kept.push(...batch.filter((message) => seen.has(message.MessageId ?? '')));
        if (fresh.length === 0) break;
        for (const message of fresh) seen.add(message.MessageId ?? '');
        kept.push(...(await each(fresh)));
      }
    } finally {
      await release(kept);
    }
    return seen.size >= MAX_SWEPT;
  };

  const entryOf = (message: Message, index: number) => ({
    Id: String(index),
    MessageBody: message.Body ?? '',
    MessageAttributes: Object.fromEntries(
      Object.entries(redriveAttributes(attributesOf(message))).map(([name, value]) => [
        name,
        { DataType: 'String', StringValue: value },
      ]),
    ),
  });
  /** Sends `messages` to the bulk queue; the places of those it did not take. */
  const sendBack = async (messages: Message[]): Promise<Set<number>> => {
    try {
      const answer = await client.send(
        new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map(entryOf) }),
      );
      return new Set((answer.Failed ?? []).map((entry) => Number(entry.Id)));
    } catch (error) {
      // Ten large dead letters (whole jobs) can pass the batch's 256 KB together: one by one, then.
      if ((error as Error).name === 'BatchRequestTooLong' && messages.length > 1) {
        const failed = new Set<number>();
        for (const [index, message] of messages.entries()) {
          if ((await sendBack([message])).size > 0) failed.add(index);
        }
        return failed;
      }
      throw new CliFailure(queueFailure(queueUrl ?? '', error).message, EXIT.failed);
    }
  };

  return {
    describe: dlqUrl,
    async list(jobId) {
      const found: DeadLetter[] = [];
      let truncated: boolean;
      try {
        truncated = await sweep(async (batch) => {
          found.push(...batch.map(deadLetterOf).filter((letter) => ofJob(jobId, letter.attributes)));
          return batch;
        });
      } catch (error) {
        throw failure(error);
      }
      return { letters: found, truncated };
    },
    async redrive(jobId, dryRun) {
      if (!queueUrl && !dryRun)
        throw new CliFailure(
          "dlq redrive needs the bulk queue to send to: pass --queue-url (the stack's QueueUrl output) or set INVITE_QUEUE_URL.",
          EXIT.usage,
        );
      const result: RedriveResult = { moved: 0, notMoved: 0 };
      try {
        await sweep(async (batch) => {
          const selected = batch.filter((message) => ofJob(jobId, attributesOf(message)));
          const others = batch.filter((message) => !selected.includes(message));
          if (dryRun || selected.length === 0) {
            result.moved += dryRun ? selected.length : 0;
            return batch;
          }
          const failed = await sendBack(selected);
          const sent = selected.filter((_, index) => !failed.has(index));
          // Sent first, deleted after: a crash in between sends one twice, which invites allow.
          if (sent.length > 0)
            await client.send(
              new DeleteMessageBatchCommand({
                QueueUrl: dlqUrl,
                Entries: sent.map((message, index) => ({
                  Id: String(index),
                  ReceiptHandle: message.ReceiptHandle,
                })),
              }),
            );
          result.moved += sent.length;
          result.notMoved += selected.length - sent.length;
          return [...others, ...selected.filter((_, index) => failed.has(index))];
        });
      } catch (error) {
        throw failure(error);
      }
      return result;
    },
    async discard(jobId, code, dryRun) {
      const chosen: DeadLetter[] = [];
      try {
        await sweep(async (batch) => {
          const selected = batch.filter((message) => selectsDeadLetter(attributesOf(message), jobId, code));
          chosen.push(...selected.map(deadLetterOf));
          if (dryRun || selected.length === 0) return batch;
          await client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: dlqUrl,
              Entries: selected.map((message, index) => ({
                Id: String(index),
                ReceiptHandle: message.ReceiptHandle,
              })),
            }),
          );
          return batch.filter((message) => !selected.includes(message));
        });
      } catch (error) {
        throw failure(error);
      }
      return chosen;
    },
  };
};
