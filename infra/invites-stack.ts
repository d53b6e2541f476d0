/**
 * The whole product in one stack, built from the route table (lib/http/routes.ts): one function per
 * function file, one method per route, the bulk queue and its DLQ, alarms and outputs.
 */
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestValidator,
  RestApi,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, type IMetric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import {
  AnyPrincipal,
  ArnPrincipal,
  PolicyDocument,
  PolicyStatement,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ENV } from '../lib/commons/env';
import { ROUTES, type Route } from '../lib/http/routes';
import type { StackConfig } from './config';
import {
  API_FUNCTION_DEFAULTS,
  FUNCTION_NEEDS,
  type FunctionNeeds,
  WORKER_DEFAULTS,
  WORKERS,
  type WorkerSpec,
} from './functions';
import { addOpenAIShapedGatewayResponses } from './gateway-responses';
import { addRouteFallbacks } from './route-fallbacks';
import { InvitesFunction } from './invites-function';

export const STAGE_NAME = 'v1';

export interface InvitesStackProps extends StackProps {
  readonly config: StackConfig;
  /** Default: the route table. Tests add routes that have not landed yet. */
  readonly routes?: readonly Route[];
  /** Default: `WORKERS` (infra/functions.ts). */
  readonly workers?: readonly WorkerSpec[];
  /** Merged over `FUNCTION_NEEDS` (infra/functions.ts). */
  readonly functionNeeds?: Readonly<Record<string, FunctionNeeds>>;
}

/** `openai/admin-key` or a complete ARN. */
const importSecret = (scope: Construct, id: string, secretId: string): ISecret =>
  secretId.startsWith('arn:')
    ? Secret.fromSecretCompleteArn(scope, id, secretId)
    : Secret.fromSecretNameV2(scope, id, secretId);

const pascalCase = (name: string): string =>
  name.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_match, _separator, letter: string) =>
    letter.toUpperCase(),
  );

/** Makes one function with the environment and grants its needs call for. */
type MakeFunction = (
  functionName: string,
  description: string,
  sizing: { timeout: Duration; memorySize: number },
  needs: FunctionNeeds,
  extraEnvironment?: Record<string, string>,
) => InvitesFunction;

export class InvitesStack extends Stack {
  readonly api: RestApi;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Webhook event ids claimed against replays; only when a function claims webhook events. */
  readonly webhookEventsTable?: TableV2;
  /** Every function by its file name under `functions/`. */
  readonly functions = new Map<string, InvitesFunction>();
  readonly alarms: Alarm[] = [];
  readonly alarmTopic?: Topic;

  constructor(scope: Construct, id: string, props: InvitesStackProps) {
    super(scope, id, props);
    const { config } = props;
    const routes = props.routes ?? ROUTES;
    const workers = props.workers ?? WORKERS;
    const allNeeds = { ...FUNCTION_NEEDS, ...props.functionNeeds };
    const needsOf = (functionName: string): FunctionNeeds => allNeeds[functionName] ?? {};

    const adminKeySecret = importSecret(this, 'AdminKeySecret', config.adminKeySecretId);
    const webhookSecrets = config.webhookSecretsSecretId
      ? importSecret(this, 'WebhookSecrets', config.webhookSecretsSecretId)
      : undefined;

    // ---- The bulk queue and its dead-letter queue -------------------------------------------
    this.deadLetterQueue = new Queue(this, 'InviteDeadLetterQueue', {
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    const workerTimeouts = workers.map((worker) => (worker.timeout ?? WORKER_DEFAULTS.timeout).toSeconds());
    this.queue = new Queue(this, 'InviteQueue', {
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
      // AWS's advice for Lambda event sources: six times the consumer's timeout.
      visibilityTimeout: Duration.seconds(
        6 * Math.max(WORKER_DEFAULTS.timeout.toSeconds(), ...workerTimeouts),
      ),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: config.maxReceiveCount },
    });

    // ---- Webhook replay claims ---------------------------------------------------------------
    // One item per webhook event id, expiring (TTL) after the dedupe window. Point-in-time
    // recovery is on as for any table, though the items are only worth a day.
    if (Object.values(allNeeds).some((needs) => needs.claimsWebhookEvents)) {
      this.webhookEventsTable = new TableV2(this, 'WebhookEvents', {
        partitionKey: { name: 'pk', type: AttributeType.STRING },
        timeToLiveAttribute: 'expiresAt',
        billing: Billing.onDemand(),
        encryption: TableEncryptionV2.awsManagedKey(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      });
    }

    // ---- Functions ---------------------------------------------------------------------------
    const makeFunction: MakeFunction = (functionName, description, sizing, needs, extraEnvironment = {}) => {
      const environment: Record<string, string> = { ...extraEnvironment };
      if (needs.callsOpenAI ?? true) {
        environment.OPENAI_ADMIN_KEY_SECRET_ID = config.adminKeySecretId;
        if (config.openAiBaseUrl) environment.OPENAI_BASE_URL = config.openAiBaseUrl;
      }
      if (needs.sendsToInviteQueue) environment.INVITE_QUEUE_URL = this.queue.queueUrl;
      if (needs.readsWebhookSecrets) {
        if (!config.webhookSecretsSecretId) {
          throw new Error(
            `functions/${functionName}.ts reads the webhook secrets: set context webhookSecretsSecretId.`,
          );
        }
        environment.WEBHOOK_SECRETS_SECRET_ID = config.webhookSecretsSecretId;
      }
      if (needs.claimsWebhookEvents && this.webhookEventsTable) {
        environment.WEBHOOK_DEDUPE_TABLE = this.webhookEventsTable.tableName;
        environment.WEBHOOK_DEDUPE_WINDOW_SECONDS = String(config.webhookDedupeWindowSeconds);
        environment.WEBHOOK_DEFAULT_ROLE = config.webhookDefaultRole;
        if (config.webhookDepartmentProjects)
          environment.WEBHOOK_DEPARTMENT_PROJECTS = config.webhookDepartmentProjects;
      }
      const fn = new InvitesFunction(this, pascalCase(functionName), {
        functionName,
        description,
        timeout: needs.timeout ?? sizing.timeout,
        memorySize: needs.memorySize ?? sizing.memorySize,
        logRetention: config.logRetentionDays,
        environment,
      });
      // Exactly the secrets and the queue this function uses, nothing broader.
      if (needs.callsOpenAI ?? true) adminKeySecret.grantRead(fn);
      if (needs.readsWebhookSecrets) webhookSecrets?.grantRead(fn);
      if (needs.sendsToInviteQueue) this.queue.grantSendMessages(fn);
      // Claim an event id, and release the claim when enqueueing failed: nothing else.
      if (needs.claimsWebhookEvents)
        this.webhookEventsTable?.grant(fn, 'dynamodb:PutItem', 'dynamodb:DeleteItem');
      this.functions.set(functionName, fn);
      return fn;
    };

    for (const route of routes) {
      if (this.functions.has(route.functionName)) continue;
      const served = routes.filter((other) => other.functionName === route.functionName);
      makeFunction(
        route.functionName,
        served.map((other) => `${other.method} ${other.path}`).join(', '),
        API_FUNCTION_DEFAULTS,
        needsOf(route.functionName),
      );
    }

    // The bulk worker: its event source's pace comes from the configuration.
    for (const worker of workers) {
      const fn = makeFunction(
        worker.functionName,
        'Drains the bulk invite queue',
        {
          timeout: worker.timeout ?? WORKER_DEFAULTS.timeout,
          memorySize: worker.memorySize ?? WORKER_DEFAULTS.memorySize,
        },
        needsOf(worker.functionName),
        {
          INVITE_DLQ_URL: this.deadLetterQueue.queueUrl,
          OPENAI_RATE_LIMIT_RPS: String(config.openAiRateLimitRps),
          WORKER_MAX_CONCURRENCY: String(config.workerMaxConcurrency),
        },
      );
      // Permanent failures go to the DLQ at once, with their reason.
      this.deadLetterQueue.grantSendMessages(fn);
      fn.addEventSource(
        new SqsEventSource(this.queue, {
          reportBatchItemFailures: true,
          batchSize: config.workerBatchSize,
          maxBatchingWindow: Duration.seconds(config.workerMaxBatchingWindowSeconds),
          maxConcurrency: config.workerMaxConcurrency,
        }),
      );
    }

    // ---- The REST API --------------------------------------------------------------------------
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: config.logRetentionDays });
    const iamPolicy = config.authMode === 'iam' ? this.apiResourcePolicy(config, routes) : undefined;
    this.api = new RestApi(this, 'Api', {
      restApiName: `${this.stackName}-invites`,
      description: 'OpenAI organization invites, mirroring /v1/organization/invites',
      endpointTypes: [EndpointType.REGIONAL],
      policy: iamPolicy,
      // Access logs need API Gateway's account-level CloudWatch role; the stack sets it up.
      cloudWatchRole: true,
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: config.throttlingRateLimit,
        throttlingBurstLimit: config.throttlingBurstLimit,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            requestTime: AccessLogField.contextRequestTime(),
            ip: AccessLogField.contextIdentitySourceIp(),
            caller: AccessLogField.contextIdentityUserArn(),
            principalId: AccessLogField.contextAuthorizerPrincipalId(),
            httpMethod: AccessLogField.contextHttpMethod(),
            resourcePath: AccessLogField.contextResourcePath(),
            status: AccessLogField.contextStatus(),
            responseLength: AccessLogField.contextResponseLength(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            error: AccessLogField.contextErrorMessage(),
          }),
        ),
        // Execution logs at ERROR only, and never request or response bodies (emails).
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
      },
    });
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'API Gateway’s account-level logging role; AWS maintains this policy for exactly that purpose.',
      });
    }
    addOpenAIShapedGatewayResponses(this.api);

    // Path parameters are checked at the gateway; bodies are checked in the functions, which
    // answer with OpenAI's 400 naming the offending field (`param`), as a JSON-schema model cannot.
    const validator = new RequestValidator(this, 'ParameterValidator', {
      restApi: this.api,
      validateRequestParameters: true,
      validateRequestBody: false,
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Parameters are validated at the gateway; bodies in the functions (the same code as npm start), which answer OpenAI-shaped 400s naming the field.',
    });

    const tokenAuthorizer =
      config.authMode === 'token' ? this.tokenAuthorizer(config, makeFunction) : undefined;

    for (const route of routes) {
      const fn = this.functions.get(route.functionName)!;
      const resource = this.api.root.resourceForPath(route.path);
      const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
      const open = route.auth === 'webhook';
      const method = resource.addMethod(route.method, new LambdaIntegration(fn, { allowTestInvoke: false }), {
        operationName: route.id,
        requestValidator: validator,
        requestParameters: Object.fromEntries(
          pathParameters.map((name) => [`method.request.path.${name}`, true]),
        ),
        ...(open
          ? { authorizationType: AuthorizationType.NONE }
          : tokenAuthorizer
            ? { authorizationType: AuthorizationType.CUSTOM, authorizer: tokenAuthorizer }
            : { authorizationType: AuthorizationType.IAM }),
      });
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: open
          ? 'Webhook route: HR systems cannot sign with Cognito; the function verifies each request’s signature.'
          : 'Internal callers authenticate with IAM SigV4 or a hashed bearer token, not Cognito users.',
      });
      if (open) {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Webhook route: open at the gateway by design; the function verifies each request’s signature.',
        });
      }
    }
    addRouteFallbacks(this.api, routes);
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'Every internal route requires IAM or a bearer token and the stage is throttled; attach a WAF web ACL per account policy.',
    });

    // ---- Alarms ------------------------------------------------------------------------------
    if (config.alarmEmail) this.alarmTopic = this.makeAlarmTopic(config.alarmEmail);
    const alarm = (alarmId: string, description: string, metric: IMetric, threshold: number) => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      if (this.alarmTopic) created.addAlarmAction(new SnsAction(this.alarmTopic));
      this.alarms.push(created);
    };
    alarm(
      'DeadLetterQueueNotEmpty',
      'Bulk invites that could not be sent are waiting in the dead-letter queue.',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: Stats.MAXIMUM,
      }),
      1,
    );
    for (const [functionName, fn] of this.functions) {
      const name = pascalCase(functionName);
      alarm(
        `${name}Errors`,
        `functions/${functionName}.ts failed (uncaught errors or timeouts).`,
        fn.metricErrors({ period: Duration.minutes(5), statistic: Stats.SUM }),
        1,
      );
      alarm(
        `${name}Throttles`,
        `functions/${functionName}.ts was throttled.`,
        fn.metricThrottles({ period: Duration.minutes(5), statistic: Stats.SUM }),
        1,
      );
    }
    alarm(
      'Api5xx',
      'The API answered with a 5xx (OpenAI unreachable, the Admin key refused or unreadable, a function failed).',
      this.api.metricServerError({ period: Duration.minutes(5), statistic: Stats.SUM }),
      1,
    );

    // ---- Outputs -----------------------------------------------------------------------------
    new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'Base URL for OpenAI clients (…/v1/)',
    });
    new CfnOutput(this, 'QueueUrl', { value: this.queue.queueUrl, description: 'The bulk invite queue' });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: this.deadLetterQueue.queueUrl,
      description: 'Bulk invites that failed for good',
    });
  }

  /**
   * IAM mode: the listed principals may invoke every route; webhook routes stay open to anyone
   * (a resource policy would otherwise deny unsigned callers).
   */
  private apiResourcePolicy(config: StackConfig, routes: readonly Route[]): PolicyDocument | undefined {
    if (config.allowedPrincipalArns.length === 0) return undefined;
    const statements = [
      new PolicyStatement({
        principals: config.allowedPrincipalArns.map((arn) => new ArnPrincipal(arn)),
        actions: ['execute-api:Invoke'],
        resources: [`execute-api:/${STAGE_NAME}/*/*`],
      }),
    ];
    const openResources = routes
      .filter((route) => route.auth === 'webhook')
      .map((route) => `execute-api:/${STAGE_NAME}/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`);
    if (openResources.length > 0) {
      statements.push(
        new PolicyStatement({
          principals: [new AnyPrincipal()],
          actions: ['execute-api:Invoke'],
          resources: openResources,
        }),
      );
    }
    return new PolicyDocument({ statements });
  }

  /** Token mode: `Authorization: Bearer <token>`, checked against hashed tokens in a secret. */
  private tokenAuthorizer(config: StackConfig, makeFunction: MakeFunction): TokenAuthorizer {
    const tokenSecret = importSecret(this, 'ApiTokensSecret', config.tokenSecretId);
    const fn = makeFunction(
      'bearer-token-authorizer',
      'Checks bearer tokens against their hashes',
      { timeout: Duration.seconds(10), memorySize: 256 },
      { callsOpenAI: false },
      { [ENV.apiTokensSecretId]: config.tokenSecretId },
    );
    tokenSecret.grantRead(fn);
    return new TokenAuthorizer(this, 'TokenAuthorizer', {
      handler: fn,
      identitySource: IdentitySource.header('Authorization'),
      // Anything else is refused with 401 before the function runs.
      validationRegex: '^[Bb]earer +[^ ]+$',
      // One secret read per token and 5 minutes; the answer allows every route of the stage.
      resultsCacheTtl: Duration.minutes(5),
    });
  }

  /** SNS topic for alarms: encrypted with a key CloudWatch may use, TLS only. */
  private makeAlarmTopic(email: string): Topic {
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
