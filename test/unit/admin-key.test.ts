import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAdminKeySecret, SecretsManagerAdminKey } from '../../lib/secrets/admin-key';
import { AdminKeyUnavailableError } from '../../lib/secrets/errors';
import { TEST_ADMIN_KEY } from '../support/keys';
import { thrownBy } from '../support/thrown';

const unavailable = (act: () => unknown): AdminKeyUnavailableError => thrownBy(act, AdminKeyUnavailableError);

describe('parseAdminKeySecret', () => {
  it('reads a plain string', () => {
    expect(parseAdminKeySecret(`${TEST_ADMIN_KEY}\n`, 'admin-key')).toBe(TEST_ADMIN_KEY);
  });

  it('reads JSON {"apiKey": …}', () => {
    expect(parseAdminKeySecret(JSON.stringify({ apiKey: TEST_ADMIN_KEY }), 'admin-key')).toBe(TEST_ADMIN_KEY);
  });

  it('reads a binary secret', () => {
    expect(parseAdminKeySecret(new TextEncoder().encode(TEST_ADMIN_KEY), 'admin-key')).toBe(TEST_ADMIN_KEY);
  });

  it.each([
    ['an empty value', '', /is empty/],
    ['only whitespace', '  \n', /is empty/],
    ['malformed JSON', '{"apiKey": "sk-admin-test-0000-first"', /not valid JSON/],
    ['JSON without apiKey', '{"key": "sk-admin-test-0000-first"}', /no string "apiKey"/],
    ['something that is not a key', 'hunter2-password', /does not hold an OpenAI key/],
    ['a key with spaces', 'sk-admin test 0000 first', /does not hold an OpenAI key/],
  ])('refuses %s with a clear message that never echoes the value', (_case, value, message) => {
    const error = unavailable(() => parseAdminKeySecret(value, 'admin-key'));

    expect(error).toMatchObject({ status: 500, code: 'admin_key_unavailable', type: 'server_error' });
    expect(error.message).toMatch(message);
    expect(error.message).toContain('admin-key');
    if (value.trim()) expect(JSON.stringify(error.toErrorBody())).not.toContain(value.trim().slice(0, 12));
  });
});

describe('SecretsManagerAdminKey when Secrets Manager fails', () => {
  // moto cannot throttle or deny, so these cases use aws-sdk-client-mock.
  const secretsManager = mockClient(SecretsManagerClient);
  const keyFrom = () =>
    new SecretsManagerAdminKey({
      secretId: 'admin-key',
      provider: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) }),
    });

  afterEach(() => {
    secretsManager.reset();
  });

  it('answers 503 (transient) when throttled', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $retryable: { throttling: true },
      }),
    );

    const error = await keyFrom()
      .getKey()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AdminKeyUnavailableError);
    expect(error).toMatchObject({ status: 503, transient: true, code: 'admin_key_unavailable' });
    expect((error as Error).message).toContain('ThrottlingException');
  });

  it('answers 500 naming the secret when access is denied', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    const error = await keyFrom()
      .getKey()
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ status: 500, transient: false });
    expect((error as Error).message).toBe(
      'The OpenAI Admin key is unavailable: this function may not read secret admin-key.',
    );
  });
});
