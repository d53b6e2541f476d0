/**
 * Issue 29, item 6: a throttle per webhook provider, and the WAF rule on the decoded, normalised
 * path. Forged traffic to one provider's URL (or to an unknown name) cannot make API Gateway answer
 * 429 to another provider's real deliveries.
 */
import { describe, expect, it } from 'vitest';
import { gatewayRoutes } from '../../infra/constructs/invites-api';
import { ROUTES } from '../../lib/http/routes';
import { providerNameOf } from '../../lib/webhooks/handler';
import { providerNames } from '../../lib/webhooks/providers/registry';
import { resourcePaths, synthStack } from './synth';

const plain = synthStack({ webhookThrottlingRateLimit: 4, webhookThrottlingBurstLimit: 8 });
const withWaf = synthStack({ webhookWafRateLimit: 300 });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON, read by path
type Json = any;

const methodSettings = (): Json[] => {
  const stages = Object.values(plain.template.findResources('AWS::ApiGateway::Stage')) as Json[];
  expect(stages).toHaveLength(1);
  return stages[0].Properties.MethodSettings;
};

describe('webhook throttles', () => {
  it('are one per provider, each with the configured rate and burst, apart from the stage’s', () => {
    // Act
    const settings = methodSettings();

    // Assess: API Gateway's settings path is the resource path with / escaped as ~1.
    for (const name of providerNames()) {
      expect(settings, name).toContainEqual(
        expect.objectContaining({
          ResourcePath: `/~1webhooks~1${name}`,
          HttpMethod: 'POST',
          ThrottlingRateLimit: 4,
          ThrottlingBurstLimit: 8,
        }),
      );
    }
    expect(settings).toContainEqual(
      expect.objectContaining({
        ResourcePath: '/~1webhooks~1{provider}',
        HttpMethod: 'POST',
        ThrottlingRateLimit: 4,
      }),
    );
  });

  it('sit on a resource of their own per provider, each with a POST method', () => {
    const paths = new Set(resourcePaths(plain.template).values());
    for (const name of providerNames()) expect(paths.has(`/webhooks/${name}`), name).toBe(true);
    expect(paths.has('/webhooks/{provider}')).toBe(true);
  });

  it('come from the route table: each {provider} webhook route expanded, nothing else', () => {
    const expanded = gatewayRoutes(ROUTES, ['standard', 'okta']);

    expect(expanded.length).toBe(
      ROUTES.length + 2 * ROUTES.filter((route) => route.auth === 'webhook').length,
    );
    expect(
      expanded
        .filter((route) => route.path === '/webhooks/okta')
        .map((route) => route.method)
        .sort(),
    ).toEqual(['GET', 'POST']);
  });

  it('leave the function knowing its provider on a per-provider resource (no path parameter there)', () => {
    expect(providerNameOf({ pathParameters: null, resource: '/webhooks/greenhouse' })).toBe('greenhouse');
    expect(providerNameOf({ pathParameters: { provider: 'okta' }, resource: '/webhooks/{provider}' })).toBe(
      'okta',
    );
    expect(providerNameOf({ pathParameters: null, resource: '/organization/invites' })).toBe('');
  });
});

describe('the webhook WAF rule', () => {
  it('matches the URL-decoded, normalised, lowercased path, in that order', () => {
    const acls = Object.values(withWaf.template.findResources('AWS::WAFv2::WebACL')) as Json[];
    const statement =
      acls[0].Properties.Rules[0].Statement.RateBasedStatement.ScopeDownStatement.ByteMatchStatement;

    expect(statement.TextTransformations).toEqual([
      { Priority: 0, Type: 'URL_DECODE' },
      { Priority: 1, Type: 'NORMALIZE_PATH' },
      { Priority: 2, Type: 'LOWERCASE' },
    ]);
    expect(statement.SearchString).toBe('/v1/webhooks/');
    expect(statement.PositionalConstraint).toBe('STARTS_WITH');
  });
});
