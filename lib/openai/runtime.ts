/**
 * The OpenAI client a warm container keeps between invocations, built once from the environment.
 * The local gateway, tests and benchmarks replace it through the setter.
 */
import { logger } from '../commons/logger';
import { type AdminKeySource, SecretsManagerAdminKey, StaticAdminKey } from '../secrets/admin-key';
import { AdminKeyUnavailableError } from '../secrets/errors';
import { type InvitesClientOptions, OpenAIInvitesClient } from './client';
import { type ClientConfig, readClientConfig } from './config';
import { findBudget } from '../budget/runtime';

/** The Admin key's source: the secret when named, else OPENAI_ADMIN_KEY (local use only). */
export const adminKeySourceFrom = (config: ClientConfig): AdminKeySource => {
  if (config.adminKeySecretId) {
    return new SecretsManagerAdminKey({
      secretId: config.adminKeySecretId,
      maxAgeSeconds: config.adminKeyMaxAgeSeconds,
    });
  }
  if (config.adminKey) return new StaticAdminKey(config.adminKey);
  return {
    description: 'nowhere',
    getKey: () => Promise.reject(new AdminKeyUnavailableError('OPENAI_ADMIN_KEY_SECRET_ID is not set.')),
  };
};

export const createInvitesClient = (
  config: ClientConfig = readClientConfig(),
  extra: Partial<InvitesClientOptions> = {},
): OpenAIInvitesClient =>
  new OpenAIInvitesClient({
    adminKey: adminKeySourceFrom(config),
    baseUrl: config.baseUrl,
    attemptTimeoutMs: config.attemptTimeoutMs,
    deadlineMs: config.deadlineMs,
    maxRetries: config.maxRetries,
    onRetry: (notice) => logger.warn('retrying OpenAI call', { retry: notice }),
    // Every function's calls take the one shared budget (lib/budget/), when one is configured.
    budget: findBudget(),
    ...extra,
  });

let invitesClient: OpenAIInvitesClient | undefined;

/** The container's client, created on first use. */
export const getInvitesClient = (): OpenAIInvitesClient => {
  invitesClient ??= createInvitesClient();
  return invitesClient;
};

export const setInvitesClient = (client: OpenAIInvitesClient | undefined): void => {
  invitesClient = client;
};
