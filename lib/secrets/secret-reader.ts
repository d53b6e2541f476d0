/**
 * Reading a secret through Powertools' SecretsProvider (cached for a max age, `forceFetch` to skip
 * the cache), and the shapes secrets hold. The Admin key, the API tokens and the webhook secrets
 * are all read this way. Failures name the secret and the cause, never the value.
 */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { boundedAwsClientConfig } from '../commons/aws-clients';

/**
 * THE way to make a SecretsProvider: its Secrets Manager client has the bounded timeouts of
 * every request path (lib/commons/aws-clients.ts), so a stalled read fails in seconds instead of
 * holding the function until its Lambda timeout.
 */
export const boundedSecretsProvider = (): SecretsProvider =>
  new SecretsProvider({ clientConfig: boundedAwsClientConfig() });

export interface SecretReadFailure {
  /** Words for an error message: what went wrong with which secret. */
  reason: string;
  /** A throttle, a network error or an outage: trying again later may work. */
  transient: boolean;
  cause: unknown;
}

const TRANSIENT_AWS_ERRORS = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'InternalServiceError',
  'ServiceUnavailable',
  'RequestTimeout',
  'TimeoutError',
]);

/** Why reading `secretId` failed (Powertools wraps the SDK's error as its `cause`). */
const describeSecretReadFailure = (error: unknown, secretId: string): SecretReadFailure => {
  const cause = (error as { cause?: unknown })?.cause ?? error;
  const name = (cause as { name?: string })?.name ?? 'Error';
  if (name === 'ResourceNotFoundException') {
    return { reason: `secret ${secretId} was not found.`, transient: false, cause };
  }
  if (name === 'AccessDeniedException') {
    return { reason: `this function may not read secret ${secretId}.`, transient: false, cause };
  }
  const code = (cause as { code?: unknown })?.code;
  // A network error (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ...) may pass as well as a throttle.
  const networkError = typeof code === 'string' && /^E[A-Z]+$/.test(code);
  const transient =
    TRANSIENT_AWS_ERRORS.has(name) || networkError || (cause as { $retryable?: unknown })?.$retryable != null;
  const what = networkError ? `${name} ${code}` : name;
  return { reason: `reading secret ${secretId} failed (${what}).`, transient, cause };
};

/** A secret's value as trimmed text (a binary secret is read as UTF-8). */
export const secretText = (value: string | Uint8Array | undefined): string =>
  (value instanceof Uint8Array ? new TextDecoder().decode(value) : (value ?? '')).trim();

export interface ReadSecretOptions {
  maxAgeSeconds: number;
  forceFetch?: boolean;
}

/** The secret's value (cached by the provider), or the error `fail` makes of the failure. */
export const readSecretValue = async (
  provider: SecretsProvider,
  secretId: string,
  options: ReadSecretOptions,
  fail: (failure: SecretReadFailure) => Error,
): Promise<string | Uint8Array | undefined> => {
  try {
    return await provider.get(secretId, {
      maxAge: options.maxAgeSeconds,
      forceFetch: options.forceFetch ?? false,
    });
  } catch (error) {
    throw fail(describeSecretReadFailure(error, secretId));
  }
};

/**
 * A secret holding a JSON object, or the error `fail` makes of a message that says what was
 * `expected` (JSON.parse's own message is dropped: it quotes the value).
 */
export const parseSecretObject = (
  value: string | Uint8Array | undefined,
  secretId: string,
  expected: string,
  fail: (message: string) => Error,
): Record<string, unknown> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretText(value));
  } catch {
    throw fail(`secret ${secretId} is not valid JSON; ${expected}.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw fail(`secret ${secretId} is not a JSON object; ${expected}.`);
  }
  return parsed as Record<string, unknown>;
};
