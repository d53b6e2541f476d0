/**
 * The CDK app: the invites stack, configured from context, with cdk-nag's AWS Solutions checks on
 * everything. Any finding not acknowledged next to its resource fails the synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStackConfig } from './config';
import { InvitesStack } from './invites-stack';

export const buildApp = (app: App = new App()): { app: App; stack: InvitesStack } => {
  const stack = new InvitesStack(app, app.node.tryGetContext('stackName') ?? 'OpenAIInvites', {
    description: 'OpenAI organization invites: API Gateway, Lambda, SQS, Secrets Manager',
    config: readStackConfig(app.node),
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
};
