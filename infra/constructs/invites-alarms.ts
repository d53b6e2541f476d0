/**
 * The stack's alarms, and the SNS topic that mails them (alarm and OK) when an address is
 * configured: encrypted with a key CloudWatch may use, TLS only, and publishable by this account's
 * CloudWatch alarms (a TLS-only policy alone replaces SNS's default one, and alarms could not
 * publish). Thresholds need a sustained or repeated breach, so one stray error mails nobody.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ResourceGroup } from '../logical-ids';
import { pascalCase } from './invites-functions';

/** Custom metrics of the stack (metric filters on the functions' request log lines). */
export const METRICS_NAMESPACE = 'OpenAIInvites';
/** API answers ≥ 500 that pass on OpenAI's outage: its own 5xx, a timeout, no connection. */
export const UPSTREAM_OUTAGE_METRIC = 'UpstreamOutageAnswers';

/** One place for what "something is wrong" means; every period is 5 minutes unless said. */
export const ALARM_POLICY = {
  /** Failures of a function in 2 of 3 periods, at least 2 each: a pattern, not a blip. */
  functionErrors: { threshold: 2, datapoints: 2, periods: 3 },
  /** Throttles mean the reserved concurrency (or the account's) is reached. */
  functionThrottles: { threshold: 5, datapoints: 2, periods: 3 },
  /** The product's own 5xx (gateway and functions, OpenAI's outages excluded), per period. */
  productServerErrors: { threshold: 3, datapoints: 2, periods: 3 },
  /** p99 latency in ms; API functions give up after 28 s. */
  apiLatencyP99Ms: { threshold: 10_000, datapoints: 3, periods: 3 },
  /**
   * Oldest bulk message, seconds: an hour is far beyond a paced job of thousands of invites
   * (openAiRateLimitRps), so the worker is stuck or failing.
   */
  bulkBacklogAgeSeconds: { threshold: 3_600, datapoints: 2, periods: 2 },
  /**
   * Oldest leaver message, seconds: a leaver is applied within seconds, so a quarter of an hour
   * means the worker is stuck, failing or throttled on a security action.
   */
  leaverBacklogAgeSeconds: { threshold: 900, datapoints: 2, periods: 2 },
  /** A reconcile or sweep stopped by its brakes: someone must look at the plan before it acts. */
  reconcileBrakeEngaged: { threshold: 1, datapoints: 1, periods: 1 },
} as const;

/** The reconciler's brakes (lib/lifecycle/reconcile-run.ts), as Powertools publishes it. */
export const RECONCILE_BRAKE_METRIC = 'ReconcileBrakeEngaged';

export interface InvitesAlarmsProps {
  /** Alarms notify this address; unset = alarms without notification. */
  readonly alarmEmail?: string;
  readonly queue: Queue;
  /** The leaver queue, when the stack has one. */
  readonly leaverQueue?: Queue;
  readonly deadLetterQueue: Queue;
  readonly functions: ReadonlyMap<string, IFunction>;
  /** The log groups of the functions behind routes: their request lines name OpenAI's outages. */
  readonly routeLogGroups: ReadonlyMap<string, ILogGroup>;
  readonly api: RestApi;
}

export class InvitesAlarms extends ResourceGroup {
  readonly alarms: Alarm[] = [];
  readonly topic?: Topic;

  constructor(scope: Construct, id: string, props: InvitesAlarmsProps) {
    super(scope, id);
    if (props.alarmEmail) this.topic = this.makeTopic(props.alarmEmail);
    const fiveMinutes = Duration.minutes(5);
    this.alarm(
      'DeadLetterQueueNotEmpty',
      'Bulk invites that could not be sent are waiting in the dead-letter queue.',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: Stats.MAXIMUM,
      }),
      { threshold: 1, datapoints: 1, periods: 1 },
    );
    this.alarm(
      'BulkBacklogAge',
      'The oldest bulk invite has waited over an hour: the worker is stuck, failing or throttled.',
      props.queue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: Stats.MAXIMUM }),
      ALARM_POLICY.bulkBacklogAgeSeconds,
    );
    if (props.leaverQueue)
      this.alarm(
        'LeaverBacklogAge',
        "The oldest leaver's revocation has waited over 15 minutes: the worker is stuck, failing or throttled.",
        props.leaverQueue.metricApproximateAgeOfOldestMessage({
          period: fiveMinutes,
          statistic: Stats.MAXIMUM,
        }),
        ALARM_POLICY.leaverBacklogAgeSeconds,
      );
    for (const [functionName, fn] of props.functions) {
      const name = pascalCase(functionName);
      this.alarm(
        `${name}Errors`,
        `functions/${functionName}.ts failed (uncaught errors or timeouts) repeatedly.`,
        fn.metricErrors({ period: fiveMinutes, statistic: Stats.SUM }),
        ALARM_POLICY.functionErrors,
      );
      this.alarm(
        `${name}Throttles`,
        `functions/${functionName}.ts was throttled repeatedly (its reserved concurrency is reached).`,
        fn.metricThrottles({ period: fiveMinutes, statistic: Stats.SUM }),
        ALARM_POLICY.functionThrottles,
      );
    }

    // The functions log one JSON line per request (lib/http/http-handler.ts); a 5xx that passes on
    // OpenAI's outage names an `upstream_*` code or carries OpenAI's request id.
    for (const [functionName, logGroup] of props.routeLogGroups) {
      new MetricFilter(this, `${pascalCase(functionName)}UpstreamOutages`, {
        logGroup,
        metricNamespace: METRICS_NAMESPACE,
        metricName: UPSTREAM_OUTAGE_METRIC,
        metricValue: '1',
        defaultValue: 0,
        filterPattern: FilterPattern.all(
          FilterPattern.numberValue('$.statusCode', '>=', 500),
          FilterPattern.any(
            FilterPattern.stringValue('$.errorCode', '=', 'upstream_*'),
            FilterPattern.exists('$.error.upstreamRequestId'),
          ),
        ),
      });
    }
    const upstreamOutages = new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: UPSTREAM_OUTAGE_METRIC,
      period: fiveMinutes,
      statistic: Stats.SUM,
    });
    this.alarm(
      'Api5xx',
      'The API answered 5xx of its own (a function failed, the Admin key refused or unreadable, a gateway error); OpenAI’s outages passed on are not counted.',
      new MathExpression({
        expression: 'FILL(all5xx, 0) - FILL(upstream, 0)',
        label: 'Product 5xx answers',
        usingMetrics: {
          all5xx: props.api.metricServerError({ period: fiveMinutes, statistic: Stats.SUM }),
          upstream: upstreamOutages,
        },
        period: fiveMinutes,
      }),
      ALARM_POLICY.productServerErrors,
    );
    this.alarm(
      'ReconcileBrakeEngaged',
      'A sweep or roster reconcile would have revoked or removed more people than RECONCILE_MAX_REMOVALS and stopped before acting: read its plan.',
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: RECONCILE_BRAKE_METRIC,
        dimensionsMap: { service: 'openai-invites' },
        period: fiveMinutes,
        statistic: Stats.SUM,
      }),
      ALARM_POLICY.reconcileBrakeEngaged,
    );
    this.alarm(
      'ApiLatencyP99',
      'The API’s p99 latency stayed above 10 s: OpenAI is slow or the functions are starved.',
      props.api.metricLatency({ period: fiveMinutes, statistic: Stats.p(99) }),
      ALARM_POLICY.apiLatencyP99Ms,
    );
  }

  private alarm(
    alarmId: string,
    description: string,
    metric: IMetric,
    policy: { threshold: number; datapoints: number; periods: number },
  ): void {
    const created = new Alarm(this, alarmId, {
      alarmDescription: description,
      metric,
      threshold: policy.threshold,
      evaluationPeriods: policy.periods,
      datapointsToAlarm: policy.datapoints,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (this.topic) {
      created.addAlarmAction(new SnsAction(this.topic));
      created.addOkAction(new SnsAction(this.topic));
    }
    this.alarms.push(created);
  }

  private makeTopic(email: string): Topic {
    const { account, region, partition } = Stack.of(this);
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    // This account's alarms only (the confused-deputy guard AWS recommends for service principals).
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
    };
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the invites stack alarm topic',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsEncrypt',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOurAlarms,
      }),
    );
    const topic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: fromOurAlarms,
      }),
    );
    topic.addSubscription(new EmailSubscription(email));
    return topic;
  }
}
