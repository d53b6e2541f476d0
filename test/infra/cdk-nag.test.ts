import { readFileSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { parseStackConfig } from '../../infra/config';
import { buildApp } from '../../infra/invites-app';
import { InvitesStack } from '../../infra/invites-stack';
import { ROUTES } from '../../lib/http/routes';
import { FEATURE_FLAGS, SKIP_BUNDLING, TEST_ENV } from './synth';

const CDK_JSON_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;

/** Every finding, acknowledged or not: the acknowledgement lookup is switched off. */
class AllFindings extends AwsSolutionsChecks {
  constructor() {
    super();
    Object.defineProperty(this, 'isAcknowledged', { value: () => false });
  }
}

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

const acknowledgementsIn = (root: IConstruct): Acknowledgement[] =>
  root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^[^:]+::/, ''),
          reason,
        })),
      ),
  );

const apps = {
  'the app as cdk.json configures it': () =>
    buildApp(new App({ context: { ...CDK_JSON_CONTEXT, ...SKIP_BUNDLING, ...TEST_ENV } })).app,
  'token mode with an alarm email': () =>
    buildApp(
      new App({
        context: {
          ...FEATURE_FLAGS,
          ...SKIP_BUNDLING,
          ...TEST_ENV,
          authMode: 'token',
          alarmEmail: 'ops@example.com',
        },
      }),
    ).app,
  'a webhook route, a worker and allowed principals': () => {
    const app = new App({ context: { ...FEATURE_FLAGS, ...SKIP_BUNDLING } });
    new InvitesStack(app, 'Invites', {
      env: TEST_ENV,
      config: parseStackConfig(
        (key) =>
          ({
            allowedPrincipalArns: ['arn:aws:iam::111122223333:role/hr-portal'],
            webhookSecretsSecretId: 'openai-invites/webhook-secrets',
            webhookWafRateLimit: 300,
            setApiGatewayAccountRole: true,
          })[key],
      ),
      routes: ROUTES,
      workers: [{ functionName: '../test/infra/fixtures/bulk-worker' }],
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    return app;
  },
};

describe('cdk-nag AwsSolutions checks', () => {
  describe.each(Object.entries(apps))('on %s', (_name, makeApp) => {
    it('find nothing unacknowledged, and the synth passes', () => {
      const app = makeApp();

      expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
      expect(() => app.synth()).not.toThrow();
      // The file's first synth also loads aws-cdk-lib: tens of seconds on a busy 2-core machine.
    }, 120_000);

    it('acknowledge only real findings, each with a reason, on the resource concerned', () => {
      const app = makeApp();
      const findings = new AllFindings().validateScope(app).violations;
      const acknowledgements = acknowledgementsIn(app);

      expect(acknowledgements.length).toBeGreaterThan(0);
      for (const acknowledgement of acknowledgements) {
        const finding = findings.find((candidate) => candidate.ruleName === acknowledgement.id);
        const onThisConstruct = finding?.violatingResources.some((resource) =>
          resource.constructPath?.startsWith(`${acknowledgement.path}/`),
        );

        expect(onThisConstruct, `${acknowledgement.id} at ${acknowledgement.path} matches no finding`).toBe(
          true,
        );
        expect(acknowledgement.reason.length).toBeGreaterThan(30);
        expect(Stack.isStack(app.node.findChild(acknowledgement.path.split('/')[0]!))).toBe(true);
        expect(acknowledgement.path.split('/').length, 'not on the stack or the app').toBeGreaterThan(1);
      }
    });
  });

  it('fail the synth on a finding nobody acknowledged', () => {
    const { app, stack } = buildApp(
      new App({ context: { ...FEATURE_FLAGS, ...SKIP_BUNDLING, ...TEST_ENV } }),
    );
    new Queue(stack, 'CarelessQueue');

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
