/**
 * What the deployed API answers when no route fits, made to match OpenAI and the local gateway
 * (lib/http/routes.ts `matchRoute`): an unknown path gets 404 `unknown_url`, and a known path with
 * another method gets 405 `method_not_allowed` with `Allow`. Left alone, a REST API answers both
 * with 403 "Missing Authentication Token", which an OpenAI client reports as a permission error.
 *
 * Both are mock integrations: no function runs, nothing is read, and they need no authorisation
 * (they only tell which of OpenAI's public paths exist here). A path between routes that has no
 * method of its own (`/organization`, `/webhooks`) answers 404 too, and so does any deeper path:
 * a greedy `{proxy+}` sits below every resource that has no `{parameter}` child (API Gateway
 * allows only one variable child per resource).
 */
import { Validations } from 'aws-cdk-lib';
import {
  AuthorizationType,
  type IResource,
  MockIntegration,
  PassthroughBehavior,
  type RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { Route } from '../../lib/http/routes';

const errorTemplate = (message: string, code: string): string =>
  `{"error":{"message":"${message}","type":"invalid_request_error","param":null,"code":"${code}"}}`;

/** `$context.path` includes the stage, as the local gateway's message does: `/v1/...`. */
const UNKNOWN_URL = errorTemplate(
  'Invalid URL ($context.httpMethod $util.escapeJavaScript($context.path))',
  'unknown_url',
);

/** Every answer names its request, as the functions' answers do: API Gateway's own request id. */
const REQUEST_ID_HEADER = 'x-request-id';

const addMock = (
  resource: IResource,
  statusCode: string,
  body: string,
  headers: Record<string, string> = {},
) => {
  const integration = new MockIntegration({
    // Whatever the body, the mock answers 200 inside and the default integration response maps it.
    passthroughBehavior: PassthroughBehavior.WHEN_NO_MATCH,
    requestTemplates: { 'application/json': '{"statusCode": 200}' },
    integrationResponses: [
      {
        statusCode,
        responseTemplates: { 'application/json': body },
        responseParameters: {
          ...Object.fromEntries(
            Object.entries(headers).map(([name, value]) => [`method.response.header.${name}`, `'${value}'`]),
          ),
          [`method.response.header.${REQUEST_ID_HEADER}`]: 'context.requestId',
        },
      },
    ],
  });
  const method = resource.addMethod('ANY', integration, {
    authorizationType: AuthorizationType.NONE,
    methodResponses: [
      {
        statusCode,
        responseParameters: Object.fromEntries(
          [...Object.keys(headers), REQUEST_ID_HEADER].map((name) => [
            `method.response.header.${name}`,
            true,
          ]),
        ),
      },
    ],
  });
  const reason = `A mock answering ${statusCode} in OpenAI's error shape: no function runs and nothing is read, so there is nothing to authorise.`;
  Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason });
  Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason });
};

export interface FallbackPlan {
  /** Route paths → the methods they have (the others answer 405). */
  readonly methodsByPath: ReadonlyMap<string, readonly string[]>;
  /** Paths between routes with no method of their own: 404. */
  readonly emptyPaths: readonly string[];
  /** Paths below which a `{proxy+}` answers 404 (the root's included). */
  readonly proxyParents: readonly string[];
}

/** Which mocks the route table calls for; the resource policy (invites-api.ts) reads it too. */
export const fallbackPlan = (routes: readonly Route[]): FallbackPlan => {
  const methodsByPath = new Map<string, string[]>();
  for (const route of routes)
    methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method]);
  const allPaths = new Set<string>(['/']);
  for (const path of methodsByPath.keys()) {
    const segments = path.split('/').filter(Boolean);
    for (let length = 1; length <= segments.length; length += 1)
      allPaths.add(`/${segments.slice(0, length).join('/')}`);
  }
  const hasVariableChild = (parent: string) =>
    [...allPaths].some(
      (path) =>
        path !== parent &&
        path.startsWith(parent === '/' ? '/' : `${parent}/`) &&
        path.slice(parent === '/' ? 1 : parent.length + 1).split('/').length === 1 &&
        path.endsWith('}'),
    );
  return {
    methodsByPath,
    emptyPaths: [...allPaths].filter((path) => path !== '/' && !methodsByPath.has(path)),
    proxyParents: [...allPaths].filter((path) => !hasVariableChild(path)),
  };
};

export const addRouteFallbacks = (api: RestApi, routes: readonly Route[]): void => {
  const plan = fallbackPlan(routes);
  for (const [path, methods] of plan.methodsByPath) {
    const allowed = methods.join(', ');
    addMock(
      api.root.resourceForPath(path),
      '405',
      errorTemplate(
        `Method $context.httpMethod is not allowed here. Allowed: ${allowed}.`,
        'method_not_allowed',
      ),
      { Allow: allowed },
    );
  }
  addMock(api.root, '404', UNKNOWN_URL);
  for (const path of plan.emptyPaths) addMock(api.root.resourceForPath(path), '404', UNKNOWN_URL);
  for (const parent of plan.proxyParents) {
    addMock(api.root.resourceForPath(parent).addResource('{proxy+}'), '404', UNKNOWN_URL);
  }
};
