/**
 * Where the OpenAI Admin key comes from.
 *
 * In AWS it is read from Secrets Manager through Powertools' SecretsProvider, which caches the
 * value for `maxAgeSeconds`: one GetSecretValue per container per max age. A caller that sees
 * a 401 asks again with `forceRefresh`, so a rotated key is picked up at once.
 * The value never appears in an error message or a log line.
 */
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { AdminKeyUnavailableError } from './errors';
import { boundedSecretsProvider, parseSecretObject, readSecretValue, secretText } from './secret-reader';

export interface AdminKeySource {
  /** The current key; `forceRefresh` skips the cache (after OpenAI answered 401). */
  getKey(options?: { forceRefresh?: boolean }): Promise<string>;
  /** Where the key comes from, for start-up messages; never the key itself. */
  readonly description: string;
}

/** Default cache age: short enough that a rotation without a 401 is picked up within minutes. */
export const DEFAULT_ADMIN_KEY_MAX_AGE_SECONDS = 300;

const KEY_PATTERN = /^sk-[A-Za-z0-9_-]{8,}$/;
const EXPECTED_FORMAT = 'expected a plain string "sk-admin-…" or JSON {"apiKey": "sk-admin-…"}';

/** The key inside a secret value: a plain `sk-…` string or JSON `{"apiKey": "sk-…"}`. */
export const parseAdminKeySecret = (value: string | Uint8Array | undefined, secretId: string): string => {
  const text = secretText(value);
  if (text === '')
    throw new AdminKeyUnavailableError(`secret ${secretId} is empty; ${EXPECTED_FORMAT}.`, { secretId });
  let key: unknown = text;
  if (text.startsWith('{')) {
    const fail = (message: string) => new AdminKeyUnavailableError(message, { secretId });
    key = parseSecretObject(text, secretId, EXPECTED_FORMAT, fail).apiKey;
    if (typeof key !== 'string')
      throw fail(`secret ${secretId} has no string "apiKey" field; ${EXPECTED_FORMAT}.`);
  }
  if (typeof key !== 'string' || !KEY_PATTERN.test(key.trim())) {
    throw new AdminKeyUnavailableError(
      `secret ${secretId} does not hold an OpenAI key; ${EXPECTED_FORMAT}.`,
      {
        secretId,
      },
    );
  }
  return key.trim();
};

export interface SecretsManagerAdminKeyOptions {
  secretId: string;
  maxAgeSeconds?: number;
  /** Injected in tests and benchmarks (e.g. with a client that counts calls). */
  provider?: SecretsProvider;
}

/** The Admin key from Secrets Manager, cached for `maxAgeSeconds`. */
export class SecretsManagerAdminKey implements AdminKeySource {
  readonly description: string;
  readonly #secretId: string;
  readonly #maxAgeSeconds: number;
  readonly #provider: SecretsProvider;

  constructor(options: SecretsManagerAdminKeyOptions) {
    this.#secretId = options.secretId;
    this.#maxAgeSeconds = options.maxAgeSeconds ?? DEFAULT_ADMIN_KEY_MAX_AGE_SECONDS;
    this.#provider = options.provider ?? boundedSecretsProvider();
    this.description = `Secrets Manager secret ${options.secretId}`;
  }

  async getKey(options: { forceRefresh?: boolean } = {}): Promise<string> {
    const value = await readSecretValue(
      this.#provider,
      this.#secretId,
      { maxAgeSeconds: this.#maxAgeSeconds, forceFetch: options.forceRefresh },
      ({ reason, cause, transient }) =>
        new AdminKeyUnavailableError(reason, { cause, transient, secretId: this.#secretId }),
    );
    return parseAdminKeySecret(value, this.#secretId);
  }
}

/** A key given directly, for `npm start` with OPENAI_ADMIN_KEY (local use only). */
export class StaticAdminKey implements AdminKeySource {
  readonly description: string;
  readonly #key: string;

  constructor(key: string, description = 'the OPENAI_ADMIN_KEY environment variable') {
    this.#key = key;
    this.description = description;
  }

  async getKey(): Promise<string> {
    return this.#key;
  }
}
