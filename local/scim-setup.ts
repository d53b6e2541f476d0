/**
 * The SCIM endpoint under `npm start`: Users and Groups in the state store (SQLite) unless
 * INVITE_LEDGER_TABLE names a DynamoDB table, and the bearer token from SCIM_TOKEN, else a fresh
 * development token printed in the banner with the base URL, for pasting into an identity
 * provider's test connection or Postman.
 */
import { ENV } from '../lib/commons/env';
import { readPeopleConfig } from '../lib/people/config';
import { readScimConfig } from '../lib/scim/config';
import { SCIM_BASE_PATH } from '../lib/scim/handler';
import { setScimRuntime } from '../lib/scim/runtime';
import { developmentToken, StaticScimToken } from '../lib/scim/token';
import { SqliteScimStore } from './sqlite-scim';
import type { StateStore } from './state-store';

/** Installs the SCIM runtime; returns the banner's lines. */
export const setUpScim = (state: StateStore, gatewayUrl: string): string[] => {
  const fromEnv = process.env[ENV.scimToken]?.trim();
  const token = fromEnv || developmentToken();
  setScimRuntime({
    ...(readPeopleConfig().tableName ? {} : { store: new SqliteScimStore(state) }),
    tokenSource: new StaticScimToken(token, fromEnv ? ENV.scimToken : 'a development token'),
    config: readScimConfig(),
  });
  return [
    `scim         ${gatewayUrl}${SCIM_BASE_PATH}`,
    fromEnv
      ? `scim token   from ${ENV.scimToken}`
      : `scim token   ${token} (development token; set ${ENV.scimToken} to choose one)`,
  ];
};
