/**
 * Every function of the product, each with exactly the environment and grants its needs call for
 * (infra/functions.ts), and the bulk workers fed by the bulk queue.
 */
import { BUDGET_KEY_PREFIX } from '../../lib/budget/keys';
import { JOBS_INDEX, NEEDS_ACTION_INDEX } from '../../lib/ledger/dynamodb-items';
import { Duration } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ENV } from '../../lib/commons/env';
import type { StackConfig } from '../config';
import {
  type FunctionNeeds,
  SCHEDULED_DEFAULTS,
  type ScheduledSpec,
  usesLedger,
  WORKER_DEFAULTS,
  type WorkerSpec,
} from '../functions';
import { ResourceGroup } from '../logical-ids';
import { importSecret } from '../secrets';
import { InvitesFunction } from './invites-function';

export const pascalCase = (name: string): string =>
  name.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_match, _separator, letter: string) =>
    letter.toUpperCase(),
  );

/** The leaver queue's event source: Lambda's least maximum concurrency (leavers are few). */
export const LEAVER_EVENT_SOURCE_CONCURRENCY = 2;

export interface InvitesFunctionsProps {
  readonly config: StackConfig;
  readonly queue: Queue;
  /** Leavers' messages: sent by the functions that need it, drained by every worker. */
  readonly leaverQueue: Queue;
  readonly deadLetterQueue: Queue;
  /** Only when a function claims webhook events. */
  readonly webhookEventsTable?: TableV2;
  /** Only when a function reads or writes the ledger. */
  readonly ledgerTable?: TableV2;
}

export interface FunctionSizing {
  readonly timeout: Duration;
  readonly memorySize: number;
  /** Caps what the function can take from the account's pool when OpenAI hangs. */
  readonly reservedConcurrency: number;
}

export class InvitesFunctions extends ResourceGroup {
  /** Every function by its file name under `functions/`. */
  readonly byName = new Map<string, InvitesFunction>();
  /** The roles granted `sqs:SendMessage` on the bulk queue: the queue's policy denies all others. */
  readonly queueSenders: IRole[] = [];
  /** The roles granted `sqs:SendMessage` on the leaver queue: its policy denies all others. */
  readonly leaverQueueSenders: IRole[] = [];
  /** The roles that may read the Admin-key secret (for the secret's own resource policy, README). */
  readonly adminKeyReaders: IRole[] = [];
  private readonly adminKeySecret: ISecret;
  private readonly webhookSecrets?: ISecret;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: InvitesFunctionsProps,
  ) {
    super(scope, id);
    const { config } = props;
    this.adminKeySecret = importSecret(this, 'AdminKeySecret', config.adminKeySecretId);
    if (config.webhookSecretsSecretId) {
      this.webhookSecrets = importSecret(this, 'WebhookSecrets', config.webhookSecretsSecretId);
    }
  }

  /** Makes one function with the environment and grants `needs` call for. */
  add(
    functionName: string,
    description: string,
    sizing: FunctionSizing,
    needs: FunctionNeeds,
    extraEnvironment: Record<string, string> = {},
  ): InvitesFunction {
    const { config, queue, leaverQueue, webhookEventsTable, ledgerTable } = this.props;
    const environment: Record<string, string> = { ...extraEnvironment };
    if (needs.callsOpenAI ?? true) {
      environment[ENV.adminKeySecretId] = config.adminKeySecretId;
      if (config.upstreamUrl) environment[ENV.invitesUpstreamUrl] = config.upstreamUrl;
    }
    if (needs.sendsToInviteQueue) environment[ENV.inviteQueueUrl] = queue.queueUrl;
    if (needs.sendsToLeaverQueue) environment[ENV.leaverQueueUrl] = leaverQueue.queueUrl;
    if (needs.readsWebhookSecrets) {
      if (!config.webhookSecretsSecretId) {
        throw new Error(
          `functions/${functionName}.ts reads the webhook secrets: set context webhookSecretsSecretId.`,
        );
      }
      environment[ENV.webhookSecretsSecretId] = config.webhookSecretsSecretId;
    }
    if (needs.claimsWebhookEvents && webhookEventsTable) {
      environment[ENV.webhookDedupeTable] = webhookEventsTable.tableName;
      environment[ENV.webhookDedupeWindowSeconds] = String(config.webhookDedupeWindowSeconds);
      environment[ENV.webhookDefaultRole] = config.webhookDefaultRole;
      environment[ENV.webhookMaxRole] = config.webhookMaxRole;
      environment[ENV.webhookMaxProjectRole] = config.webhookMaxProjectRole;
      if (config.webhookDepartmentProjects)
        environment[ENV.webhookDepartmentProjects] = config.webhookDepartmentProjects;
      if (config.webhookDepartmentGroups)
        environment[ENV.webhookDepartmentGroups] = config.webhookDepartmentGroups;
    }
    if (needs.offboards) {
      environment[ENV.offboardMembers] = String(config.offboardMembers);
      environment[ENV.revokeLeaverKeys] = String(config.revokeLeaverKeys);
    }
    if (needs.readsScimToken) {
      environment[ENV.scimTokenSecretId] = config.scimTokenSecretName;
      if (config.scimGroupMap) environment[ENV.scimGroupMap] = config.scimGroupMap;
    }
    if (usesLedger(needs) && ledgerTable) {
      environment[ENV.inviteLedgerTable] = ledgerTable.tableName;
    }
    // Every caller of OpenAI takes the one shared budget, kept in the ledger table (lib/budget/).
    if ((needs.callsOpenAI ?? true) && ledgerTable) {
      environment[ENV.inviteLedgerTable] = ledgerTable.tableName;
      environment[ENV.rateLimitRps] ??= String(config.openAiRateLimitRps);
    }
    const fn = new InvitesFunction(this, pascalCase(functionName), {
      functionName,
      description,
      timeout: needs.timeout ?? sizing.timeout,
      memorySize: needs.memorySize ?? sizing.memorySize,
      logRetention: config.logRetentionDays,
      environment,
      sourceMaps: config.sourceMaps,
      reservedConcurrency: sizing.reservedConcurrency,
    });
    // Exactly the secrets and the queue this function uses, nothing broader.
    if (needs.callsOpenAI ?? true) {
      this.adminKeySecret.grantRead(fn);
      this.adminKeyReaders.push(fn.role!);
    }
    if (needs.readsWebhookSecrets) this.webhookSecrets?.grantRead(fn);
    if (needs.readsScimToken) importSecret(this, 'ScimTokenSecret', config.scimTokenSecretName).grantRead(fn);
    if (needs.sendsToInviteQueue) {
      queue.grantSendMessages(fn);
      this.queueSenders.push(fn.role!);
    }
    if (needs.sendsToLeaverQueue) {
      leaverQueue.grantSendMessages(fn);
      this.leaverQueueSenders.push(fn.role!);
    }
    // Claim an event id, and release the claim when enqueueing failed: nothing else.
    if (needs.claimsWebhookEvents) webhookEventsTable?.grant(fn, 'dynamodb:PutItem', 'dynamodb:DeleteItem');
    // A TransactWriteItems is authorised by the actions inside it. The table only, not its
    // indexes (`table.grant` would add `index/*`): only the reconciler reads the needs-action
    // index (listsAwaiting, below); the offboarding CLI does with the operator's own credentials.
    const onLedger = (...actions: string[]) =>
      ledgerTable && fn.addToRolePolicy(new PolicyStatement({ actions, resources: [ledgerTable.tableArn] }));
    // Each action for the need that calls for it (lib/ledger/dynamodb-ledger.ts): recording
    // outcomes reads an item and writes it (PutItem, UpdateItem, in transactions too); starting a
    // job, recording an email's outcome or claiming a re-invite is one UpdateItem; only reading a
    // job's progress queries.
    const actions = new Set<string>();
    if (needs.writesLedger || needs.declaresIntent)
      ['GetItem', 'PutItem', 'UpdateItem'].forEach((action) => actions.add(action));
    if (needs.readsLedger) ['GetItem', 'Query'].forEach((action) => actions.add(action));
    if (needs.startsJobs || needs.recordsInvites) actions.add('UpdateItem');
    if (needs.looksUpInvites) actions.add('GetItem');
    if (needs.appendsHistory) actions.add('PutItem');
    if (needs.keepsScimResources)
      ['GetItem', 'PutItem', 'DeleteItem', 'Query'].forEach((action) => actions.add(action));
    if (actions.size > 0) onLedger(...[...actions].map((action) => `dynamodb:${action}`));
    // The shared budget (lib/budget/dynamodb-store.ts): read and conditionally put its own items only.
    if ((needs.callsOpenAI ?? true) && ledgerTable)
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          resources: [ledgerTable.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${BUDGET_KEY_PREFIX}*`] } },
        }),
      );
    // The offboarding list's sparse index, for the one function that lists who awaits a person.
    if (needs.listsAwaiting && ledgerTable)
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: [`${ledgerTable.tableArn}/index/${NEEDS_ACTION_INDEX}`],
        }),
      );
    // The started jobs' sparse index, for the job routes' list of recent jobs.
    if (needs.listsJobs && ledgerTable)
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: [`${ledgerTable.tableArn}/index/${JOBS_INDEX}`],
        }),
      );
    this.byName.set(functionName, fn);
    return fn;
  }

  /** A bulk worker: its event source's pace comes from the configuration. */
  addWorker(worker: WorkerSpec, needs: FunctionNeeds): InvitesFunction {
    const { config, queue, leaverQueue, deadLetterQueue } = this.props;
    const fn = this.add(
      worker.functionName,
      'Drains the bulk invite queue',
      {
        timeout: worker.timeout ?? WORKER_DEFAULTS.timeout,
        memorySize: worker.memorySize ?? WORKER_DEFAULTS.memorySize,
        // The event sources never run more than their maximum concurrency; reserving exactly that
        // (the bulk mapping's and the leaver mapping's) never throttles either below its promise.
        reservedConcurrency: config.workerMaxConcurrency + LEAVER_EVENT_SOURCE_CONCURRENCY,
      },
      needs,
      {
        [ENV.inviteDlqUrl]: deadLetterQueue.queueUrl,
        [ENV.rateLimitRps]: String(config.openAiRateLimitRps),
        [ENV.workerMaxConcurrency]: String(config.workerMaxConcurrency),
        // So the worker checks the timing model (lib/bulk/timing.ts) against its real batch size too.
        [ENV.workerBatchSize]: String(config.workerBatchSize),
        // Removing members is destructive: off unless context offboardMembers asks for it.
        [ENV.offboardMembers]: String(config.offboardMembers),
        [ENV.revokeLeaverKeys]: String(config.revokeLeaverKeys),
      },
    );
    // Permanent failures go to the DLQ at once, with their reason.
    deadLetterQueue.grantSendMessages(fn);
    fn.addEventSource(
      new SqsEventSource(queue, {
        reportBatchItemFailures: true,
        batchSize: config.workerBatchSize,
        maxBatchingWindow: Duration.seconds(config.workerMaxBatchingWindowSeconds),
        maxConcurrency: config.workerMaxConcurrency,
      }),
    );
    // The leaver queue's own mapping: a leaver is received at once, not behind the bulk backlog
    // (no batching window; the shared budget then serves its lane first). Its containers are
    // reserved beside the bulk mapping's, so a busy bulk backlog never throttles a leaver's
    // invocation (a throttled one would wait out the queue's visibility timeout).
    fn.addEventSource(
      new SqsEventSource(leaverQueue, {
        reportBatchItemFailures: true,
        batchSize: config.workerBatchSize,
        maxConcurrency: LEAVER_EVENT_SOURCE_CONCURRENCY,
      }),
    );
    return fn;
  }

  /**
   * A function an EventBridge rule runs on its schedule (the invite sweeper). Paced like one worker
   * container; one run at a time (a second, say from the CLI, is throttled rather than racing).
   */
  addScheduled(spec: ScheduledSpec, needs: FunctionNeeds): InvitesFunction {
    const { config } = this.props;
    const fn = this.add(
      spec.functionName,
      spec.description,
      {
        timeout: spec.timeout ?? SCHEDULED_DEFAULTS.timeout,
        memorySize: spec.memorySize ?? SCHEDULED_DEFAULTS.memorySize,
        reservedConcurrency: 1,
      },
      needs,
      {
        [ENV.rateLimitRps]: String(config.openAiRateLimitRps),
        [ENV.workerMaxConcurrency]: String(config.workerMaxConcurrency),
        [ENV.reinviteExpired]: String(config.reinviteExpired),
        [ENV.reinviteMaxTimes]: String(config.reinviteMaxTimes),
        [ENV.reconcileMaxRemovals]: String(config.reconcileMaxRemovals),
        // The reconciler removes a leaver who is a member only with this switch (and authority).
        [ENV.offboardMembers]: String(config.offboardMembers),
        [ENV.revokeLeaverKeys]: String(config.revokeLeaverKeys),
      },
    );
    new Rule(this, `${pascalCase(spec.functionName)}Schedule`, {
      description: `Runs functions/${spec.functionName}.ts`,
      schedule: Schedule.expression(spec.schedule(config)),
      // A missed run is caught up by the next one: no retries of a sweep.
      targets: [new LambdaFunction(fn, { event: RuleTargetInput.fromObject({}), retryAttempts: 0 })],
    });
    for (const also of spec.alsoScheduled ?? [])
      new Rule(this, `${pascalCase(spec.functionName)}${also.id}Schedule`, {
        description: `Runs functions/${spec.functionName}.ts with ${JSON.stringify(also.event)}`,
        schedule: Schedule.expression(also.schedule(config)),
        targets: [
          new LambdaFunction(fn, { event: RuleTargetInput.fromObject(also.event), retryAttempts: 0 }),
        ],
      });
    return fn;
  }

  /** Token mode's authorizer: the token secret only, never the Admin key. */
  addTokenAuthorizer(): InvitesFunction {
    const { config } = this.props;
    const tokenSecret = importSecret(this, 'ApiTokensSecret', config.tokenSecretId);
    const fn = this.add(
      'bearer-token-authorizer',
      'Checks bearer tokens against their hashes',
      { timeout: Duration.seconds(10), memorySize: 256, reservedConcurrency: config.apiReservedConcurrency },
      { callsOpenAI: false },
      { [ENV.apiTokensSecretId]: config.tokenSecretId },
    );
    tokenSecret.grantRead(fn);
    return fn;
  }
}
