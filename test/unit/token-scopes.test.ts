/**
 * Issue 29, item 10: tokens with scopes. A token secret entry may list the routes (or the scopes
 * `read`, `invite`, `bulk`, `people`, `scim`) it may call; a plain hash, today's format, may still
 * call every route.
 */
import { describe, expect, it } from 'vitest';
import {
  allowedResourcesOf,
  authorizeBearerToken,
  BearerTokenVerifier,
  hashToken,
  parseTokenSecret,
} from '../../lib/auth/bearer-token-authorizer';
import { TokenSecretError } from '../../lib/auth/errors';

const STAGE = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1';
const METHOD_ARN = `${STAGE}/GET/organization/invites`;

/** A verifier over a fixed secret value, without Secrets Manager. */
const verifierOf = (secret: unknown) =>
  new BearerTokenVerifier({
    secretId: 'team/api-tokens',
    provider: { get: async () => JSON.stringify(secret) } as never,
  });

const authorize = (secret: unknown, token: string) =>
  authorizeBearerToken({ authorizationToken: `Bearer ${token}`, methodArn: METHOD_ARN }, verifierOf(secret));

describe('a scoped token', () => {
  it('is allowed exactly the routes of its scopes: read = list, retrieve and job progress', async () => {
    // Prepare
    const secret = { dashboard: { sha256: hashToken('inv-read'), scopes: ['read'] } };

    // Act
    const result = await authorize(secret, 'inv-read');

    // Assess
    expect(result.principalId).toBe('dashboard');
    expect(
      [(result.policyDocument.Statement[0] as { Resource: string | string[] }).Resource].flat().sort(),
    ).toEqual(
      [
        `${STAGE}/GET/organization/invites`,
        `${STAGE}/GET/organization/invites/*`,
        `${STAGE}/GET/organization/invites/bulk`,
        `${STAGE}/GET/organization/invites/bulk/*`,
      ].sort(),
    );
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
  });

  it('may name routes as METHOD /path, alone or with scopes', () => {
    const [entry] = parseTokenSecret(
      JSON.stringify({
        'hr-portal': { sha256: hashToken('x'), scopes: ['bulk'], routes: ['POST /organization/invites'] },
      }),
      'team/api-tokens',
    );

    expect(allowedResourcesOf(METHOD_ARN, entry!).sort()).toEqual(
      [
        `${STAGE}/POST/organization/invites`,
        `${STAGE}/POST/organization/invites/bulk`,
        `${STAGE}/GET/organization/invites/bulk`,
        `${STAGE}/GET/organization/invites/bulk/*`,
      ].sort(),
    );
  });

  it('that names no existing route (people, scim before their routes) is denied, not allowed everything', async () => {
    const result = await authorize({ scim: { sha256: hashToken('inv-scim'), scopes: ['scim'] } }, 'inv-scim');

    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: `${STAGE}/*/*` },
    ]);
  });

  it.each([
    [{ sha256: hashToken('x'), scopes: ['admin'] }, /unknown scope/],
    [{ sha256: hashToken('x'), routes: ['GET /webhooks/{provider}'] }, /not an API route/],
    [{ sha256: hashToken('x'), scopes: [] }, /must list "scopes" and\/or "routes"/],
    [{ sha256: hashToken('x'), scopes: ['read'], expires: 'never' }, /unknown field "expires"/],
    [{ sha256: 'not-a-hash', scopes: ['read'] }, /not a sha-256 hex hash/],
    [{ scopes: ['read'] }, /not a sha-256 hex hash/],
  ])('refuses a malformed entry %o, naming it and never a hash', (entry, message) => {
    const attempt = () => parseTokenSecret(JSON.stringify({ ops: entry }), 'team/api-tokens');

    expect(attempt).toThrow(TokenSecretError);
    expect(attempt).toThrow(message);
  });
});

describe('a plain hash (the token secret before scopes)', () => {
  it('may still call every route of the stage', async () => {
    const result = await authorize({ ops: hashToken('inv-ops') }, 'inv-ops');

    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${STAGE}/*/*` },
    ]);
  });

  it('sits beside scoped entries in one secret', async () => {
    const secret = {
      ops: hashToken('inv-ops'),
      dashboard: { sha256: hashToken('inv-read'), scopes: ['read'] },
    };

    expect((await authorize(secret, 'inv-ops')).principalId).toBe('ops');
    expect((await authorize(secret, 'inv-read')).principalId).toBe('dashboard');
    await expect(authorize(secret, 'inv-unknown')).rejects.toThrow('Unauthorized');
  });
});
