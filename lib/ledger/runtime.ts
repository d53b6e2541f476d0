/**
 * The ledger a warm container keeps between invocations, built once from INVITE_LEDGER_TABLE.
 * `npm start` and tests install another through the setter (npm start: a SqliteLedger).
 */
import { ConfigurationError } from '../commons/errors';
import { ENV } from '../commons/env';
import { readLedgerConfig } from './config';
import { DynamoDbLedger } from './dynamodb-ledger';
import type { Ledger } from './ledger';
import { recordSafely } from './record-safely';
import type { InviteEvent, StartJob } from './types';

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

/**
 * The ledger when one is configured (INVITE_LEDGER_TABLE, or one installed by `setLedger`), else
 * undefined: for the paths that record outcomes on the side (the producer, the worker, webhooks),
 * which work the same without one. The job route uses `getLedger`, which insists.
 */
export const findLedger = (): Ledger | undefined =>
  ledger ?? (readLedgerConfig().tableName ? getLedger() : undefined);

/** Replaces the container's ledger (undefined = rebuild from the environment on next use). */
export const setLedger = (replacement: Ledger | undefined): void => {
  ledger = replacement;
};

/**
 * Registers a job with its total in the configured ledger, if any, before its items are enqueued
 * (the bulk route, webhooks): its progress then reads "pending" at once. Never throws.
 */
export const recordJobStart = async (job: StartJob): Promise<void> => {
  const configured = findLedger();
  if (!configured) return;
  await recordSafely(() => configured.startJob(job), { what: { action: 'job.start', jobId: job.jobId } });
};

/**
 * Records an email's outcome outside any job (API create and delete) in the configured ledger, if
 * any. Never throws: the invite OpenAI made or deleted stands whatever the ledger does.
 */
export const recordInviteOutcome = async (event: InviteEvent): Promise<void> => {
  const configured = findLedger();
  if (!configured) return;
  await recordSafely(() => configured.recordInvite(event), {
    what: { action: `invite.${event.outcome}`, inviteId: event.inviteId },
  });
};
