/**
 * The operator's CloudWatch dashboard: the product at a glance. Invites created, deduplicated,
 * throttled, failed and dead-lettered, leavers offboarded; the bulk queue's depth and oldest
 * message; errors per function; and how long OpenAI takes, as the time of the functions that call
 * it. The counts are the worker's Powertools metrics (lib/bulk/worker.ts), namespace
 * METRICS_NAMESPACE, dimension `service`.
 */
import { Duration } from 'aws-cdk-lib';
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  SingleValueWidget,
  Stats,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ResourceGroup } from '../logical-ids';
import { METRICS_NAMESPACE } from './invites-alarms';

/** The worker's counters shown, by the names lib/bulk/worker.ts publishes. */
export const DASHBOARD_WORKER_METRICS = {
  InvitesCreated: 'created',
  InvitesDeduplicated: 'duplicates (already invited)',
  InvitesThrottled: 'throttled by OpenAI (429)',
  InvitesFailed: 'failed',
  MembersOffboarded: 'offboarded',
} as const;

/** The functions whose time is OpenAI's time, mostly: they call it once or a few times per request. */
export const OPENAI_CALLERS = ['list-invites', 'retrieve-invite', 'create-invite', 'delete-invite'] as const;

export interface InvitesDashboardProps {
  readonly dashboardName: string;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly functions: ReadonlyMap<string, IFunction>;
  /** The Powertools service name the functions publish under. */
  readonly serviceName: string;
}

export class InvitesDashboard extends ResourceGroup {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: InvitesDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const worker = (name: string, label: string): IMetric =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service: props.serviceName },
        statistic: Stats.SUM,
        period,
        label,
      });
    const invites = Object.entries(DASHBOARD_WORKER_METRICS).map(([name, label]) => worker(name, label));
    const deadLettered = props.deadLetterQueue.metricNumberOfMessagesSent({
      period,
      statistic: Stats.SUM,
      label: 'dead-lettered',
    });
    const functions = [...props.functions.entries()];
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(24),
      widgets: [
        [
          new TextWidget({
            markdown:
              '**OpenAI invites.** Dead letters: `openai-invites dlq list` (each with what to do). Jobs: `openai-invites jobs`. Everything at once: `openai-invites status`.',
            width: 24,
            height: 2,
          }),
        ],
        [
          new SingleValueWidget({
            title: 'Invites, last 24 h',
            metrics: [...invites, deadLettered].map((metric) =>
              (metric as Metric).with({ period: Duration.hours(24) }),
            ),
            width: 24,
            height: 4,
          }),
        ],
        [
          new GraphWidget({ title: 'Bulk invites', left: [...invites, deadLettered], width: 12, height: 6 }),
          new GraphWidget({
            title: 'Bulk queue',
            left: [
              props.queue.metricApproximateNumberOfMessagesVisible({ period, label: 'waiting' }),
              props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
                period,
                label: 'dead letters',
              }),
            ],
            right: [
              props.queue.metricApproximateAgeOfOldestMessage({
                period,
                statistic: Stats.MAXIMUM,
                label: 'oldest waiting (s)',
              }),
            ],
            width: 12,
            height: 6,
          }),
        ],
        [
          new GraphWidget({
            title: 'Errors per function',
            left: functions.map(([name, fn]) =>
              fn.metricErrors({ period, statistic: Stats.SUM, label: name }),
            ),
            width: 12,
            height: 6,
          }),
          new GraphWidget({
            title: 'OpenAI latency (p90 time of the functions that call it, ms)',
            left: functions
              .filter(([name]) => (OPENAI_CALLERS as readonly string[]).includes(name))
              .map(([name, fn]) =>
                fn.metricDuration({ period, statistic: Stats.percentile(90), label: name }),
              ),
            width: 12,
            height: 6,
          }),
        ],
      ],
    });
  }
}
