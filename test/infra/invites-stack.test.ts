import { Match } from 'aws-cdk-lib/assertions';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { FUNCTION_NEEDS, SCHEDULED, WORKERS } from '../../infra/functions';
import { openAIErrorTemplate } from '../../infra/constructs/gateway-responses';
import { gatewayRoutes } from '../../infra/constructs/invites-api';
import { providerNames } from '../../lib/webhooks/providers/registry';
import { ROUTES, type Route } from '../../lib/http/routes';
import {
  actionsOf,
  fallbackMethods,
  logicalIdOf,
  resourcesOf,
  statementsOfRole,
  synthStack,
  templateMethods,
} from './synth';

/** The shared budget's statement (lib/budget/): GetItem and PutItem on `BUDGET#*` items only. */
const isBudgetStatement = (statement: object): boolean =>
  JSON.stringify((statement as { Condition?: unknown }).Condition ?? {}).includes('BUDGET#');
const notBudget = (statement: object): boolean => !isBudgetStatement(statement);

// Stand-ins for functions that have not landed yet (their files live under test/infra/fixtures).
const FUTURE = '../test/infra/fixtures/webhook';
const WORKER = '../test/infra/fixtures/bulk-worker';
const FUTURE_ROUTE: Route = {
  id: 'futureRoute',
  method: 'POST',
  path: '/organization/invites/import',
  functionName: FUTURE,
  auth: 'api',
};
const WEBHOOK = 'hr-webhook';
const apiRoutes = ROUTES.filter((route) => route.auth === 'api');
const isApiMethod = (method: { method: string; path: string }) =>
  apiRoutes.some((route) => route.method === method.method && route.path === method.path);

// One synth per configuration, shared by the tests below (each synth takes about a second).
// Every route of the table, the SCIM ones (context scim) included.
const iam = synthStack({ scim: true });
const token = synthStack({
  authMode: 'token',
  tokenSecretId: 'team/api-tokens',
  alarmEmail: 'ops@example.com',
});
const future = synthStack(
  {
    allowedPrincipalArns: ['arn:aws:iam::111122223333:role/hr-portal', 'arn:aws:iam::444455556666:root'],
    webhookSecretsSecretId: 'openai-invites/webhook-secrets',
    workerBatchSize: 7,
    workerMaxBatchingWindowSeconds: 3,
    workerMaxConcurrency: 4,
    openAiRateLimitRps: 9,
    maxReceiveCount: 3,
    offboardMembers: true,
    scim: true,
  },
  {
    routes: [...ROUTES, FUTURE_ROUTE],
    workers: [{ functionName: WORKER }],
    functionNeeds: { [FUTURE]: { callsOpenAI: false } },
  },
);

/** Needs that only add the ledger's email records (asserted in "the invite ledger"). */
const LEDGER_RECORD_NEEDS = new Set(['recordsInvites', 'looksUpInvites', 'declaresIntent']);

/** The functions that need only the defaults: they call OpenAI, at most record emails in the ledger. */
const plainApiFunctions = () =>
  [...new Set(ROUTES.map((route) => route.functionName))]
    .filter((name) => Object.keys(FUNCTION_NEEDS[name] ?? {}).every((need) => LEDGER_RECORD_NEEDS.has(need)))
    .map((name) => iam.stack.functions.get(name)!);

const ADMIN_KEY_ARN_SUFFIX = ':secret:openai/admin-key-??????';

/** The Fn::Join of an imported secret's ARN, flattened to a string with `<Ref>` placeholders. */
const flatten = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(flatten).join(join[0]);
  const ref = (value as { Ref?: string }).Ref;
  if (ref) return `<${ref}>`;
  const getAtt = (value as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'];
  if (getAtt) return `<${getAtt.join('.')}>`;
  return JSON.stringify(value);
};

/** The routes as the gateway serves them: webhook routes also once per provider (issue 29, item 6). */
const SERVED = gatewayRoutes(ROUTES, providerNames());

describe('the route table and the template', () => {
  it('agree: one method per route on the route’s resource, and no other method', () => {
    const methods = templateMethods(iam.template).map((method) => `${method.method} ${method.path}`);

    expect(methods.sort()).toEqual(SERVED.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('agree when a route joins the table', () => {
    const methods = templateMethods(future.template).map((method) => `${method.method} ${method.path}`);

    expect(methods).toHaveLength(SERVED.length + 1);
    expect(methods).toContain('POST /organization/invites/import');
  });

  it('integrate each method with the function of its route, as a Lambda proxy', () => {
    for (const method of templateMethods(iam.template)) {
      const route = SERVED.find(
        (candidate) => candidate.method === method.method && candidate.path === method.path,
      )!;
      const functionId = logicalIdOf(iam.stack, iam.stack.functions.get(route.functionName)!);
      const integration = method.properties.Integration as { Type: string; Uri: unknown };

      expect(integration.Type).toBe('AWS_PROXY');
      expect(flatten(integration.Uri)).toContain(`<${functionId}.Arn>`);
      expect(method.properties.OperationName).toBe(route.id);
    }
  });

  it('makes one function per function file', () => {
    const files = new Set([...ROUTES, ...WORKERS, ...SCHEDULED].map((spec) => spec.functionName));

    expect([...iam.stack.functions.keys()].sort()).toEqual([...files].sort());
    iam.template.resourceCountIs('AWS::Lambda::Function', files.size);
  });

  it('requires path parameters at the gateway', () => {
    const retrieve = templateMethods(iam.template).find(
      (method) => method.method === 'GET' && method.path === '/organization/invites/{invite_id}',
    )!;

    expect(retrieve.properties.RequestParameters).toEqual({ 'method.request.path.invite_id': true });
    expect(retrieve.properties.RequestValidatorId).toBeDefined();
  });
});

describe('requests that fit no route', () => {
  const integrationOf = (method: { properties: Record<string, unknown> }) =>
    method.properties.Integration as {
      Type: string;
      PassthroughBehavior: string;
      IntegrationResponses: {
        StatusCode: string;
        ResponseTemplates: Record<string, string>;
        ResponseParameters?: Record<string, string>;
      }[];
    };

  it('answer 405 with Allow on every route path, as the local gateway does', () => {
    const fallbacks = fallbackMethods(iam.template);
    const paths = [...new Set(ROUTES.map((route) => route.path))];

    for (const path of paths) {
      const fallback = fallbacks.find((method) => method.path === path)!;
      const allowed = ROUTES.filter((route) => route.path === path)
        .map((route) => route.method)
        .join(', ');
      const [response] = integrationOf(fallback).IntegrationResponses;

      expect(integrationOf(fallback).Type).toBe('MOCK');
      expect(fallback.properties.AuthorizationType).toBe('NONE');
      expect(response?.StatusCode).toBe('405');
      expect(response?.ResponseParameters).toEqual({
        'method.response.header.Allow': `'${allowed}'`,
        'method.response.header.x-request-id': 'context.requestId',
      });
      expect(JSON.parse(response!.ResponseTemplates['application/json']!.replaceAll('$', ''))).toMatchObject({
        error: { type: 'invalid_request_error', param: null, code: 'method_not_allowed' },
      });
    }
  });

  it('answer 404 unknown_url at the root and below it, in OpenAI shape', () => {
    const notFound = fallbackMethods(iam.template).filter(
      (method) => integrationOf(method).IntegrationResponses[0]?.StatusCode === '404',
    );

    // Also the paths between routes and deeper ones (deployable.test.ts, "deployed routing").
    expect(notFound.map((method) => method.path)).toEqual(expect.arrayContaining(['/', '/{proxy+}']));
    for (const method of notFound) {
      const template = integrationOf(method).IntegrationResponses[0]!.ResponseTemplates['application/json']!;
      expect(template).toContain('"code":"unknown_url"');
      expect(template).toContain('Invalid URL ($context.httpMethod');
      expect(integrationOf(method).IntegrationResponses[0]!.ResponseParameters).toEqual({
        'method.response.header.x-request-id': 'context.requestId',
      });
    }
  });

  it('never reach a function', () => {
    expect(fallbackMethods(token.template).every((method) => integrationOf(method).Type === 'MOCK')).toBe(
      true,
    );
  });
});

describe('authorisation', () => {
  it('is IAM on every api route by default, with no authorizer', () => {
    for (const method of templateMethods(iam.template).filter(isApiMethod))
      expect(method.properties.AuthorizationType).toBe('AWS_IAM');
    iam.template.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
  });

  it('is the bearer-token authorizer on every api route in token mode', () => {
    const [authorizerId] = Object.keys(token.template.findResources('AWS::ApiGateway::Authorizer'));

    token.template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      // Short by default (issue 29, item 10): a revoked token lives at most 30 s + 60 s.
      AuthorizerResultTtlInSeconds: 30,
    });
    for (const method of templateMethods(token.template).filter(isApiMethod)) {
      expect(method.properties.AuthorizationType).toBe('CUSTOM');
      expect(method.properties.AuthorizerId).toEqual({ Ref: authorizerId });
    }
  });

  it('runs the authorizer with the token secret only, never the Admin key', () => {
    const authorizer = token.stack.functions.get('bearer-token-authorizer')!;
    const roleId = logicalIdOf(token.stack, authorizer.role as Role);
    const secretResources = statementsOfRole(token.template, roleId)
      .filter((statement) => actionsOf(statement).some((action) => action.startsWith('secretsmanager:')))
      .flatMap(resourcesOf)
      .map(flatten);

    expect(secretResources).toEqual([expect.stringMatching(/:secret:team\/api-tokens-\?{6}$/)]);
    token.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { API_TOKENS_SECRET_ID: 'team/api-tokens' } },
    });
    const environment =
      token.template.toJSON().Resources[logicalIdOf(token.stack, authorizer)].Properties.Environment
        .Variables;
    expect(environment.OPENAI_ADMIN_KEY_SECRET_ID).toBeUndefined();
  });

  it('leaves webhook routes open at the gateway, in IAM and token mode', () => {
    for (const template of [iam.template, token.template]) {
      const webhooks = templateMethods(template).filter((method) => method.path === '/webhooks/{provider}');

      expect(webhooks.map((method) => method.method).sort()).toEqual(['GET', 'POST']);
      for (const webhook of webhooks) expect(webhook.properties.AuthorizationType).toBe('NONE');
    }
  });

  it('lets the configured principals invoke in IAM mode, nobody else the api routes, and anyone the rest', () => {
    // Anyone: the webhook routes and the 404/405 mocks (which run no code); issue 17 item 4.
    future.template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Policy: {
        Statement: [
          {
            // The listed principals' Allow and anyone's, merged by cdk.json's minimizePolicies flag.
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Principal: {
              AWS: ['*', 'arn:aws:iam::111122223333:role/hr-portal', 'arn:aws:iam::444455556666:root'],
            },
            Resource: 'execute-api:/v1/*/*',
          },
          {
            Effect: 'Deny',
            Action: 'execute-api:Invoke',
            Principal: { AWS: '*' },
            Resource: Match.arrayWith(['execute-api:/v1/POST/organization/invites/import']),
            Condition: {
              ArnNotLike: {
                'aws:PrincipalArn': [
                  'arn:aws:iam::111122223333:role/hr-portal',
                  'arn:aws:iam::444455556666:*',
                ],
              },
            },
          },
        ],
      },
    });
    expect(
      iam.template.toJSON().Resources[logicalIdOf(iam.stack, iam.stack.api)].Properties.Policy,
    ).toBeUndefined();
  });
});

describe('functions', () => {
  it('run Node.js 24 on arm64 without active X-Ray tracing (nothing instrumented), no source maps, API-sized timeout and memory, capped concurrency', () => {
    expect(plainApiFunctions().length).toBeGreaterThanOrEqual(4);
    for (const fn of plainApiFunctions()) {
      const properties = iam.template.toJSON().Resources[logicalIdOf(iam.stack, fn)].Properties;

      expect(properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Timeout: 28,
        MemorySize: 256,
        ReservedConcurrentExecutions: 10,
        Environment: { Variables: { OPENAI_ADMIN_KEY_SECRET_ID: 'openai/admin-key' } },
      });
      expect(properties.TracingConfig).toBeUndefined();
      // Source maps are off unless context sourceMaps says otherwise (deployable.test.ts).
      expect(properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
      expect(properties.Environment.Variables.OPENAI_BASE_URL).toBeUndefined();
      expect(properties.Environment.Variables.INVITES_UPSTREAM_URL).toBeUndefined();
      expect(properties.LoggingConfig.LogGroup).toEqual({ Ref: logicalIdOf(iam.stack, fn.logGroup) });
    }
  });

  it('log to their own log groups with the configured retention', () => {
    const withRetention = synthStack({ logRetentionDays: 90 });

    for (const fn of withRetention.stack.functions.values()) {
      const logGroupId = logicalIdOf(withRetention.stack, fn.logGroup);
      expect(withRetention.template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(90);
    }
  });

  it('get INVITES_UPSTREAM_URL (never OPENAI_BASE_URL) and the Admin key’s ARN when configured so', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:openai/admin-key-AbCdEf';
    const { stack, template } = synthStack({
      adminKeySecretId: arn,
      upstreamUrl: 'https://openai.example.com/v1',
    });
    const fn = stack.functions.get('create-invite')!;

    expect(
      template.toJSON().Resources[logicalIdOf(stack, fn)].Properties.Environment.Variables,
    ).toMatchObject({
      OPENAI_ADMIN_KEY_SECRET_ID: arn,
      INVITES_UPSTREAM_URL: 'https://openai.example.com/v1',
    });
    expect(
      template.toJSON().Resources[logicalIdOf(stack, fn)].Properties.Environment.Variables.OPENAI_BASE_URL,
    ).toBeUndefined();
    const secretResources = statementsOfRole(template, logicalIdOf(stack, fn.role as Role))
      .filter((statement) => actionsOf(statement).some((action) => action.startsWith('secretsmanager:')))
      .flatMap(resourcesOf);
    expect(secretResources).toEqual([arn]);
  });

  it('may read exactly the Admin-key secret, write their own logs, and nothing else', () => {
    for (const fn of plainApiFunctions()) {
      const statements = statementsOfRole(iam.template, logicalIdOf(iam.stack, fn.role as Role));
      const byAction = (prefix: string) =>
        statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith(prefix)));

      expect(byAction('secretsmanager:').flatMap(resourcesOf).map(flatten)).toEqual([
        expect.stringMatching(
          new RegExp(`^arn:aws:secretsmanager:.*${ADMIN_KEY_ARN_SUFFIX.replace(/[?/]/g, '\\$&')}$`),
        ),
      ]);
      expect(actionsOf(byAction('secretsmanager:')[0]!).sort()).toEqual([
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
      ]);
      expect(byAction('logs:').flatMap(resourcesOf)).toEqual([
        { 'Fn::GetAtt': [logicalIdOf(iam.stack, fn.logGroup), 'Arn'] },
      ]);
      expect(byAction('sqs:')).toEqual([]);
      // No `*` at all (X-Ray's, the only one that had no resource-level permissions, is gone with active tracing).
      const wildcards = statements.filter((statement) => resourcesOf(statement).includes('*'));
      expect(wildcards.flatMap(actionsOf)).toEqual([]);
    }
  });

  it('let the bulk producer send to exactly the bulk queue, and never read the Admin key', () => {
    const producer = iam.stack.functions.get('bulk-invites')!;
    const statements = statementsOfRole(iam.template, logicalIdOf(iam.stack, producer.role as Role));
    const queueId = logicalIdOf(iam.stack, iam.stack.queue);
    const environment =
      iam.template.toJSON().Resources[logicalIdOf(iam.stack, producer)].Properties.Environment.Variables;

    expect(
      statements.filter((statement) => actionsOf(statement).includes('sqs:SendMessage')).flatMap(resourcesOf),
    ).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
    expect(
      statements.filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('secretsmanager:')),
      ),
    ).toEqual([]);
    expect(environment.INVITE_QUEUE_URL).toEqual({ Ref: queueId });
    expect(environment.OPENAI_ADMIN_KEY_SECRET_ID).toBeUndefined();
  });

  it('grant send on exactly the bulk queue, and the webhook secrets, to the webhook function', () => {
    const webhook = future.stack.functions.get(WEBHOOK)!;
    const statements = statementsOfRole(future.template, logicalIdOf(future.stack, webhook.role as Role));
    const queueId = logicalIdOf(future.stack, future.stack.queue);
    const send = statements.filter((statement) => actionsOf(statement).includes('sqs:SendMessage'));
    const secrets = statements.filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('secretsmanager:')),
    );
    const environment =
      future.template.toJSON().Resources[logicalIdOf(future.stack, webhook)].Properties.Environment.Variables;

    const leaverQueueId = logicalIdOf(future.stack, future.stack.leaverQueue);
    // Joiners on the bulk queue, leavers on the leaver queue (lib/webhooks/enqueue.ts).
    expect(send.flatMap(resourcesOf)).toEqual([
      { 'Fn::GetAtt': [queueId, 'Arn'] },
      { 'Fn::GetAtt': [leaverQueueId, 'Arn'] },
    ]);
    expect(secrets.flatMap(resourcesOf).map(flatten)).toEqual([
      expect.stringMatching(/:secret:openai-invites\/webhook-secrets-\?{6}$/),
    ]);
    expect(environment).toMatchObject({
      INVITE_QUEUE_URL: { Ref: queueId },
      LEAVER_QUEUE_URL: { Ref: leaverQueueId },
      WEBHOOK_SECRETS_SECRET_ID: 'openai-invites/webhook-secrets',
    });
    expect(environment.OPENAI_ADMIN_KEY_SECRET_ID).toBeUndefined();
  });

  it('let the webhook function put and delete items in exactly the replay table, with the mapping in its environment', () => {
    const { stack, template } = synthStack({
      webhookDefaultRole: 'owner',
      webhookMaxRole: 'owner',
      webhookDepartmentProjects: { Engineering: [{ id: 'proj_eng', role: 'member' }] },
      webhookDepartmentGroups: { Engineering: ['group_eng'] },
      webhookDedupeWindowSeconds: 3600,
    });
    const webhook = stack.functions.get(WEBHOOK)!;
    const tableId = logicalIdOf(stack, stack.webhookEventsTable!);
    const statements = statementsOfRole(template, logicalIdOf(stack, webhook.role as Role));
    // The statements on the replay table (the ledger, a table of its own, is asserted below).
    const dynamo = statements.filter((statement) =>
      resourcesOf(statement).some((resource) => JSON.stringify(resource).includes(tableId)),
    );
    const environment =
      template.toJSON().Resources[logicalIdOf(stack, webhook)].Properties.Environment.Variables;

    expect(dynamo.flatMap(actionsOf).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:PutItem']);
    expect(dynamo.flatMap(resourcesOf)).toEqual([{ 'Fn::GetAtt': [tableId, 'Arn'] }]);
    expect(environment).toMatchObject({
      WEBHOOK_DEDUPE_TABLE: { Ref: tableId },
      WEBHOOK_DEDUPE_WINDOW_SECONDS: '3600',
      WEBHOOK_DEFAULT_ROLE: 'owner',
      WEBHOOK_MAX_ROLE: 'owner',
      WEBHOOK_MAX_PROJECT_ROLE: 'member',
      WEBHOOK_DEPARTMENT_PROJECTS: JSON.stringify({ Engineering: [{ id: 'proj_eng', role: 'member' }] }),
      WEBHOOK_DEPARTMENT_GROUPS: JSON.stringify({ Engineering: ['group_eng'] }),
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [{ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }],
    });
    for (const [name, fn] of stack.functions) {
      if (name === WEBHOOK) continue;
      // No other function touches the replay table (the job route reads the ledger, a table of its own).
      const others = statementsOfRole(template, logicalIdOf(stack, fn.role as Role));
      expect(others.flatMap(resourcesOf)).not.toContainEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
    }
  });
});

describe('the bulk queue', () => {
  it('has a dead-letter queue: SSL only, SQS-managed encryption, kept 14 days', () => {
    const dlqId = logicalIdOf(iam.stack, iam.stack.deadLetterQueue);
    const queueId = logicalIdOf(iam.stack, iam.stack.queue);
    const resources = iam.template.toJSON().Resources;

    expect(resources[dlqId].Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    expect(resources[queueId].Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
    });
    for (const id of [queueId, dlqId]) {
      iam.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          // The bulk queue's policy also names its writers (test/infra/queue-policy.test.ts).
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('redrives after the configured number of receives', () => {
    const queue = future.template.toJSON().Resources[logicalIdOf(future.stack, future.stack.queue)];

    expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(3);
  });

  it('feeds the bulk worker with the default pace', () => {
    const worker = iam.stack.functions.get('bulk-invite-worker')!;
    const workerId = logicalIdOf(iam.stack, worker);
    const queueId = logicalIdOf(iam.stack, iam.stack.queue);
    const dlqId = logicalIdOf(iam.stack, iam.stack.deadLetterQueue);
    const statements = statementsOfRole(iam.template, logicalIdOf(iam.stack, worker.role as Role));

    const leaverQueueId = logicalIdOf(iam.stack, iam.stack.leaverQueue);
    // The bulk queue's mapping and the leaver queue's own (issue 27): the same worker drains both.
    iam.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    iam.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: workerId },
      EventSourceArn: { 'Fn::GetAtt': [leaverQueueId, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    iam.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: workerId },
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    expect(iam.template.toJSON().Resources[workerId].Properties).toMatchObject({
      Timeout: 60,
      Environment: {
        Variables: {
          INVITE_QUEUE_URL: { Ref: queueId },
          LEAVER_QUEUE_URL: { Ref: leaverQueueId },
          INVITE_DLQ_URL: { Ref: dlqId },
          OPENAI_RATE_LIMIT_RPS: '5',
          WORKER_MAX_CONCURRENCY: '2',
          WORKER_BATCH_SIZE: '10',
          OFFBOARD_MEMBERS: 'false',
          OPENAI_ADMIN_KEY_SECRET_ID: 'openai/admin-key',
        },
      },
    });
    // Fans jobs out onto the bulk queue, puts permanent failures on the DLQ, consumes the bulk queue.
    const sendTargets = statements
      .filter((statement) => actionsOf(statement).includes('sqs:SendMessage'))
      .flatMap(resourcesOf);
    // ...and re-sends throttled revocations to the leaver queue.
    expect(sendTargets).toHaveLength(3);
    expect(sendTargets).toEqual(
      expect.arrayContaining([
        { 'Fn::GetAtt': [queueId, 'Arn'] },
        { 'Fn::GetAtt': [leaverQueueId, 'Arn'] },
        { 'Fn::GetAtt': [dlqId, 'Arn'] },
      ]),
    );
    const consume = statements.filter((statement) =>
      actionsOf(statement).includes('sqs:ChangeMessageVisibility'),
    );
    expect(consume.flatMap(resourcesOf)).toEqual([
      { 'Fn::GetAtt': [queueId, 'Arn'] },
      { 'Fn::GetAtt': [leaverQueueId, 'Arn'] },
    ]);
  });

  it('gives leavers a queue of their own, kept, encrypted and redriven to the same DLQ as the bulk queue', () => {
    const resources = iam.template.toJSON().Resources;
    const bulk = resources[logicalIdOf(iam.stack, iam.stack.queue)].Properties;
    const leavers = resources[logicalIdOf(iam.stack, iam.stack.leaverQueue)].Properties;
    const dlqId = logicalIdOf(iam.stack, iam.stack.deadLetterQueue);

    expect(leavers.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: bulk.RedrivePolicy.maxReceiveCount,
    });
    expect(leavers).toEqual(bulk);
    expect(leavers.MessageRetentionPeriod).toBe(4 * 24 * 3600);
    expect(leavers.SqsManagedSseEnabled).toBe(true);
    // Only the functions that send leavers may send there: the webhook, SCIM and the worker.
    const send = (
      Object.values(
        iam.template.findResources('AWS::SQS::QueuePolicy', {
          Properties: { Queues: [{ Ref: logicalIdOf(iam.stack, iam.stack.leaverQueue) }] },
        }),
      ) as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }[]
    )
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .find((statement) => statement.Sid === 'OnlyTheProductAndItsOperatorsSend') as
      { Condition: { ArnNotEquals: Record<string, unknown[]> } } | undefined;
    const roleOf = (name: string) => ({
      'Fn::GetAtt': [logicalIdOf(iam.stack, iam.stack.functions.get(name)!.role as Role), 'Arn'],
    });
    expect(send?.Condition.ArnNotEquals['aws:PrincipalArn']).toEqual([
      roleOf('hr-webhook'),
      roleOf('scim'),
      roleOf('bulk-invite-worker'),
    ]);
    // The producers that never send a leaver are not told the leaver queue.
    const bulkRoute = resources[logicalIdOf(iam.stack, iam.stack.functions.get('bulk-invites')!)];
    expect(bulkRoute.Properties.Environment.Variables.LEAVER_QUEUE_URL).toBeUndefined();
  });

  it('feeds a worker in batches with partial failures, at the configured pace', () => {
    const worker = future.stack.functions.get(WORKER)!;
    const workerId = logicalIdOf(future.stack, worker);
    const resources = future.template.toJSON().Resources;

    future.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: workerId },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(future.stack, future.stack.queue), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 7,
      MaximumBatchingWindowInSeconds: 3,
      ScalingConfig: { MaximumConcurrency: 4 },
    });
    expect(resources[workerId].Properties).toMatchObject({
      Timeout: 60,
      Environment: {
        Variables: {
          INVITE_DLQ_URL: { Ref: logicalIdOf(future.stack, future.stack.deadLetterQueue) },
          OPENAI_RATE_LIMIT_RPS: '9',
          WORKER_MAX_CONCURRENCY: '4',
          WORKER_BATCH_SIZE: '7',
          OFFBOARD_MEMBERS: 'true',
          OPENAI_ADMIN_KEY_SECRET_ID: 'openai/admin-key',
        },
      },
    });
    const send = statementsOfRole(future.template, logicalIdOf(future.stack, worker.role as Role)).filter(
      (statement) => actionsOf(statement).includes('sqs:SendMessage'),
    );
    expect(send.flatMap(resourcesOf)).toEqual([
      { 'Fn::GetAtt': [logicalIdOf(future.stack, future.stack.deadLetterQueue), 'Arn'] },
    ]);
  });
});

describe('the stage', () => {
  it('is v1, throttled, traced, with JSON access logs and execution logs without bodies', () => {
    const custom = synthStack({ throttlingRateLimit: 7, throttlingBurstLimit: 11 });
    const stage = Object.values(custom.template.findResources('AWS::ApiGateway::Stage'))[0] as {
      Properties: Record<string, unknown> & { AccessLogSetting: { Format: string; DestinationArn: unknown } };
    };

    expect(stage.Properties).toMatchObject({
      StageName: 'v1',
      TracingEnabled: true,
      // The webhook route's own throttle follows (deployable.test.ts).
      MethodSettings: expect.arrayContaining([
        expect.objectContaining({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 7,
          ThrottlingBurstLimit: 11,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        }),
      ]),
    });
    expect(JSON.parse(stage.Properties.AccessLogSetting.Format)).toMatchObject({
      requestId: '$context.requestId',
      principalId: '$context.authorizer.principalId',
      status: '$context.status',
    });
    // The group's ARN without the trailing `:*` (cdk.json: logGroupDestinationArnWithoutWildcard).
    expect(flatten(stage.Properties.AccessLogSetting.DestinationArn)).toMatch(
      /^arn:aws:logs:eu-west-1:111122223333:log-group:<ApiAccessLogs[0-9A-F]+>$/,
    );
  });

  it('answers its own errors in OpenAI’s error shape', () => {
    const responses = iam.template.findResources('AWS::ApiGateway::GatewayResponse');
    const byType = Object.fromEntries(
      Object.values(responses).map((resource) => {
        const properties = (resource as { Properties: Record<string, unknown> }).Properties;
        return [properties.ResponseType as string, properties];
      }),
    );

    expect(Object.keys(byType)).toEqual(
      expect.arrayContaining(['DEFAULT_4XX', 'DEFAULT_5XX', 'UNAUTHORIZED']),
    );
    expect(byType.UNAUTHORIZED!.StatusCode).toBe('401');
    expect(byType.THROTTLED!.StatusCode).toBe('429');
    for (const properties of Object.values(byType)) {
      const template = (properties.ResponseTemplates as Record<string, string>)['application/json']!;
      // API Gateway substitutes a quoted, escaped string for $context.error.messageString.
      const body = JSON.parse(template.replace('$context.error.messageString', JSON.stringify('Say "no"')));
      expect(body).toEqual({
        error: { message: 'Say "no"', type: expect.any(String), param: null, code: expect.any(String) },
      });
      expect(properties.ResponseParameters).toEqual({
        'gatewayresponse.header.x-request-id': 'context.requestId',
      });
    }
    expect(openAIErrorTemplate('invalid_request_error', 'x')).toContain('"param":null');
  });
});

describe('alarms', () => {
  const alarmsOf = (template: typeof iam.template) =>
    Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => (alarm as { Properties: Record<string, unknown> }).Properties,
    );

  it('watch the DLQ and its backlog, each function’s errors and throttles, the API’s 5xx and latency', () => {
    const alarms = alarmsOf(iam.template);
    const dlqName = { 'Fn::GetAtt': [logicalIdOf(iam.stack, iam.stack.deadLetterQueue), 'QueueName'] };

    expect(alarms).toContainEqual(
      expect.objectContaining({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: dlqName }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
    for (const fn of iam.stack.functions.values()) {
      for (const metric of ['Errors', 'Throttles']) {
        expect(alarms).toContainEqual(
          expect.objectContaining({
            MetricName: metric,
            Namespace: 'AWS/Lambda',
            Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(iam.stack, fn) } }],
          }),
        );
      }
    }
    // The 5xx alarm is metric math: the API's 5xx less OpenAI's outages passed on.
    expect(JSON.stringify(alarms)).toContain('"MetricName":"5XXError","Namespace":"AWS/ApiGateway"');
    // The reconciler's brakes: one stopped run is enough to look.
    expect(alarms).toContainEqual(
      expect.objectContaining({
        MetricName: 'ReconcileBrakeEngaged',
        Namespace: 'OpenAIInvites',
        Dimensions: [{ Name: 'service', Value: 'openai-invites' }],
        Threshold: 1,
      }),
    );
    // The leaver queue's own age: a quarter of an hour is far past "applied within seconds".
    expect(alarms).toContainEqual(
      expect.objectContaining({
        MetricName: 'ApproximateAgeOfOldestMessage',
        Namespace: 'AWS/SQS',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [logicalIdOf(iam.stack, iam.stack.leaverQueue), 'QueueName'] },
          },
        ],
        Threshold: 900,
      }),
    );
    expect(alarms).toHaveLength(3 + 2 * iam.stack.functions.size + 3);
    for (const alarm of alarms) expect(alarm.AlarmActions).toBeUndefined();
    iam.template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('notify the configured email through an encrypted, TLS-only topic', () => {
    const [topicId] = Object.keys(token.template.findResources('AWS::SNS::Topic'));

    token.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topicId },
    });
    token.template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: {
        'Fn::GetAtt': [Object.keys(token.template.findResources('AWS::KMS::Key'))[0], 'Arn'],
      },
    });
    token.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    // CloudWatch must be able to use the key, or alarms could not publish to the encrypted topic.
    const keyPolicy = JSON.stringify(token.template.findResources('AWS::KMS::Key'));
    expect(keyPolicy).toContain('"Service":"cloudwatch.amazonaws.com"');
    token.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    for (const alarm of alarmsOf(token.template)) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
  });
});

describe('the invite sweeper', () => {
  const resources = iam.template.toJSON().Resources as Record<string, CfnResource>;
  const sweeper = iam.stack.functions.get('invite-sweeper')!;
  const sweeperId = logicalIdOf(iam.stack, sweeper);
  const rules = (template: typeof iam.template) =>
    Object.values(template.findResources('AWS::Events::Rule')) as CfnResource[];

  it('runs once a day by default, and on the configured schedule', () => {
    const [rule] = rules(iam.template).filter(
      (candidate) => candidate.Properties.ScheduleExpression === 'rate(1 day)',
    );

    expect(rules(iam.template)).toHaveLength(2);
    expect(rule!.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
      Targets: [{ Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } }],
    });
    const custom = synthStack({ sweepSchedule: 'cron(0 7 * * ? *)' });
    expect(rules(custom.template)[0]!.Properties.ScheduleExpression).toBe('cron(0 7 * * ? *)');
  });

  it('runs the acceptance check every 15 minutes by default with its own event, and on acceptanceCheckSchedule', () => {
    const check = (template: typeof iam.template) =>
      rules(template).find((candidate) =>
        JSON.stringify(candidate.Properties.Targets).includes('acceptance'),
      )!;

    expect(check(iam.template).Properties).toMatchObject({
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] },
          Input: JSON.stringify({ check: 'acceptance' }),
          RetryPolicy: { MaximumRetryAttempts: 0 },
        },
      ],
    });
    const custom = synthStack({ acceptanceCheckSchedule: 'rate(1 hour)' });
    expect(check(custom.template).Properties.ScheduleExpression).toBe('rate(1 hour)');
  });

  it('reads the Admin key and writes the ledger, nothing else, one run at a time', () => {
    const properties = resources[sweeperId]!.Properties;
    const statements = statementsOfRole(iam.template, logicalIdOf(iam.stack, sweeper.role as Role));
    const ledgerId = logicalIdOf(iam.stack, iam.stack.ledgerTable!);

    expect(properties).toMatchObject({ Timeout: 300, ReservedConcurrentExecutions: 1 });
    const variables = properties.Environment.Variables as Record<string, unknown>;
    expect(variables).toMatchObject({
      OPENAI_ADMIN_KEY_SECRET_ID: 'openai/admin-key',
      INVITE_LEDGER_TABLE: { Ref: ledgerId },
      OPENAI_RATE_LIMIT_RPS: '5',
      WORKER_MAX_CONCURRENCY: '2',
      REINVITE_EXPIRED: 'true',
      REINVITE_MAX_TIMES: '2',
      RECONCILE_MAX_REMOVALS: '25',
      OFFBOARD_MEMBERS: 'false',
      REVOKE_LEAVER_KEYS: 'false',
    });
    // No queue, no webhook secrets: the product's own variables are exactly these.
    expect(Object.keys(variables).filter((name) => !/^(POWERTOOLS_|NODE_|AWS_)/.test(name))).toHaveLength(9);
    const services = new Set(statements.flatMap(actionsOf).map((action) => action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 'secretsmanager']);
    expect(
      statements
        .filter(notBudget)
        .filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')))
        .flatMap(actionsOf)
        .sort(),
    ).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    // Its one Query: the needs-action index (who awaits a person), never the table itself.
    const queries = statements.filter((statement) => actionsOf(statement).includes('dynamodb:Query'));
    expect(queries.flatMap(resourcesOf).map((resource) => JSON.stringify(resource))).toEqual([
      expect.stringContaining('/index/needs-action'),
    ]);
  });
});

describe('outputs', () => {
  it('are the API URL, the queue URL, the DLQ URL and the sweeper’s name (for openai-invites sweep --function)', () => {
    const outputs = iam.template.toJSON().Outputs;

    expect(flatten(outputs.ApiUrl.Value)).toMatch(
      /^https:\/\/<Api[0-9A-F]+>\.execute-api\.eu-west-1\.<AWS::URLSuffix>\/<ApiDeploymentStagev1[0-9A-F]+>\/$/,
    );
    expect(outputs.QueueUrl.Value).toEqual({ Ref: logicalIdOf(iam.stack, iam.stack.queue) });
    expect(outputs.DeadLetterQueueUrl.Value).toEqual({
      Ref: logicalIdOf(iam.stack, iam.stack.deadLetterQueue),
    });
    expect(outputs.InviteSweeperFunctionName.Value).toEqual({
      Ref: logicalIdOf(iam.stack, iam.stack.functions.get('invite-sweeper')!),
    });
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON, read by path
type CfnResource = { Type: string; Properties: any; DeletionPolicy?: string };

describe('the invite ledger', () => {
  const resources = iam.template.toJSON().Resources as Record<string, CfnResource>;
  const ledgerId = logicalIdOf(iam.stack, iam.stack.ledgerTable!);

  it('is one on-demand table with pk/sk, a TTL, point-in-time recovery, retained on delete', () => {
    const table = resources[ledgerId]!;

    expect(table.Type).toBe('AWS::DynamoDB::GlobalTable');
    expect(table.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
    expect(table.DeletionPolicy).toBe('Retain');
  });

  it('has sparse indexes of the emails awaiting a person (offboarding list) and of started jobs (newest first)', () => {
    expect(resources[ledgerId]!.Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'needs-action',
        KeySchema: [
          { AttributeName: 'needs_action', KeyType: 'HASH' },
          { AttributeName: 'updated_at', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'jobs-by-time',
        KeySchema: [
          { AttributeName: 'job_list', KeyType: 'HASH' },
          { AttributeName: 'created_at', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
  });

  it('lets bulk-job-status query the jobs index only (the list of recent jobs), no other index', () => {
    const fn = iam.stack.functions.get('bulk-job-status')!;
    const onIndexes = statementsOfRole(iam.template, logicalIdOf(iam.stack, fn.role as Role)).filter(
      (statement) => JSON.stringify(resourcesOf(statement)).includes('/index/'),
    );

    expect(onIndexes.flatMap(actionsOf)).toEqual(['dynamodb:Query']);
    expect(JSON.stringify(onIndexes.flatMap(resourcesOf))).toContain('/index/jobs-by-time');
    expect(JSON.stringify(onIndexes.flatMap(resourcesOf))).not.toContain('needs-action');
  });

  it('is written by each function with the actions its needs call for, and no Query (issue 29, item 8)', () => {
    const expected: Record<string, string[]> = {
      // Registering a job is one UpdateItem: the producer and the webhook neither read nor put.
      'bulk-invites': ['dynamodb:UpdateItem'],
      // …and a refused event's line in the person's history: one PutItem.
      [WEBHOOK]: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'bulk-invite-worker': ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    };
    for (const [name, actions] of Object.entries(expected)) {
      const fn = iam.stack.functions.get(name)!;
      const onLedger = statementsOfRole(iam.template, logicalIdOf(iam.stack, fn.role as Role))
        .filter(notBudget)
        .filter((statement) =>
          resourcesOf(statement).some((resource) => JSON.stringify(resource).includes(ledgerId)),
        );

      expect(resources[logicalIdOf(iam.stack, fn)]!.Properties.Environment.Variables).toMatchObject({
        INVITE_LEDGER_TABLE: { Ref: ledgerId },
      });
      expect(onLedger.flatMap(actionsOf).sort(), name).toEqual(actions);
    }
  });

  it('is used by API create and delete (the person: GetItem, PutItem, UpdateItem) only; list and retrieve only for the budget', () => {
    const expected: Record<string, string[] | undefined> = {
      'create-invite': ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'delete-invite': ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'list-invites': undefined,
      'retrieve-invite': undefined,
    };
    for (const [name, actions] of Object.entries(expected)) {
      const fn = iam.stack.functions.get(name)!;
      const variables = resources[logicalIdOf(iam.stack, fn)]!.Properties.Environment.Variables;
      const dynamodb = statementsOfRole(iam.template, logicalIdOf(iam.stack, fn.role as Role))
        .filter(notBudget)
        .filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));

      // Every caller of OpenAI names the table: the shared budget lives there (lib/budget/).
      expect(variables.INVITE_LEDGER_TABLE, name).toEqual({ Ref: ledgerId });
      expect(dynamodb.flatMap(actionsOf).sort(), name).toEqual(actions ?? []);
      for (const statement of dynamodb) {
        expect(JSON.stringify(resourcesOf(statement)), name).toContain(ledgerId);
      }
    }
  });

  it('lets every function that calls OpenAI read and put the shared budget’s items (BUDGET#*) only', () => {
    const callers = Object.keys(FUNCTION_NEEDS)
      .filter((name) => FUNCTION_NEEDS[name]!.callsOpenAI ?? true)
      .concat(['list-invites', 'retrieve-invite']);
    for (const name of new Set(callers)) {
      const fn = iam.stack.functions.get(name)!;
      const budget = statementsOfRole(iam.template, logicalIdOf(iam.stack, fn.role as Role)).filter(
        isBudgetStatement,
      );
      expect(budget, name).toHaveLength(1);
      expect(actionsOf(budget[0]!).sort(), name).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
      expect(JSON.stringify(resourcesOf(budget[0]!)), name).toContain(ledgerId);
      expect((budget[0] as { Condition?: unknown }).Condition, name).toEqual({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['BUDGET#*'] },
      });
    }
    for (const name of ['bulk-invites', 'bulk-job-status', 'get-person', WEBHOOK]) {
      const fn = iam.stack.functions.get(name)!;
      expect(
        statementsOfRole(iam.template, logicalIdOf(iam.stack, fn.role as Role)).filter(isBudgetStatement),
        name,
      ).toEqual([]);
    }
  });

  it.each(['bulk-job-status', 'get-person'])(
    'is read by %s with GetItem and Query on the table only, and no Admin key',
    (name) => {
      const fn = iam.stack.functions.get(name)!;
      const properties = resources[logicalIdOf(iam.stack, fn)]!.Properties;
      const statements = statementsOfRole(iam.template, logicalIdOf(iam.stack, fn.role as Role));
      const dynamodb = statements.filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
      );

      expect(properties.Environment.Variables).toMatchObject({ INVITE_LEDGER_TABLE: { Ref: ledgerId } });
      expect(properties.Environment.Variables.OPENAI_ADMIN_KEY_SECRET_ID).toBeUndefined();
      const onTable = dynamodb.filter(
        (statement) => !JSON.stringify(resourcesOf(statement)).includes('/index/'),
      );
      expect(onTable.flatMap(actionsOf).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
      // The table itself: no other table (the jobs index of bulk-job-status: the test above).
      expect(onTable.flatMap(resourcesOf)).toEqual([{ 'Fn::GetAtt': [ledgerId, 'Arn'] }]);
      expect(
        statements.some((statement) =>
          actionsOf(statement).some((action) => action.startsWith('secretsmanager:')),
        ),
      ).toBe(false);
    },
  );
});
