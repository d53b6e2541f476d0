/**
 * The bearer-token Lambda authorizer (the stack's `token` auth mode): callers send
 * `Authorization: Bearer <token>`, as the official `openai` SDK does with its key, and the token's
 * sha-256 hash must be one of those in a Secrets Manager secret.
 *
 * The secret holds JSON `{"<token name>": "<sha-256 of the token, hex>", …}`: only hashes, so the
 * secret never holds a usable token. An entry may instead be `{"sha256": "<hex>", "scopes":
 * [...], "routes": [...]}`: the token may then call only those routes (scopes `read`, `invite`,
 * `bulk`, `people`, `scim`; routes as `METHOD /path` of lib/http/routes.ts). A plain hash may call
 * every route, as before. The matching name becomes the caller's principalId (logs, audit lines).
 * The secret is cached for `maxAgeSeconds`; a new or removed token takes effect within that time
 * plus API Gateway's authorizer cache (context `authorizerCacheSeconds`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { ENV } from '../commons/env';
import { ROUTES, type Route } from '../http/routes';
import { TokenSecretError } from './errors';
import { boundedSecretsProvider, parseSecretObject, readSecretValue } from '../secrets/secret-reader';

export const DEFAULT_TOKENS_MAX_AGE_SECONDS = 60;

const NAME_PATTERN = /^[\w.@:+-]{1,128}$/;
const HASH_PATTERN = /^[0-9a-f]{64}$/;
const BEARER_PATTERN = /^Bearer +(\S{1,512})$/i;
const EXPECTED_FORMAT =
  'expected JSON {"<token name>": "<sha-256 of the token, 64 hex digits>" or {"sha256": "…", "scopes": […], "routes": […]}, …}';

/**
 * What each scope lets a token call, among the `api` routes of the route table. `people` and
 * `scim` name routes that may not exist yet: until they do, they grant nothing.
 */
export const TOKEN_SCOPES: Readonly<Record<string, (route: Route) => boolean>> = {
  read: (route) => route.method === 'GET' && route.path.startsWith('/organization/invites'),
  invite: (route) => route.id === 'createInvite' || route.id === 'deleteInvite',
  bulk: (route) => route.path.startsWith('/organization/invites/bulk'),
  people: (route) => route.path.startsWith('/people'),
  scim: (route) => route.path.startsWith('/scim'),
};

const API_ROUTES: readonly Route[] = ROUTES.filter((route) => route.auth === 'api');
const routeKey = (route: Route): string => `${route.method} ${route.path}`;

/** Hex sha-256 of a token, as the secret stores it (README: `printf %s "$TOKEN" | sha256sum`). */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export interface TokenEntry {
  readonly name: string;
  readonly hash: Buffer;
  /** The routes it may call; undefined: every route (a plain hash, the format before scopes). */
  readonly routes?: readonly Route[];
}

const hashOf = (value: unknown): Buffer | undefined =>
  typeof value === 'string' && HASH_PATTERN.test(value.trim().toLowerCase())
    ? Buffer.from(value.trim().toLowerCase(), 'hex')
    : undefined;

/** A scoped entry's routes; the error names the entry and the scope or route, never a hash. */
const grantedRoutes = (name: string, entry: Record<string, unknown>, secretId: string): Route[] => {
  const fail = (message: string) =>
    new TokenSecretError(`secret ${secretId}: the entry "${name}" ${message}`);
  const { sha256: _hash, scopes = [], routes = [], ...unknown } = entry;
  if (Object.keys(unknown).length > 0)
    throw fail(`has an unknown field ${JSON.stringify(Object.keys(unknown)[0])}.`);
  if (!Array.isArray(scopes) || !Array.isArray(routes) || scopes.length + routes.length === 0) {
    throw fail('must list "scopes" and/or "routes" (arrays), at least one of them not empty.');
  }
  const granted = new Set<Route>();
  for (const scope of scopes) {
    const allows = typeof scope === 'string' ? TOKEN_SCOPES[scope] : undefined;
    if (!allows || !Object.hasOwn(TOKEN_SCOPES, scope as string)) {
      throw fail(`names an unknown scope (known: ${Object.keys(TOKEN_SCOPES).join(', ')}).`);
    }
    API_ROUTES.filter(allows).forEach((route) => granted.add(route));
  }
  for (const wanted of routes) {
    const route = API_ROUTES.find((candidate) => routeKey(candidate) === wanted);
    if (!route) throw fail('names a route that is not an API route ("METHOD /path" of the route table).');
    granted.add(route);
  }
  return [...granted];
};

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
  return entries.map(([name, value]) => {
    if (!NAME_PATTERN.test(name)) {
      throw new TokenSecretError(
        `secret ${secretId}: a token name must be 1–128 of A-Z a-z 0-9 _ . @ : + -.`,
      );
    }
    const scoped = typeof value === 'object' && value !== null && !Array.isArray(value);
    const hash = hashOf(scoped ? (value as Record<string, unknown>).sha256 : value);
    if (!hash)
      throw new TokenSecretError(`secret ${secretId}: the entry "${name}" is not a sha-256 hex hash.`);
    return scoped
      ? { name, hash, routes: grantedRoutes(name, value as Record<string, unknown>, secretId) }
      : { name, hash };
  });
};

/** The entry whose hash is the token's; every entry is compared, in constant time. */
export const findTokenEntry = (token: string, entries: readonly TokenEntry[]): TokenEntry | undefined => {
  const digest = createHash('sha256').update(token, 'utf8').digest();
  let found: TokenEntry | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(entry.hash, digest) && found === undefined) found = entry;
  }
  return found;
};

/** The name of the entry whose hash is the token's. */
export const findTokenName = (token: string, entries: readonly TokenEntry[]): string | undefined =>
  findTokenEntry(token, entries)?.name;

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
    return (await this.authenticate(authorization))?.name;
  }

  /** The entry of the header's token (its name and the routes it may call), else undefined. */
  async authenticate(authorization: string | undefined): Promise<TokenEntry | undefined> {
    const token = bearerTokenOf(authorization);
    if (token === undefined) return undefined;
    const value = await readSecretValue(
      this.#provider,
      this.#secretId,
      { maxAgeSeconds: this.#maxAgeSeconds },
      ({ reason, cause }) => new TokenSecretError(reason, { cause }),
    );
    return findTokenEntry(token, parseTokenSecret(value, this.#secretId));
  }
}

/**
 * The method ARNs a token may invoke: the whole stage for an unscoped token, else one ARN per
 * granted route (`{parameter}` as `*`). API Gateway caches the policy per token, for every route,
 * so it lists all of them, not only the route being called.
 */
export const allowedResourcesOf = (methodArn: string, entry: TokenEntry): string[] => {
  const stage = stageArnOf(methodArn).replace(/\/\*\/\*$/, '');
  if (entry.routes === undefined) return [`${stage}/*/*`];
  return entry.routes.map((route) => `${stage}/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`);
};

/**
 * The authorizer's answer: an Allow policy for the routes the token may call (the stage for an
 * unscoped token) with the token's name as principalId; a call to another route gets 403.
 * An unknown or missing token throws `Unauthorized`, which API Gateway turns into a 401 (in
 * OpenAI's error shape, by the stack's gateway responses); any other error becomes a 500.
 */
export const authorizeBearerToken = async (
  event: Pick<APIGatewayTokenAuthorizerEvent, 'authorizationToken' | 'methodArn'>,
  verifier: BearerTokenVerifier,
): Promise<APIGatewayAuthorizerResult> => {
  const entry = await verifier.authenticate(event.authorizationToken);
  if (entry === undefined) throw new Error('Unauthorized');
  const resources = allowedResourcesOf(event.methodArn, entry);
  return {
    principalId: entry.name,
    policyDocument: {
      Version: '2012-10-17',
      // A scope whose routes do not exist yet grants nothing: the token is known, and denied.
      Statement:
        resources.length > 0
          ? [
              {
                Action: 'execute-api:Invoke',
                Effect: 'Allow',
                Resource: resources.length === 1 ? resources[0]! : resources,
              },
            ]
          : [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: stageArnOf(event.methodArn) }],
    },
    context: { tokenName: entry.name },
  };
};
