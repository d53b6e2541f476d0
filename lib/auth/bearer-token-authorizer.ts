/**
 * The bearer-token Lambda authorizer (the stack's `token` auth mode): callers send
 * `Authorization: Bearer <token>`, as the official `openai` SDK does with its key, and the token's
 * sha-256 hash must be one of those in a Secrets Manager secret.
 *
 * The secret holds JSON `{"<token name>": "<sha-256 of the token, hex>", …}`: only hashes, so the
 * secret never holds a usable token. The matching name becomes the caller's principalId (logs,
 * audit lines). The secret is cached for `maxAgeSeconds`; a new or removed token takes effect
 * within that time plus API Gateway's authorizer cache.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { ENV } from '../commons/env';
import { TokenSecretError } from './errors';
import { boundedSecretsProvider, parseSecretObject, readSecretValue } from '../secrets/secret-reader';

export const DEFAULT_TOKENS_MAX_AGE_SECONDS = 60;

const NAME_PATTERN = /^[\w.@:+-]{1,128}$/;
const HASH_PATTERN = /^[0-9a-f]{64}$/;
const BEARER_PATTERN = /^Bearer +(\S{1,512})$/i;
const EXPECTED_FORMAT = 'expected JSON {"<token name>": "<sha-256 of the token, 64 hex digits>", …}';

/** Hex sha-256 of a token, as the secret stores it (README: `printf %s "$TOKEN" | sha256sum`). */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export interface TokenEntry {
  readonly name: string;
  readonly hash: Buffer;
}

/** The entries of the tokens' secret; the error names the secret and the entry, never a value. */
export const parseTokenSecret = (value: string | Uint8Array | undefined, secretId: string): TokenEntry[] => {
  const parsed = parseSecretObject(
    value,
    secretId,
    EXPECTED_FORMAT,
    (message) => new TokenSecretError(message),
  );
  const entries = Object.entries(parsed);
  if (entries.length === 0)
    throw new TokenSecretError(`secret ${secretId} holds no tokens; ${EXPECTED_FORMAT}.`);
  return entries.map(([name, hash]) => {
    if (!NAME_PATTERN.test(name)) {
      throw new TokenSecretError(
        `secret ${secretId}: a token name must be 1–128 of A-Z a-z 0-9 _ . @ : + -.`,
      );
    }
    if (typeof hash !== 'string' || !HASH_PATTERN.test(hash.trim().toLowerCase())) {
      throw new TokenSecretError(`secret ${secretId}: the entry "${name}" is not a sha-256 hex hash.`);
    }
    return { name, hash: Buffer.from(hash.trim().toLowerCase(), 'hex') };
  });
};

/** The name of the entry whose hash is the token's; every entry is compared, in constant time. */
export const findTokenName = (token: string, entries: readonly TokenEntry[]): string | undefined => {
  const digest = createHash('sha256').update(token, 'utf8').digest();
  let found: string | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(entry.hash, digest) && found === undefined) found = entry.name;
  }
  return found;
};

/** The token of an `Authorization: Bearer <token>` header, else undefined. */
export const bearerTokenOf = (authorization: string | undefined): string | undefined =>
  BEARER_PATTERN.exec(authorization?.trim() ?? '')?.[1];

/**
 * `arn:…:execute-api:region:account:api-id/stage/*\/*` from the called method's ARN: API Gateway
 * caches the answer per token for every route, so the policy allows every route of the stage.
 */
export const stageArnOf = (methodArn: string): string => {
  const [apiArn, stage] = methodArn.split('/');
  if (!apiArn?.startsWith('arn:') || !stage) throw new Error(`Unexpected method ARN: ${methodArn}`);
  return `${apiArn}/${stage}/*/*`;
};

export interface BearerTokenVerifierOptions {
  secretId: string;
  maxAgeSeconds?: number;
  /** Injected in tests. */
  provider?: SecretsProvider;
}

export class BearerTokenVerifier {
  readonly #secretId: string;
  readonly #maxAgeSeconds: number;
  readonly #provider: SecretsProvider;

  constructor(options: BearerTokenVerifierOptions) {
    this.#secretId = options.secretId;
    this.#maxAgeSeconds = options.maxAgeSeconds ?? DEFAULT_TOKENS_MAX_AGE_SECONDS;
    this.#provider = options.provider ?? boundedSecretsProvider();
  }

  /** From API_TOKENS_SECRET_ID; a missing variable is a configuration error (500). */
  static fromEnvironment(env: Record<string, string | undefined> = process.env): BearerTokenVerifier {
    const secretId = env[ENV.apiTokensSecretId]?.trim();
    if (!secretId) throw new TokenSecretError(`${ENV.apiTokensSecretId} is not set.`);
    return new BearerTokenVerifier({ secretId });
  }

  /** The token's name when the header carries a known token, else undefined. */
  async verify(authorization: string | undefined): Promise<string | undefined> {
    const token = bearerTokenOf(authorization);
    if (token === undefined) return undefined;
    const value = await readSecretValue(
      this.#provider,
      this.#secretId,
      { maxAgeSeconds: this.#maxAgeSeconds },
      ({ reason, cause }) => new TokenSecretError(reason, { cause }),
    );
    return findTokenName(token, parseTokenSecret(value, this.#secretId));
  }
}

/**
 * The authorizer's answer: an Allow policy for the stage with the token's name as principalId.
 * An unknown or missing token throws `Unauthorized`, which API Gateway turns into a 401 (in
 * OpenAI's error shape, by the stack's gateway responses); any other error becomes a 500.
 */
export const authorizeBearerToken = async (
  event: Pick<APIGatewayTokenAuthorizerEvent, 'authorizationToken' | 'methodArn'>,
  verifier: BearerTokenVerifier,
): Promise<APIGatewayAuthorizerResult> => {
  const name = await verifier.verify(event.authorizationToken);
  if (name === undefined) throw new Error('Unauthorized');
  return {
    principalId: name,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stageArnOf(event.methodArn) }],
    },
    context: { tokenName: name },
  };
};
