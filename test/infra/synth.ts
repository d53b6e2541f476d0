/** Builds the stack for template assertions, with esbuild bundling skipped. */
import { readFileSync } from 'node:fs';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseStackConfig } from '../../infra/config';
import type { FunctionNeeds, WorkerSpec } from '../../infra/functions';
import { InvitesStack } from '../../infra/invites-stack';
import type { Route } from '../../lib/http/routes';

/** Skips NodejsFunction bundling: template tests need no esbuild run. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

/**
 * The feature flags cdk.json sets (docs/cdk-feature-flags.md): every app a test builds gets them, so
 * the templates tested are the ones `cdk synth` writes. The stack's settings stay out: each test
 * passes its own.
 */
export const FEATURE_FLAGS: Record<string, unknown> = Object.fromEntries(
  Object.entries(
    JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<
      string,
      unknown
    >,
  ).filter(([key]) => key.startsWith('@aws-cdk')),
);

/** Template tests pin where the stack deploys, as the app requires (infra/deployment-env.ts). */
export const TEST_ENV = { account: '111122223333', region: 'eu-west-1' } as const;

export interface Synthesized {
  app: App;
  stack: InvitesStack;
  template: Template;
}

export const synthStack = (
  context: Record<string, unknown> = {},
  extra: {
    routes?: readonly Route[];
    workers?: readonly WorkerSpec[];
    functionNeeds?: Record<string, FunctionNeeds>;
  } = {},
): Synthesized => {
  const app = new App({ context: { ...FEATURE_FLAGS, ...SKIP_BUNDLING } });
  const stack = new InvitesStack(app, 'Invites', {
    config: parseStackConfig((key) => context[key]),
    env: TEST_ENV,
    ...extra,
  });
  return { app, stack, template: Template.fromStack(stack) };
};

/** The logical ID of a construct's CloudFormation resource. */
export const logicalIdOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as never);

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** API Gateway resource logical IDs → their full paths ('/' for the root). */
export const resourcePaths = (template: Template): Map<string, string> => {
  const resources = template.toJSON().Resources as Resources;
  const paths = new Map<string, string>();
  const pathOf = (reference: unknown): string => {
    const ref = (reference as { Ref?: string }).Ref;
    if (!ref) return ''; // Fn::GetAtt [RestApi, RootResourceId]
    const cached = paths.get(ref);
    if (cached !== undefined) return cached;
    const resource = resources[ref]!;
    const path = `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart as string}`;
    paths.set(ref, path);
    return path;
  };
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::ApiGateway::Resource') pathOf({ Ref: id });
  }
  return paths;
};

export interface TemplateMethod {
  logicalId: string;
  method: string;
  path: string;
  properties: Record<string, unknown>;
}

/** Every AWS::ApiGateway::Method of a route (not the ANY fallbacks) with its method and full path. */
export const templateMethods = (template: Template): TemplateMethod[] =>
  allTemplateMethods(template).filter((method) => method.method !== 'ANY');

/** The ANY mocks that answer 404 for unknown paths and 405 for other methods (route-fallbacks.ts). */
export const fallbackMethods = (template: Template): TemplateMethod[] =>
  allTemplateMethods(template).filter((method) => method.method === 'ANY');

const allTemplateMethods = (template: Template): TemplateMethod[] => {
  const paths = resourcePaths(template);
  return Object.entries(template.findResources('AWS::ApiGateway::Method')).map(([logicalId, resource]) => {
    const properties = (resource as { Properties: Record<string, unknown> }).Properties;
    const ref = (properties.ResourceId as { Ref?: string }).Ref;
    return {
      logicalId,
      method: properties.HttpMethod as string,
      path: ref ? paths.get(ref)! : '/',
      properties,
    };
  });
};

export interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** The statements of the IAM policies attached to a role. */
export const statementsOfRole = (template: Template, roleLogicalId: string): PolicyStatementJson[] =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) =>
      ((policy as { Properties: { Roles: { Ref: string }[] } }).Properties.Roles ?? []).some(
        (role) => role.Ref === roleLogicalId,
      ),
    )
    .flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: PolicyStatementJson[] } } }).Properties
          .PolicyDocument.Statement,
    );

export const actionsOf = (statement: PolicyStatementJson): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

export const resourcesOf = (statement: PolicyStatementJson): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
