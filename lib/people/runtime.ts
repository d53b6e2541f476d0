/**
 * The people store a warm container keeps between invocations, built once from
 * INVITE_LEDGER_TABLE (people live on the ledger table) and PERSON_HISTORY_DAYS. `npm start` and
 * tests install another through the setter (npm start: a SqlitePersonStore).
 */
import { ConfigurationError } from '../commons/errors';
import { ENV } from '../commons/env';
import { readPeopleConfig } from './config';
import { DynamoDbPersonStore } from './dynamodb-store';
import type { PersonStore } from './store';

let store: PersonStore | undefined;

/**
 * The container's people store, created on first use. Without a table name this is a
 * configuration error, not a silent in-memory store: a deployed function would forget everyone.
 */
export const getPersonStore = (): PersonStore => {
  if (!store) {
    const { tableName, historyDays } = readPeopleConfig();
    if (!tableName) throw new ConfigurationError(`Environment variable ${ENV.inviteLedgerTable} is not set.`);
    store = new DynamoDbPersonStore(tableName, { historyDays });
  }
  return store;
};

/** The people store when one is configured (or installed by `setPersonStore`), else undefined. */
export const findPersonStore = (): PersonStore | undefined =>
  store ?? (readPeopleConfig().tableName ? getPersonStore() : undefined);

/** Replaces the container's people store (undefined = rebuild from the environment on next use). */
export const setPersonStore = (replacement: PersonStore | undefined): void => {
  store = replacement;
};
