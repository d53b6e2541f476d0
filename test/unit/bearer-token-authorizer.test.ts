import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  authorizeBearerToken,
  BearerTokenVerifier,
  bearerTokenOf,
  findTokenName,
  hashToken,
  parseTokenSecret,
  stageArnOf,
} from '../../lib/auth/bearer-token-authorizer';
import { TokenSecretError } from '../../lib/auth/errors';
import { capturedOutput } from '../support/captured-output';

// Obviously fake tokens: what callers would pass to the openai SDK as their key.
const HR_TOKEN = 'sk-admin-test-hr-portal-1';
const OPS_TOKEN = 'sk-admin-test-token-ops-0002';
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1/GET/organization/invites';

const secretsManager = new SecretsManagerClient({});
let secretCount = 0;

/** A real secret in moto holding the given JSON; returns its name. */
const createTokenSecret = async (value: unknown): Promise<string> => {
  secretCount += 1;
  const name = `api-tokens-${Date.now()}-${secretCount}`;
  await secretsManager.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: typeof value === 'string' ? value : JSON.stringify(value),
    }),
  );
  return name;
};

const event = (authorizationToken: string): APIGatewayTokenAuthorizerEvent => ({
  type: 'TOKEN',
  authorizationToken,
  methodArn: METHOD_ARN,
});

describe('hashToken', () => {
  it('is the sha-256 hex digest, as `printf %s "$TOKEN" | sha256sum` prints it', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('bearerTokenOf', () => {
  it.each([
    [`Bearer ${HR_TOKEN}`, HR_TOKEN],
    [`bearer ${HR_TOKEN}`, HR_TOKEN],
    [`  Bearer   ${HR_TOKEN} `, HR_TOKEN],
    [HR_TOKEN, undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    ['Basic dXNlcjpwYXNz', undefined],
    [undefined, undefined],
  ])('reads %o as %o', (header, token) => {
    expect(bearerTokenOf(header)).toBe(token);
  });
});

describe('parseTokenSecret and findTokenName', () => {
  const secret = JSON.stringify({
    'hr-portal': hashToken(HR_TOKEN),
    ops: hashToken(OPS_TOKEN).toUpperCase(),
  });

  it('finds the name of the entry whose hash is the token’s (hex in either case)', () => {
    const entries = parseTokenSecret(secret, 'tokens');

    expect(findTokenName(HR_TOKEN, entries)).toBe('hr-portal');
    expect(findTokenName(OPS_TOKEN, entries)).toBe('ops');
    expect(findTokenName('sk-admin-test-unknown', entries)).toBeUndefined();
    expect(findTokenName(hashToken(HR_TOKEN), entries)).toBeUndefined();
  });

  it.each([
    ['not JSON', 'sk-admin-test-token', /not valid JSON/],
    ['an array', '[]', /not a JSON object/],
    ['an empty object', '{}', /holds no tokens/],
    ['a plain token instead of its hash', JSON.stringify({ hr: HR_TOKEN }), /"hr" is not a sha-256 hex hash/],
    ['a name with spaces', JSON.stringify({ 'hr portal': hashToken(HR_TOKEN) }), /token name/],
  ])('refuses %s without echoing the value', (_case, value, message) => {
    let error: unknown;
    try {
      parseTokenSecret(value, 'tokens');
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(TokenSecretError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(HR_TOKEN);
  });
});

describe('stageArnOf', () => {
  it('allows every method and path of the called stage', () => {
    expect(stageArnOf(METHOD_ARN)).toBe('arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1/*/*');
  });
});

describe('authorizeBearerToken with the secret in Secrets Manager (moto)', () => {
  it('allows a known token, with its name as principal', async () => {
    const secretId = await createTokenSecret({ 'hr-portal': hashToken(HR_TOKEN), ops: hashToken(OPS_TOKEN) });
    const verifier = BearerTokenVerifier.fromEnvironment({ API_TOKENS_SECRET_ID: secretId });

    const result = await authorizeBearerToken(event(`Bearer ${OPS_TOKEN}`), verifier);

    expect(result).toEqual({
      principalId: 'ops',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1/*/*',
          },
        ],
      },
      context: { tokenName: 'ops' },
    });
  });

  it.each([
    ['an unknown token', 'Bearer sk-admin-test-unknown'],
    ['no scheme', HR_TOKEN],
    ['an empty header', ''],
  ])('answers Unauthorized (401) for %s', async (_case, header) => {
    const secretId = await createTokenSecret({ 'hr-portal': hashToken(HR_TOKEN) });
    const verifier = new BearerTokenVerifier({ secretId });

    await expect(authorizeBearerToken(event(header), verifier)).rejects.toThrow(/^Unauthorized$/);
  });

  it('answers a configuration error (500), not 401, when the secret is missing or malformed', async () => {
    const malformed = await createTokenSecret({ 'hr-portal': HR_TOKEN });

    await expect(
      authorizeBearerToken(event(`Bearer ${HR_TOKEN}`), new BearerTokenVerifier({ secretId: malformed })),
    ).rejects.toThrow(TokenSecretError);
    await expect(
      authorizeBearerToken(
        event(`Bearer ${HR_TOKEN}`),
        new BearerTokenVerifier({ secretId: 'no-such-secret' }),
      ),
    ).rejects.toThrow(/secret no-such-secret was not found/);
    expect(() => BearerTokenVerifier.fromEnvironment({})).toThrow(/API_TOKENS_SECRET_ID is not set/);
  });

  it('reads the secret once per max age, and sees a new token after it', async () => {
    const secretId = await createTokenSecret({ 'hr-portal': hashToken(HR_TOKEN) });
    let reads = 0;
    const client = new SecretsManagerClient({});
    client.middlewareStack.add(
      (next) => (args) => {
        reads += 1;
        return next(args);
      },
      { step: 'initialize' },
    );
    const verifier = new BearerTokenVerifier({
      secretId,
      maxAgeSeconds: 1,
      provider: new SecretsProvider({ awsSdkV3Client: client }),
    });

    expect(await verifier.verify(`Bearer ${HR_TOKEN}`)).toBe('hr-portal');
    expect(await verifier.verify(`Bearer ${HR_TOKEN}`)).toBe('hr-portal');
    expect(await verifier.verify(`Bearer ${OPS_TOKEN}`)).toBeUndefined();
    expect(reads).toBe(1);

    await secretsManager.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        SecretString: JSON.stringify({ 'hr-portal': hashToken(HR_TOKEN), ops: hashToken(OPS_TOKEN) }),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    expect(await verifier.verify(`Bearer ${OPS_TOKEN}`)).toBe('ops');
    expect(reads).toBe(2);
  });
});

describe('the authorizer function', () => {
  it('allows and refuses through the lib, logging the caller but never a token', async () => {
    process.env.API_TOKENS_SECRET_ID = await createTokenSecret({ 'hr-portal': hashToken(HR_TOKEN) });
    const { handler } = await import('../../functions/bearer-token-authorizer');

    await expect(handler(event(`Bearer ${HR_TOKEN}`))).resolves.toMatchObject({ principalId: 'hr-portal' });
    await expect(handler(event(`Bearer ${OPS_TOKEN}`))).rejects.toThrow(/^Unauthorized$/);

    expect(capturedOutput()).toContain('token refused');
    expect(capturedOutput()).toContain('"caller":"hr-portal"');
    expect(capturedOutput()).not.toContain(HR_TOKEN);
    expect(capturedOutput()).not.toContain(OPS_TOKEN);
  });
});
