/**
 * The SCIM routes in the stack (docs/scim.md): absent unless context `scim` asks for them; then
 * served by one function, open at the gateway (the function checks the SCIM token), which reads
 * only the SCIM token's secret (never the Admin key), keeps its items on the ledger table and
 * sends to the bulk queue.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../lib/http/routes';
import { resourcePaths, synthStack } from './synth';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON, read by path
type Json = any;

const scimFunctionOf = (template: ReturnType<typeof synthStack>['template']): [string, Json] | undefined =>
  Object.entries(template.findResources('AWS::Lambda::Function') as Record<string, Json>).find(
    ([, fn]) => fn.Properties.Environment?.Variables?.SCIM_TOKEN_SECRET_ID !== undefined,
  );

describe('the SCIM routes in the stack', () => {
  it('are not deployed by default: no function, no /scim resource', () => {
    const { template } = synthStack();
    expect(scimFunctionOf(template)).toBeUndefined();
    expect([...resourcePaths(template).values()].some((path) => path.startsWith('/scim'))).toBe(false);
  });

  const { template } = synthStack({
    scim: true,
    scimTokenSecretName: 'corp/scim-token',
    scimGroupMap: '{"Eng":"g_1"}',
  });

  it('with context scim, serve every SCIM route of the route table, open at the gateway', () => {
    const paths = new Map([...resourcePaths(template)].map(([id, path]) => [id, path]));
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method') as Record<string, Json>)
      .filter((method) => paths.get(method.Properties.ResourceId?.Ref)?.startsWith('/scim/v2'))
      // ANY: the route fallbacks' 404/405 answers (route-fallbacks.ts).
      .filter((method) => method.Properties.HttpMethod !== 'ANY')
      .map((method) => `${method.Properties.HttpMethod} ${paths.get(method.Properties.ResourceId.Ref)}`);
    const expected = ROUTES.filter((route) => route.auth === 'scim').map(
      (route) => `${route.method} ${route.path}`,
    );
    expect(methods.sort()).toEqual([...expected].sort());
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'PATCH',
      AuthorizationType: 'NONE',
      OperationName: 'scimPatchUser',
    });
  });

  it('give the function the token secret, the group map, the ledger table and the queue, never the Admin key', () => {
    const found = scimFunctionOf(template);
    expect(found).toBeDefined();
    const variables = found![1].Properties.Environment.Variables;
    expect(variables.SCIM_TOKEN_SECRET_ID).toBe('corp/scim-token');
    expect(variables.SCIM_GROUP_MAP).toBe('{"Eng":"g_1"}');
    expect(variables.INVITE_LEDGER_TABLE).toBeDefined();
    expect(variables.INVITE_QUEUE_URL).toBeDefined();
    expect(variables.OPENAI_ADMIN_KEY_SECRET_ID).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['dynamodb:DeleteItem', 'dynamodb:Query']),
          }),
        ]),
      },
    });
  });
});
