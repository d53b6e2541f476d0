/**
 * The stack's alarms, and the SNS topic that mails them when an address is configured: encrypted
 * with a key CloudWatch may use, TLS only.
 */
import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, type IMetric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ResourceGroup } from '../logical-ids';
import { pascalCase } from './invites-functions';

export interface InvitesAlarmsProps {
  /** Alarms notify this address; unset = alarms without notification. */
  readonly alarmEmail?: string;
  readonly deadLetterQueue: Queue;
  readonly functions: ReadonlyMap<string, IFunction>;
  readonly api: RestApi;
}

export class InvitesAlarms extends ResourceGroup {
  readonly alarms: Alarm[] = [];
  readonly topic?: Topic;

  constructor(scope: Construct, id: string, props: InvitesAlarmsProps) {
    super(scope, id);
    if (props.alarmEmail) this.topic = this.makeTopic(props.alarmEmail);
    this.alarm(
      'DeadLetterQueueNotEmpty',
      'Bulk invites that could not be sent are waiting in the dead-letter queue.',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: Stats.MAXIMUM,
      }),
      1,
    );
    for (const [functionName, fn] of props.functions) {
      const name = pascalCase(functionName);
      this.alarm(
        `${name}Errors`,
        `functions/${functionName}.ts failed (uncaught errors or timeouts).`,
        fn.metricErrors({ period: Duration.minutes(5), statistic: Stats.SUM }),
        1,
      );
      this.alarm(
        `${name}Throttles`,
        `functions/${functionName}.ts was throttled.`,
        fn.metricThrottles({ period: Duration.minutes(5), statistic: Stats.SUM }),
        1,
      );
    }
    this.alarm(
      'Api5xx',
      'The API answered with a 5xx (OpenAI unreachable, the Admin key refused or unreadable, a function failed).',
      props.api.metricServerError({ period: Duration.minutes(5), statistic: Stats.SUM }),
      1,
    );
  }

  private alarm(alarmId: string, description: string, metric: IMetric, threshold: number): void {
    const created = new Alarm(this, alarmId, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (this.topic) created.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(created);
  }

  private makeTopic(email: string): Topic {
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the invites stack alarm topic',
      enableKeyRotation: true,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    topic.addSubscription(new EmailSubscription(email));
    return topic;
  }
}
