/** Queues in the test run's moto_server, through the real AWS SDK. */
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type PollableQueue, SqsQueue } from '../../lib/bulk/queue';

export const sqs = new SQSClient({});

export interface QueuePair {
  queue: SqsQueue;
  deadLetterQueue: SqsQueue;
}

/** A queue with a dead-letter queue and a redrive policy, as the stack makes them. */
export const createQueuePair = async (
  options: { visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {},
): Promise<QueuePair> => {
  const name = `invites-${randomUUID().slice(0, 8)}`;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: options.maxReceiveCount ?? 3,
        }),
      },
    }),
  );
  return { queue: new SqsQueue(queue.QueueUrl!, sqs), deadLetterQueue: new SqsQueue(dlq.QueueUrl!, sqs) };
};

/** Every visible message left in a queue, deleted as it is read. */
export const drain = async (
  queue: PollableQueue,
): Promise<{ body: string; attributes: Record<string, string> }[]> => {
  const all = [];
  for (;;) {
    const batch = await queue.receive(10, 0);
    if (batch.length === 0) return all;
    all.push(...batch.map(({ body, attributes }) => ({ body, attributes })));
    await queue.deleteBatch(batch.map((message) => message.receiptHandle));
  }
};
