/**
 * The webhook function's container singletons, built once from the environment
 * (WEBHOOK_SECRETS_SECRET_ID, WEBHOOK_DEDUPE_TABLE, …); `npm start` and tests replace them.
 */
import { readWebhookConfig, type WebhookConfig } from './config';
import { ConfigurationError } from '../commons/errors';
import { type DedupeStore, DynamoDbDedupeStore, MemoryDedupeStore } from './dedupe';
import { SecretsManagerWebhookSecrets, type WebhookSecretSource } from './secrets';

let config: WebhookConfig | undefined;
let secretSource: WebhookSecretSource | undefined;
let dedupeStore: DedupeStore | undefined;

export const getWebhookConfig = (): WebhookConfig => {
  config ??= readWebhookConfig();
  return config;
};

export const getWebhookSecretSource = (): WebhookSecretSource => {
  if (!secretSource) {
    const { secretsSecretId, secretsMaxAgeSeconds } = getWebhookConfig();
    if (!secretsSecretId)
      throw new ConfigurationError('Environment variable WEBHOOK_SECRETS_SECRET_ID is not set.');
    secretSource = new SecretsManagerWebhookSecrets({
      secretId: secretsSecretId,
      maxAgeSeconds: secretsMaxAgeSeconds,
    });
  }
  return secretSource;
};

export const getDedupeStore = (): DedupeStore => {
  if (!dedupeStore) {
    const { dedupeTable } = getWebhookConfig();
    dedupeStore = dedupeTable ? new DynamoDbDedupeStore(dedupeTable) : new MemoryDedupeStore();
  }
  return dedupeStore;
};

/** Replaces what the environment would give (undefined = rebuild from the environment on next use). */
export const setWebhookRuntime = (parts: {
  config?: WebhookConfig;
  secretSource?: WebhookSecretSource;
  dedupeStore?: DedupeStore;
}): void => {
  config = parts.config;
  secretSource = parts.secretSource;
  dedupeStore = parts.dedupeStore;
};
