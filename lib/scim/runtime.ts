/**
 * What a warm SCIM container keeps: its store (DynamoDB on INVITE_LEDGER_TABLE, or one `npm start`
 * and tests install), its token source (Secrets Manager from SCIM_TOKEN_SECRET_ID, or installed),
 * and its configuration.
 */
import { ConfigurationError } from '../commons/errors';
import { ENV } from '../commons/env';
import { readPeopleConfig } from '../people/config';
import { readScimConfig, type ScimConfig } from './config';
import { DynamoDbScimStore } from './dynamodb-store';
import type { ScimStore } from './store';
import { SecretsManagerScimToken, type ScimTokenSource } from './token';

let store: ScimStore | undefined;
let tokenSource: ScimTokenSource | undefined;
let config: ScimConfig | undefined;

export const getScimStore = (): ScimStore => {
  if (!store) {
    const { tableName } = readPeopleConfig();
    if (!tableName) throw new ConfigurationError(`Environment variable ${ENV.inviteLedgerTable} is not set.`);
    store = new DynamoDbScimStore(tableName);
  }
  return store;
};

export const getScimTokenSource = (): ScimTokenSource => {
  if (!tokenSource) {
    const { tokenSecretId } = getScimConfig();
    if (!tokenSecretId)
      throw new ConfigurationError(`Environment variable ${ENV.scimTokenSecretId} is not set.`);
    tokenSource = new SecretsManagerScimToken(tokenSecretId);
  }
  return tokenSource;
};

export const getScimConfig = (): ScimConfig => (config ??= readScimConfig());

/** Replaces parts of the runtime (`npm start`, tests); undefined = rebuilt from the environment. */
export const setScimRuntime = (parts: {
  store?: ScimStore;
  tokenSource?: ScimTokenSource;
  config?: ScimConfig;
}): void => {
  store = parts.store;
  tokenSource = parts.tokenSource;
  config = parts.config;
};
