/**
 * What the deployed API answers when no route fits, made to match OpenAI and the local gateway
 * (lib/http/routes.ts `matchRoute`): an unknown path gets 404 `unknown_url`, and a known path with
 * another method gets 405 `method_not_allowed` with `Allow`. Left alone, a REST API answers both
 * with 403 "Missing Authentication Token", which an OpenAI client reports as a permission error.
 *
 * Both are mock integrations: no function runs, nothing is read, and they need no authorisation
 * (they only tell which of OpenAI's public paths exist here).
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
        responseParameters: Object.fromEntries(
          Object.entries(headers).map(([name, value]) => [`method.response.header.${name}`, `'${value}'`]),
        ),
      },
    ],
  });
  const method = resource.addMethod('ANY', integration, {
    authorizationType: AuthorizationType.NONE,
    methodResponses: [
      {
        statusCode,
        responseParameters: Object.fromEntries(
          Object.keys(headers).map((name) => [`method.response.header.${name}`, true]),
        ),
      },
    ],
  });
  const reason = `A mock answering ${statusCode} in OpenAI's error shape: no function runs and nothing is read, so there is nothing to authorise.`;
  Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason });
  Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason });
};

export const addRouteFallbacks = (api: RestApi, routes: readonly Route[]): void => {
  const methodsByPath = new Map<string, string[]>();
  for (const route of routes)
    methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method]);
  for (const [path, methods] of methodsByPath) {
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
  addMock(api.root.addResource('{proxy+}'), '404', UNKNOWN_URL);
};
