/**
 * The ledger a warm container keeps between invocations, built once from INVITE_LEDGER_TABLE.
 * `npm start` and tests install another through the setter (npm start: a MemoryLedger).
 */
import { ConfigurationError } from '../commons/errors';
import { ENV } from '../commons/env';
import { readLedgerConfig } from './config';
import { DynamoDbLedger } from './dynamodb-ledger';
import type { Ledger } from './ledger';

let ledger: Ledger | undefined;

/**
 * The container's ledger, created on first use. Without a table name this is a configuration
 * error, not a silent in-memory ledger: a deployed function would otherwise forget everything.
 */
export const getLedger = (): Ledger => {
  if (!ledger) {
    const { tableName } = readLedgerConfig();
    if (!tableName) throw new ConfigurationError(`Environment variable ${ENV.inviteLedgerTable} is not set.`);
    ledger = new DynamoDbLedger(tableName);
  }
  return ledger;
};

/** Replaces the container's ledger (undefined = rebuild from the environment on next use). */
export const setLedger = (replacement: Ledger | undefined): void => {
  ledger = replacement;
};
