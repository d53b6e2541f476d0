/** Secrets in the test run's moto_server, through the real AWS SDK. */
import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';

export const secretsManager = new SecretsManagerClient({});

/** Creates a secret with a unique name and returns the name. */
export const createSecret = async (value: string, prefix = 'openai/admin-key'): Promise<string> => {
  const name = `${prefix}-${randomUUID()}`;
  await secretsManager.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  return name;
};

/** Stores a new current version, as a rotation does. */
export const rotateSecret = async (name: string, value: string): Promise<void> => {
  await secretsManager.send(
    new PutSecretValueCommand({ SecretId: name, SecretString: value, VersionStages: ['AWSCURRENT'] }),
  );
};
