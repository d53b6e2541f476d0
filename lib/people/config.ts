/** The people store's configuration from the environment (README, "People"). */
import { ENV, type Env, integerFrom, stringFrom } from '../commons/env';
import { DEFAULT_HISTORY_DAYS } from './types';

/** At most ten years: history is audit evidence, not an archive. */
export const MAX_HISTORY_DAYS = 3650;

export interface PeopleConfig {
  /** The ledger table the people live on: INVITE_LEDGER_TABLE. Unset: `npm start` installs its own. */
  tableName?: string;
  /** Days each history event is kept: PERSON_HISTORY_DAYS, default 400. */
  historyDays: number;
}

/**
 * @param env - the environment to read (default `process.env`)
 * @example readPeopleConfig({ INVITE_LEDGER_TABLE: 'ledger', PERSON_HISTORY_DAYS: '730' })
 */
export const readPeopleConfig = (env: Env = process.env): PeopleConfig => ({
  tableName: stringFrom(env, ENV.inviteLedgerTable),
  historyDays: integerFrom(env, ENV.personHistoryDays, DEFAULT_HISTORY_DAYS, 1, MAX_HISTORY_DAYS),
});
