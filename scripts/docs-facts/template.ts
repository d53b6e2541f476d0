/** The stack's template as `cdk synth` writes it (bundling skipped), for the facts it holds. */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseStackConfig } from '../../infra/config';
import { InvitesStack } from '../../infra/invites-stack';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Description?: string }>;
}

/** cdk.json's feature flags: the template documented is the one `cdk synth` writes. */
const featureFlags = (): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(
      (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: object })
        .context,
    ).filter(([key]) => key.startsWith('@aws-cdk')),
  );

/** The template for these context values (and the defaults for every other key). */
export const synthesize = (context: Record<string, unknown> = {}): CfnTemplate => {
  const app = new App({ context: { ...featureFlags(), 'aws:cdk:bundling-stacks': [] } });
  const stack = new InvitesStack(app, 'OpenAIInvites', {
    config: parseStackConfig((key) => context[key]),
    env: { account: '111122223333', region: 'eu-west-1' },
  });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
};
