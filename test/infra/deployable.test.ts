/**
 * Issue 17 and the webhook limits of issue 16: a stack a platform team deploys without edits.
 * Alarms that reach people, no account-wide side effects unless asked, the region explicit,
 * deployed routing as the README says, concurrency capped, the webhook route limited on its own.
 */
import { gatewayRoutes } from '../../infra/constructs/invites-api';
import { providerNames } from '../../lib/webhooks/providers/registry';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { StackConfigError } from '../../infra/config';
import { ALARM_POLICY, UPSTREAM_OUTAGE_METRIC } from '../../infra/constructs/invites-alarms';
import { resolveDeploymentEnv } from '../../infra/deployment-env';
import { buildApp } from '../../infra/invites-app';
import { ROUTES } from '../../lib/http/routes';
import { fallbackMethods, logicalIdOf, SKIP_BUNDLING, synthStack, templateMethods } from './synth';

// Every route of the table, the SCIM ones (context scim) included.
const plain = synthStack({ scim: true });
const mailed = synthStack({ authMode: 'token', alarmEmail: 'ops@example.com', scim: true });
const guarded = synthStack({
  scim: true,
  allowedPrincipalArns: ['arn:aws:iam::111122223333:role/hr-portal', 'arn:aws:iam::444455556666:root'],
  webhookWafRateLimit: 300,
  webhookThrottlingRateLimit: 3,
  webhookThrottlingBurstLimit: 6,
  setApiGatewayAccountRole: true,
  apiReservedConcurrency: 7,
  webhookReservedConcurrency: 2,
  workerMaxConcurrency: 4,
  logRetentionDays: 90,
});

type Properties = Record<string, unknown>;
// A literal partition: cdk.json sets @aws-cdk/core:enablePartitionLiterals (docs/cdk-feature-flags.md).
const OUR_ALARMS = 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:*';
const propertiesOf = (resource: unknown) => (resource as { Properties: Properties }).Properties;
const resourcesOfType = (synthesized: typeof plain, type: string) =>
  Object.values(synthesized.template.findResources(type)).map(propertiesOf);

describe('the alarm topic', () => {
  it('lets this account’s CloudWatch alarms publish, and still refuses anything but TLS', () => {
    const [policy] = resourcesOfType(mailed, 'AWS::SNS::TopicPolicy');
    const statements = (policy!.PolicyDocument as { Statement: Properties[] }).Statement;
    const allow = statements.find((statement) => statement.Effect === 'Allow');

    expect(allow).toMatchObject({
      Action: 'sns:Publish',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': '111122223333' },
        ArnLike: { 'aws:SourceArn': OUR_ALARMS },
      },
    });
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('grants CloudWatch the key under the same conditions', () => {
    const [key] = resourcesOfType(mailed, 'AWS::KMS::Key');
    const statements = (key!.KeyPolicy as { Statement: Properties[] }).Statement;
    const cloudWatch = statements.filter(
      (statement) => (statement.Principal as Properties)?.Service === 'cloudwatch.amazonaws.com',
    );

    expect(cloudWatch).toHaveLength(1);
    expect(cloudWatch[0]!.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '111122223333' },
      ArnLike: { 'aws:SourceArn': OUR_ALARMS },
    });
  });

  it('receives OK notifications too', () => {
    for (const alarm of resourcesOfType(mailed, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.OKActions).toEqual(alarm.AlarmActions);
      expect(alarm.OKActions).toHaveLength(1);
    }
  });
});

describe('API Gateway’s account-level CloudWatch role', () => {
  it('is left alone by default', () => {
    plain.template.resourceCountIs('AWS::ApiGateway::Account', 0);
    expect(JSON.stringify(plain.template.toJSON())).not.toContain('AmazonAPIGatewayPushToCloudWatchLogs');
  });

  it('is set, and retained on delete, with context setApiGatewayAccountRole', () => {
    const accounts = guarded.template.findResources('AWS::ApiGateway::Account');

    expect(Object.values(accounts)).toEqual([expect.objectContaining({ DeletionPolicy: 'Retain' })]);
  });

  it('keeps access logs either way', () => {
    for (const synthesized of [plain, guarded]) {
      const [stage] = resourcesOfType(synthesized, 'AWS::ApiGateway::Stage');
      expect(stage!.AccessLogSetting).toBeDefined();
    }
  });
});

describe('the execution-log group', () => {
  it('is the stack’s, named as API Gateway names it, with the configured retention', () => {
    const executionLogs = resourcesOfType(guarded, 'AWS::Logs::LogGroup').filter((group) =>
      JSON.stringify(group.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'),
    );

    expect(executionLogs).toHaveLength(1);
    expect(executionLogs[0]!.RetentionInDays).toBe(90);
    expect(JSON.stringify(executionLogs[0]!.LogGroupName)).toContain('/v1');
  });
});

describe('the deployment target', () => {
  const context = (values: Record<string, string>) => (key: string) => values[key];

  it('is refused when account or region is not said, with how to say it', () => {
    expect(() => resolveDeploymentEnv(context({}), {})).toThrow(StackConfigError);
    expect(() => resolveDeploymentEnv(context({}), { CDK_DEFAULT_ACCOUNT: '111122223333' })).toThrow(
      /No target region.*-c region=/,
    );
    // The CLI's us-east-1 fallback is not a choice anyone made.
    expect(() =>
      resolveDeploymentEnv(context({}), {
        CDK_DEFAULT_ACCOUNT: '111122223333',
        CDK_DEFAULT_REGION: 'us-east-1',
      }),
    ).toThrow(/region/);
    expect(() => buildApp(new App({ context: SKIP_BUNDLING }))).toThrow(/No target/);
  });

  it('comes from context, or from the credentials’ account and AWS_REGION as cdk deploy does', () => {
    expect(resolveDeploymentEnv(context({ account: '111122223333', region: 'eu-west-1' }), {})).toEqual({
      account: '111122223333',
      region: 'eu-west-1',
    });
    expect(
      resolveDeploymentEnv(context({}), { CDK_DEFAULT_ACCOUNT: '444455556666', AWS_REGION: 'eu-central-1' }),
    ).toEqual({ account: '444455556666', region: 'eu-central-1' });
    expect(() => resolveDeploymentEnv(context({ account: '12', region: 'eu-west-1' }), {})).toThrow(
      /12 digits/,
    );
  });

  it('is written into the template, not the synth machine’s default', () => {
    expect(JSON.stringify(plain.template.toJSON().Outputs.ApiUrl)).toContain('execute-api.eu-west-1.');
  });
});

describe('deployed routing', () => {
  const mockStatus = (method: { properties: Properties }) =>
    (method.properties.Integration as { IntegrationResponses: { StatusCode: string }[] })
      .IntegrationResponses[0]!.StatusCode;

  it('answers 404 on the paths between routes and on any deeper path', () => {
    const notFound = fallbackMethods(plain.template)
      .filter((method) => mockStatus(method) === '404')
      .map((method) => method.path)
      .sort();

    expect(notFound).toEqual(
      expect.arrayContaining(['/', '/{proxy+}', '/organization', '/webhooks', '/organization/{proxy+}']),
    );
    expect(notFound).toContain('/webhooks/{provider}/{proxy+}');
    // API Gateway allows one variable child per resource: none beside {invite_id}.
    expect(notFound).not.toContain('/organization/invites/{proxy+}');
  });

  it('answers 404/405 without credentials in every mode: IAM, token, listed principals', () => {
    for (const synthesized of [plain, mailed, guarded]) {
      const fallbacks = fallbackMethods(synthesized.template);

      expect(fallbacks.map((method) => method.path)).toEqual(
        expect.arrayContaining(['/', '/organization', '/webhooks', ...ROUTES.map((route) => route.path)]),
      );
      for (const method of fallbacks) {
        // An authorizer here would answer 401/403 before the mock could say 404 or 405.
        expect(method.properties).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'MOCK' } });
        expect(method.properties.AuthorizerId).toBeUndefined();
        expect(['404', '405']).toContain(mockStatus(method));
      }
    }
  });

  it('lets anyone reach the mocks and webhooks when principals are listed, and only them the api routes', () => {
    const [api] = resourcesOfType(guarded, 'AWS::ApiGateway::RestApi');
    const statements = (api!.Policy as { Statement: Properties[] }).Statement;
    const deny = statements.find((statement) => statement.Effect === 'Deny')!;
    const apiRoutes = ROUTES.filter((route) => route.auth === 'api').map(
      (route) => `execute-api:/v1/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`,
    );

    // cdk.json's @aws-cdk/aws-iam:minimizePolicies may merge this Allow with the listed principals' one.
    const allowedEverywhere = statements
      .filter((statement) => statement.Effect === 'Allow' && statement.Resource === 'execute-api:/v1/*/*')
      .flatMap((statement) => [(statement.Principal as { AWS: string | string[] }).AWS].flat());
    expect(allowedEverywhere).toContain('*');
    expect([...(deny.Resource as string[])].sort()).toEqual([...new Set(apiRoutes)].sort());
    expect(deny.Condition).toEqual({
      ArnNotLike: {
        'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/hr-portal', 'arn:aws:iam::444455556666:*'],
      },
    });
    expect(JSON.stringify(deny.Resource)).not.toContain('webhooks');
  });
});

describe('concurrency', () => {
  const reserved = (synthesized: typeof plain, name: string) =>
    synthesized.template.toJSON().Resources[
      logicalIdOf(synthesized.stack, synthesized.stack.functions.get(name)!)
    ].Properties.ReservedConcurrentExecutions;

  it('is reserved per function: API functions capped, the webhook capped, the worker at its maximum', () => {
    expect(reserved(plain, 'create-invite')).toBe(10);
    expect(reserved(plain, 'hr-webhook')).toBe(5);
    // The bulk mapping's maximum concurrency plus the leaver queue mapping's 2.
    expect(reserved(plain, 'bulk-invite-worker')).toBe(2 + 2);
    expect(reserved(guarded, 'list-invites')).toBe(7);
    expect(reserved(guarded, 'hr-webhook')).toBe(2);
    expect(reserved(guarded, 'bulk-invite-worker')).toBe(4 + 2);
    expect(reserved(mailed, 'bearer-token-authorizer')).toBe(10);
  });
});

describe('alarms', () => {
  const alarms = resourcesOfType(plain, 'AWS::CloudWatch::Alarm');

  it('need a repeated or sustained breach, except the dead-letter queue and the reconciler’s brakes', () => {
    for (const alarm of alarms) {
      // One message dead-lettered, or one run stopped by its brakes, is already for a person to see.
      if (alarm.MetricName === 'ApproximateNumberOfMessagesVisible') continue;
      if (alarm.MetricName === 'ReconcileBrakeEngaged') continue;
      expect((alarm.EvaluationPeriods as number) >= 2, JSON.stringify(alarm.AlarmDescription)).toBe(true);
      expect(alarm.DatapointsToAlarm as number).toBeGreaterThanOrEqual(2);
    }
  });

  it('watch the bulk backlog’s age and the API’s p99 latency', () => {
    expect(alarms).toContainEqual(
      expect.objectContaining({
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [logicalIdOf(plain.stack, plain.stack.queue), 'QueueName'] },
          },
        ],
        Threshold: ALARM_POLICY.bulkBacklogAgeSeconds.threshold,
      }),
    );
    expect(alarms).toContainEqual(
      expect.objectContaining({ MetricName: 'Latency', ExtendedStatistic: 'p99', Threshold: 10_000 }),
    );
  });

  it('count the product’s own 5xx apart from OpenAI’s outages passed on', () => {
    const api5xx = alarms.find((alarm) => Array.isArray(alarm.Metrics))!;
    const filters = resourcesOfType(plain, 'AWS::Logs::MetricFilter');

    expect(JSON.stringify(api5xx.Metrics)).toContain('FILL(all5xx, 0) - FILL(upstream, 0)');
    expect(JSON.stringify(api5xx.Metrics)).toContain('5XXError');
    expect(filters).toHaveLength(new Set(ROUTES.map((route) => route.functionName)).size);
    for (const filter of filters) {
      expect(filter.MetricTransformations).toEqual([
        expect.objectContaining({ MetricName: UPSTREAM_OUTAGE_METRIC, MetricValue: '1' }),
      ]);
      expect(filter.FilterPattern).toContain('$.statusCode >= 500');
      expect(filter.FilterPattern).toContain('upstream_*');
    }
  });
});

describe('the webhook route', () => {
  it('has a throttle of its own, apart from the stage’s', () => {
    const [stage] = resourcesOfType(guarded, 'AWS::ApiGateway::Stage');
    const settings = stage!.MethodSettings as Properties[];

    expect(settings).toContainEqual(
      expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 20 }),
    );
    for (const method of ['GET', 'POST']) {
      expect(settings).toContainEqual(
        expect.objectContaining({
          HttpMethod: method,
          ResourcePath: '/~1webhooks~1{provider}',
          ThrottlingRateLimit: 3,
          ThrottlingBurstLimit: 6,
        }),
      );
    }
  });

  it('gets a WAF rate-based rule on its path only with context webhookWafRateLimit', () => {
    plain.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    const [acl] = resourcesOfType(guarded, 'AWS::WAFv2::WebACL');
    const [rule] = acl!.Rules as { Statement: { RateBasedStatement: Properties }; Action: Properties }[];

    expect(acl!.DefaultAction).toEqual({ Allow: {} });
    expect(rule!.Action).toEqual({ Block: {} });
    expect(rule!.Statement.RateBasedStatement).toMatchObject({
      AggregateKeyType: 'IP',
      Limit: 300,
      ScopeDownStatement: {
        ByteMatchStatement: { PositionalConstraint: 'STARTS_WITH', SearchString: '/v1/webhooks/' },
      },
    });
    guarded.template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });
});

describe('outputs and functions', () => {
  it('have one API URL output, not a second ApiEndpoint', () => {
    expect(Object.keys(plain.template.toJSON().Outputs).sort()).toEqual([
      'AdminKeyReaderRoleArns',
      'ApiUrl',
      'DeadLetterQueueUrl',
      'InviteSweeperFunctionName',
      'LeaverQueueUrl',
      'QueueUrl',
    ]);
  });

  it('run without source maps by default, and with them (and the Node flag) when asked', () => {
    const variables = (synthesized: typeof plain) =>
      synthesized.template.toJSON().Resources[
        logicalIdOf(synthesized.stack, synthesized.stack.functions.get('create-invite')!)
      ].Properties.Environment.Variables;

    expect(variables(plain).NODE_OPTIONS).toBeUndefined();
    expect(variables(synthStack({ sourceMaps: true })).NODE_OPTIONS).toBe('--enable-source-maps');
  });

  it('are all listed in templateMethods', () => {
    // Webhook routes are served once more per provider, each with its own throttle (issue 29, item 6).
    expect(templateMethods(plain.template)).toHaveLength(gatewayRoutes(ROUTES, providerNames()).length);
  });
});
