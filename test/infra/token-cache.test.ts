/**
 * Issue 29, item 10: how long API Gateway keeps an authorizer answer is context
 * `authorizerCacheSeconds` (default 30 s, so a revoked token lives at most 30 s + the authorizer's
 * 60 s secret cache), not a fixed five minutes.
 */
import { describe, expect, it } from 'vitest';
import { StackConfigError } from '../../infra/config';
import { synthStack } from './synth';

const ttlOf = (context: Record<string, unknown>): number => {
  const { template } = synthStack({ authMode: 'token', ...context });
  const authorizers = Object.values(template.findResources('AWS::ApiGateway::Authorizer')) as {
    Properties: { AuthorizerResultTtlInSeconds: number };
  }[];
  expect(authorizers).toHaveLength(1);
  return authorizers[0]!.Properties.AuthorizerResultTtlInSeconds;
};

describe('the token authorizer’s cache', () => {
  it('keeps an answer 30 s by default, and what context authorizerCacheSeconds says otherwise', () => {
    expect(ttlOf({})).toBe(30);
    expect(ttlOf({ authorizerCacheSeconds: '0' })).toBe(0);
    expect(ttlOf({ authorizerCacheSeconds: 120 })).toBe(120);
  });

  it('refuses a time API Gateway would not take', () => {
    expect(() => synthStack({ authMode: 'token', authorizerCacheSeconds: 3601 })).toThrow(StackConfigError);
  });
});
