/**
 * The bulk invite queue, the leaver queue (revocations and offboarding, drained by the same worker
 * through its own event source, so a leaver never waits behind a joiner backlog) and their one
 * dead-letter queue: TLS only, SQS-managed encryption.
 */
import { Duration } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ResourceGroup } from '../logical-ids';
import { FAILURE_DEFAULTS } from '../../lib/bulk/failure-policy';

export interface BulkQueueProps {
  /** Receives of one message before it moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** The longest timeout among the queue's consumers. */
  readonly consumerTimeout: Duration;
}

/** How long the bulk queue keeps a message. */
export const QUEUE_RETENTION = Duration.days(4);
/** What a message's give-up time must leave before the queue would drop it unseen. */
export const GIVE_UP_MARGIN_HOURS = 12;

/**
 * Refuses at synth a queue that could drop a throttled message before the worker gives up on it
 * (THROTTLE_GIVE_UP_HOURS): its retention must exceed the give-up time by GIVE_UP_MARGIN_HOURS.
 */
export const checkRetention = (retention: Duration, giveUpHours: number): void => {
  if (retention.toHours() < giveUpHours + GIVE_UP_MARGIN_HOURS) {
    throw new Error(
      `The bulk queue keeps messages ${retention.toHours()} h: THROTTLE_GIVE_UP_HOURS (${giveUpHours}) needs at least ${giveUpHours + GIVE_UP_MARGIN_HOURS} h.`,
    );
  }
};

export class BulkQueue extends ResourceGroup {
  readonly queue: Queue;
  /** Leavers' messages, same format as the bulk queue's (LEAVER_QUEUE_URL). */
  readonly leaverQueue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: BulkQueueProps) {
    super(scope, id);
    checkRetention(QUEUE_RETENTION, FAILURE_DEFAULTS.throttleGiveUpHours);
    this.deadLetterQueue = new Queue(this, 'InviteDeadLetterQueue', {
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    const drained = {
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
      // AWS's advice for Lambda event sources: six times the consumer's timeout.
      visibilityTimeout: Duration.seconds(6 * props.consumerTimeout.toSeconds()),
      retentionPeriod: QUEUE_RETENTION,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    };
    this.queue = new Queue(this, 'InviteQueue', drained);
    // The same retention (checked above), redrive and encryption: only its place in line differs.
    this.leaverQueue = new Queue(this, 'LeaverQueue', drained);
  }

  /**
   * The queue obeys only its writers: `sqs:SendMessage` (which also authorises SendMessageBatch)
   * is denied to every principal but `senders` (the functions granted it) and `operatorRoleArns`,
   * whatever their IAM policies allow (`sqs:*` included). A message here is carried out with the
   * Admin key, which its sender may not be able to read.
   */
  onlyTheseMaySend(
    senders: readonly IRole[],
    operatorRoleArns: readonly string[],
    queue: Queue = this.queue,
  ): void {
    queue.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyTheProductAndItsOperatorsSend',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
        conditions: {
          ArnNotEquals: {
            'aws:PrincipalArn': [...senders.map((role) => role.roleArn), ...operatorRoleArns],
          },
        },
      }),
    );
  }
}
