/**
 * The webhook signing secrets: one Secrets Manager secret holding JSON
 * `{"standard": "whsec_…", "greenhouse": "…", "okta": "…", "bamboohr": "…",
 *   "bamboohrApi": {"subdomain": "…", "apiKey": "…"}}` (every entry optional).
 * Read through Powertools' SecretsProvider and cached for a max age, like the Admin key. After a
 * signature mismatch (or a provider missing from the secret) the handler asks once more with
 * `forceRefresh`, so a rotated secret works at once; such re-reads happen at most once per
 * FORCED_REFRESH_INTERVAL_MS per container, so forged requests cannot run up Secrets Manager calls.
 * No value ever appears in an error message or a log line.
 */
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { WebhookSecretsUnavailableError } from './errors';
import { boundedSecretsProvider, parseSecretObject, readSecretValue } from '../secrets/secret-reader';
import { providerNames } from './providers/registry';
import { asString, type BambooHrApiCredentials, type WebhookSecrets } from './types';

export type { WebhookSecrets } from './types';

export interface WebhookSecretSource {
  get(options?: { forceRefresh?: boolean }): Promise<WebhookSecrets>;
  readonly description: string;
}

export const FORCED_REFRESH_INTERVAL_MS = 10_000;

/** What the secret should hold, from the registry: `expected JSON {"standard": "…", …}`. */
const expected = (): string =>
  `expected JSON {${providerNames()
    .map((name) => `"${name}": "…"`)
    .join(', ')}}`;

/** The secrets in a secret value; malformed entries are refused without quoting them. */
export const parseWebhookSecrets = (
  value: string | Uint8Array | undefined,
  secretId: string,
): WebhookSecrets => {
  const record = parseSecretObject(
    value,
    secretId,
    expected(),
    (message) => new WebhookSecretsUnavailableError(message, { secretId }),
  );
  const signing: WebhookSecrets['signing'] = {};
  for (const name of providerNames()) {
    if (record[name] === undefined) continue;
    const secret = asString(record[name]);
    if (typeof record[name] !== 'string' || !secret) {
      throw new WebhookSecretsUnavailableError(`secret ${secretId}: "${name}" must be a non-empty string.`, {
        secretId,
      });
    }
    signing[name] = secret;
  }
  const api = record.bamboohrApi;
  let bamboohrApi: BambooHrApiCredentials | undefined;
  if (api !== undefined) {
    const subdomain = asString((api as Record<string, unknown>)?.subdomain);
    const apiKey = asString((api as Record<string, unknown>)?.apiKey);
    if (!subdomain || !apiKey || typeof (api as Record<string, unknown>).apiKey !== 'string') {
      throw new WebhookSecretsUnavailableError(
        `secret ${secretId}: "bamboohrApi" must be {"subdomain": "…", "apiKey": "…"}.`,
        { secretId },
      );
    }
    bamboohrApi = { subdomain, apiKey };
  }
  return { signing, bamboohrApi };
};

export class SecretsManagerWebhookSecrets implements WebhookSecretSource {
  readonly description: string;
  readonly #secretId: string;
  readonly #maxAgeSeconds: number;
  readonly #provider: SecretsProvider;
  readonly #now: () => number;
  #lastForcedAt = Number.NEGATIVE_INFINITY;

  constructor(options: {
    secretId: string;
    maxAgeSeconds?: number;
    provider?: SecretsProvider;
    now?: () => number;
  }) {
    this.#secretId = options.secretId;
    this.#maxAgeSeconds = options.maxAgeSeconds ?? 300;
    this.#provider = options.provider ?? boundedSecretsProvider();
    this.#now = options.now ?? Date.now;
    this.description = `Secrets Manager secret ${options.secretId}`;
  }

  async get(options: { forceRefresh?: boolean } = {}): Promise<WebhookSecrets> {
    let forceFetch = false;
    if (options.forceRefresh && this.#now() - this.#lastForcedAt >= FORCED_REFRESH_INTERVAL_MS) {
      this.#lastForcedAt = this.#now();
      forceFetch = true;
    }
    const value = await readSecretValue(
      this.#provider,
      this.#secretId,
      { maxAgeSeconds: this.#maxAgeSeconds, forceFetch },
      ({ reason, cause, transient }) =>
        new WebhookSecretsUnavailableError(reason, { cause, transient, secretId: this.#secretId }),
    );
    return parseWebhookSecrets(value, this.#secretId);
  }
}

/** Secrets given directly: `npm start` (local development secrets) and tests. */
export class StaticWebhookSecrets implements WebhookSecretSource {
  constructor(
    readonly secrets: WebhookSecrets,
    readonly description = 'local development secrets',
  ) {}

  async get(): Promise<WebhookSecrets> {
    return this.secrets;
  }
}
