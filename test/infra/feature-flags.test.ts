/**
 * The CDK feature flags of cdk.json (docs/cdk-feature-flags.md): every flag aws-cdk-lib recommends
 * is set as recommended unless the docs' table says why not, the template tests see them, and they
 * leave the stateful resources of an existing deployment alone.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS, FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { parseStackConfig } from '../../infra/config';
import { InvitesStack } from '../../infra/invites-stack';
import { FEATURE_FLAGS, SKIP_BUNDLING, synthStack, TEST_ENV } from './synth';

const DOC = readFileSync(new URL('../../docs/cdk-feature-flags.md', import.meta.url), 'utf8');

/** The flags of the docs' "Not at the recommended value" table. */
const exceptions = (): string[] =>
  DOC.split('## Not at the recommended value')[1]!
    .split('\n')
    .flatMap((line) => /^\| `(@aws-cdk[^`]+)` \|/.exec(line)?.[1] ?? []);

/** Alarm email and token mode: the variant with the most stateful resources (the topic's key). */
const CONTEXT: Record<string, unknown> = { authMode: 'token', alarmEmail: 'ops@example.com' };

const withoutFlags = (): Template => {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new InvitesStack(app, 'Invites', {
    config: parseStackConfig((key) => CONTEXT[key]),
    env: TEST_ENV,
  });
  return Template.fromStack(stack);
};

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> } & object>;

/** Replacing one of these loses data or breaks its consumers: flags must not touch them. */
const STATEFUL = ['AWS::DynamoDB::GlobalTable', 'AWS::SQS::Queue', 'AWS::KMS::Key', 'AWS::Logs::LogGroup'];

const statefulOf = (template: Template): Resources =>
  Object.fromEntries(
    Object.entries(template.toJSON().Resources as Resources)
      .filter(([, resource]) => STATEFUL.includes(resource.Type))
      // A key policy is updated in place; it changes only in how its ARNs spell the partition.
      .map(([id, { Properties, ...rest }]) => [id, { ...rest, Properties: { ...Properties, KeyPolicy: 0 } }]),
  );

// Synthesized while the file loads (no test timeout), as the other template tests do.
const withFlags = synthStack(CONTEXT).template;
const before = statefulOf(withoutFlags());

describe('CDK feature flags', () => {
  it('sets every recommended flag as recommended, or says why not in docs/cdk-feature-flags.md', () => {
    const excepted = exceptions();
    const recommended = CURRENTLY_RECOMMENDED_FLAGS as Record<string, unknown>;

    for (const [flag, value] of Object.entries(recommended)) {
      if (excepted.includes(flag)) expect(FEATURE_FLAGS[flag], flag).not.toEqual(value);
      else expect(FEATURE_FLAGS[flag], `${flag}: set it, or add it to the docs' table`).toEqual(value);
    }
    expect(Object.keys(FEATURE_FLAGS).length).toBeGreaterThanOrEqual(89);
  });

  it('names only flags aws-cdk-lib knows (CDK ignores a misspelt one)', () => {
    for (const flag of Object.keys(FEATURE_FLAGS)) expect(FLAGS, flag).toHaveProperty([flag]);
  });

  it('reach the template tests', () => {
    const template = withFlags.toJSON();
    const stage = Object.values(template.Resources as Resources).find(
      (resource) => resource.Type === 'AWS::ApiGateway::Stage',
    )!;
    const destination = JSON.stringify(
      (stage.Properties!.AccessLogSetting as { DestinationArn: unknown }).DestinationArn,
    );

    // logGroupDestinationArnWithoutWildcard and enablePartitionLiterals.
    expect(destination).toContain('arn:aws:logs:eu-west-1:111122223333:log-group:');
    expect(destination).not.toContain('Fn::GetAtt');
    expect(JSON.stringify(template)).not.toContain('AWS::Partition');
  });

  it('leave the stateful resources as they were: logical IDs, deletion policies, properties', () => {
    const after = statefulOf(withFlags);

    expect(Object.keys(before).length).toBeGreaterThanOrEqual(STATEFUL.length);
    expect(after).toEqual(before);
  });
});
