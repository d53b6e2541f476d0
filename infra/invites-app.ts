/**
 * The CDK app: the invites stack, configured from context, with cdk-nag's AWS Solutions checks on
 * everything. Any finding not acknowledged next to its resource fails the synth. The account and
 * region are explicit (infra/deployment-env.ts).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStackConfig } from './config';
import { resolveDeploymentEnv } from './deployment-env';
import { InvitesStack } from './invites-stack';

export const buildApp = (app: App = new App()): { app: App; stack: InvitesStack } => {
  const stack = new InvitesStack(app, app.node.tryGetContext('stackName') ?? 'OpenAIInvites', {
    description: 'OpenAI organization invites: API Gateway, Lambda, SQS, Secrets Manager',
    config: readStackConfig(app.node),
    env: resolveDeploymentEnv((key) => app.node.tryGetContext(key)),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
};
