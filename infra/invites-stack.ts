/**
 * The whole product in one stack, wired from the constructs in infra/constructs/ and the route
 * table (lib/http/routes.ts): one function per function file, one method per route, the bulk queue
 * and its DLQ, the webhook replay table, alarms and outputs. Logical IDs stay those of the stack
 * before it was split (infra/logical-ids.ts), so a deployed stack is updated in place.
 */
import { type CfnElement, CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { Alarm, Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ROUTES, type Route } from '../lib/http/routes';
import type { StackConfig } from './config';
import { BulkQueue } from './constructs/bulk-queue';
import { InvitesAlarms } from './constructs/invites-alarms';
import { InvitesDashboard } from './constructs/invites-dashboard';
import { InvitesApi } from './constructs/invites-api';
import type { InvitesFunction } from './constructs/invites-function';
import { InvitesFunctions } from './constructs/invites-functions';
import { InviteLedgerTable } from './constructs/invite-ledger-table';
import { WebhookReplayTable } from './constructs/webhook-replay-table';
import {
  API_FUNCTION_DEFAULTS,
  FUNCTION_NEEDS,
  type FunctionNeeds,
  SCHEDULED,
  type ScheduledSpec,
  WORKER_DEFAULTS,
  WORKERS,
  usesLedger,
  type WorkerSpec,
} from './functions';
import { stableLogicalId } from './logical-ids';

export { STAGE_NAME } from './constructs/invites-api';

const truncated = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

export interface InvitesStackProps extends StackProps {
  readonly config: StackConfig;
  /** Default: the route table. Tests add routes that have not landed yet. */
  readonly routes?: readonly Route[];
  /** Default: `WORKERS` (infra/functions.ts). */
  readonly workers?: readonly WorkerSpec[];
  /** Default: `SCHEDULED` (infra/functions.ts). */
  readonly scheduled?: readonly ScheduledSpec[];
  /** Merged over `FUNCTION_NEEDS` (infra/functions.ts). */
  readonly functionNeeds?: Readonly<Record<string, FunctionNeeds>>;
}

export class InvitesStack extends Stack {
  readonly api: RestApi;
  readonly queue: Queue;
  readonly leaverQueue: Queue;
  readonly deadLetterQueue: Queue;
  /** Webhook event ids claimed against replays; only when a function claims webhook events. */
  readonly webhookEventsTable?: TableV2;
  /** The invite ledger; only when a function reads or writes it. */
  readonly ledgerTable?: TableV2;
  /** Every function by its file name under `functions/`. */
  readonly functions: ReadonlyMap<string, InvitesFunction>;
  readonly alarms: readonly Alarm[];
  /** The operator's CloudWatch dashboard (infra/constructs/invites-dashboard.ts). */
  readonly dashboard: Dashboard;
  readonly alarmTopic?: Topic;

  constructor(scope: Construct, id: string, props: InvitesStackProps) {
    super(scope, id, props);
    const { config } = props;
    // The SCIM routes only with context `scim` (docs/scim.md).
    const routes = (props.routes ?? ROUTES).filter((route) => route.auth !== 'scim' || config.scim);
    const workers = props.workers ?? WORKERS;
    const allNeeds = { ...FUNCTION_NEEDS, ...props.functionNeeds };
    const needsOf = (functionName: string): FunctionNeeds => allNeeds[functionName] ?? {};

    const bulk = new BulkQueue(this, 'BulkQueue', {
      maxReceiveCount: config.maxReceiveCount,
      consumerTimeout: Duration.seconds(
        Math.max(
          WORKER_DEFAULTS.timeout.toSeconds(),
          ...workers.map((worker) => (worker.timeout ?? WORKER_DEFAULTS.timeout).toSeconds()),
        ),
      ),
    });
    this.queue = bulk.queue;
    this.leaverQueue = bulk.leaverQueue;
    this.deadLetterQueue = bulk.deadLetterQueue;
    if (Object.values(allNeeds).some((needs) => needs.claimsWebhookEvents)) {
      this.webhookEventsTable = new WebhookReplayTable(this, 'WebhookReplay').table;
    }

    if (Object.values(allNeeds).some(usesLedger)) {
      this.ledgerTable = new InviteLedgerTable(this, 'Ledger').table;
    }

    const functions = new InvitesFunctions(this, 'Functions', {
      config,
      queue: this.queue,
      leaverQueue: this.leaverQueue,
      deadLetterQueue: this.deadLetterQueue,
      webhookEventsTable: this.webhookEventsTable,
      ledgerTable: this.ledgerTable,
    });
    this.functions = functions.byName;
    for (const route of routes) {
      if (functions.byName.has(route.functionName)) continue;
      const served = routes.filter((other) => other.functionName === route.functionName);
      const open = served.some((other) => other.auth === 'webhook' || other.auth === 'scim');
      functions.add(
        route.functionName,
        // Lambda takes 256 characters of description (the SCIM function serves 17 routes).
        truncated(served.map((other) => `${other.method} ${other.path}`).join(', '), 256),
        {
          ...API_FUNCTION_DEFAULTS,
          // 20 rps × 28 s would otherwise hold ~560 executions of the account's pool when OpenAI hangs.
          reservedConcurrency: open ? config.webhookReservedConcurrency : config.apiReservedConcurrency,
        },
        needsOf(route.functionName),
      );
    }
    for (const worker of workers) functions.addWorker(worker, needsOf(worker.functionName));
    for (const spec of props.scheduled ?? SCHEDULED) functions.addScheduled(spec, needsOf(spec.functionName));
    bulk.onlyTheseMaySend(functions.queueSenders, config.queueOperatorRoleArns);
    bulk.onlyTheseMaySend(functions.leaverQueueSenders, config.queueOperatorRoleArns, bulk.leaverQueue);
    const authorizerFunction = config.authMode === 'token' ? functions.addTokenAuthorizer() : undefined;

    this.api = new InvitesApi(this, 'InvitesApi', {
      config,
      routes,
      functionOf: (functionName) => functions.byName.get(functionName)!,
      authorizerFunction,
      namePrefix: this.stackName,
    }).api;

    const alarms = new InvitesAlarms(this, 'Alarms', {
      alarmEmail: config.alarmEmail,
      queue: this.queue,
      leaverQueue: this.leaverQueue,
      deadLetterQueue: this.deadLetterQueue,
      routeLogGroups: new Map(
        [...new Set(routes.map((route) => route.functionName))].map((name) => [
          name,
          functions.byName.get(name)!.logGroup,
        ]),
      ),
      functions: this.functions,
      api: this.api,
    });
    this.alarms = alarms.alarms;
    this.dashboard = new InvitesDashboard(this, 'Dashboard', {
      dashboardName: `${this.stackName}-operations`,
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      functions: this.functions,
      serviceName: 'openai-invites',
    }).dashboard;
    this.alarmTopic = alarms.topic;

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'Base URL for OpenAI clients (…/v1/)',
    });
    new CfnOutput(this, 'QueueUrl', { value: this.queue.queueUrl, description: 'The bulk invite queue' });
    new CfnOutput(this, 'LeaverQueueUrl', {
      value: this.leaverQueue.queueUrl,
      description: "Leavers' revocations and offboarding (LEAVER_QUEUE_URL)",
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: this.deadLetterQueue.queueUrl,
      description: 'Bulk invites that failed for good',
    });
    // For the Admin-key secret's resource policy (README, Security): the only readers it needs.
    new CfnOutput(this, 'AdminKeyReaderRoleArns', {
      value: Fn.join(
        ',',
        functions.adminKeyReaders.map((role) => role.roleArn),
      ),
      description: 'Roles that read the Admin-key secret (for its resource policy)',
    });
    // For `openai-invites sweep --function NAME`: one sweep now, outside the schedule.
    const sweeper = functions.byName.get('invite-sweeper');
    if (sweeper) {
      new CfnOutput(this, 'InviteSweeperFunctionName', {
        value: sweeper.functionName,
        description: 'The invite sweeper (openai-invites sweep --function)',
      });
    }
  }

  /** CDK's rule on the construct path, without the constructs' own ids (infra/logical-ids.ts). */
  protected override allocateLogicalId(element: CfnElement): string {
    return stableLogicalId(this, element);
  }
}
