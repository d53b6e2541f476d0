/** The floor of import + first call: bench/floor-handler.ts's client, whose first call reads the secret. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const client = new SecretsManagerClient({});

export const handler = async () => {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: 'bench/admin-key' }));
  return { statusCode: 200, body: String(SecretString?.length) };
};
