/** The ledger's configuration from the environment (README, "Ledger"). */
import { ENV, type Env, stringFrom } from '../commons/env';

export interface LedgerConfig {
  /** The DynamoDB table: INVITE_LEDGER_TABLE. Unset: no ledger (`npm start` installs its own). */
  tableName?: string;
}

export const readLedgerConfig = (env: Env = process.env): LedgerConfig => ({
  tableName: stringFrom(env, ENV.inviteLedgerTable),
});
