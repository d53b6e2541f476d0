/**
 * The SCIM endpoint's own bearer token: from Secrets Manager (SCIM_TOKEN_SECRET_ID, the stack's
 * `openai-invites/scim-token` by default; the secret is the token itself), or a static one under
 * `npm start`. Compared in constant time (SHA-256 of both, then timingSafeEqual), so neither the
 * token's content nor its length leaks through timing. The token is never logged.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { boundedSecretsProvider, readSecretValue, secretText } from '../secrets/secret-reader';
import { ScimError } from './errors';

export interface ScimTokenSource {
  readonly description: string;
  token(): Promise<string>;
}

const TOKEN_MAX_AGE_SECONDS = 300;

export class SecretsManagerScimToken implements ScimTokenSource {
  readonly description: string;
  readonly #provider = boundedSecretsProvider();

  constructor(private readonly secretId: string) {
    this.description = `Secrets Manager secret ${secretId}`;
  }

  async token(): Promise<string> {
    const value = await readSecretValue(
      this.#provider,
      this.secretId,
      { maxAgeSeconds: TOKEN_MAX_AGE_SECONDS },
      (failure) =>
        new ScimError(
          503,
          'The SCIM token could not be read; try again shortly.',
          undefined,
          { 'Retry-After': '5' },
          failure.cause,
        ),
    );
    return secretText(value);
  }
}

export class StaticScimToken implements ScimTokenSource {
  constructor(
    private readonly value: string,
    readonly description = 'a static token',
  ) {}

  async token(): Promise<string> {
    return this.value;
  }
}

/** A development token for `npm start` (printed there), never used by a deployed stack. */
export const developmentToken = (): string => `scim-dev-${randomBytes(18).toString('base64url')}`;

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The presented token is the expected one (an empty expected token matches nothing). */
export const tokenMatches = (presented: string, expected: string): boolean =>
  expected.length > 0 && timingSafeEqual(digest(presented), digest(expected));

/** The token of an `Authorization: Bearer …` header, else undefined. */
export const bearerOf = (header: string | undefined): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];

export const unauthorized = () =>
  new ScimError(401, 'A valid bearer token is required (Authorization: Bearer <SCIM token>).', undefined, {
    'WWW-Authenticate': 'Bearer realm="scim"',
  });
