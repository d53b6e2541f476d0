/** The shared budget's configuration from the environment (docs/rate-budget.md, "Configuration"). */
import { ConfigurationError } from '../commons/errors';
import { booleanFrom, ENV, type Env, stringFrom } from '../commons/env';
import { DEFAULT_OPENAI_RATE_LIMIT_RPS } from '../bulk/config';
import { parseRate, RATE_ADVICE } from '../bulk/rate-text';

export interface BudgetConfig {
  /** The ledger table the budget lives in; unset: no shared budget (each function paces alone). */
  tableName?: string;
  /** OPENAI_SHARED_BUDGET (default true). */
  enabled: boolean;
  /** Calls/s per endpoint for the whole fleet, a ceiling the learned rate never passes: OPENAI_RATE_LIMIT_RPS. */
  ceilingRps: number;
  /** OPENAI_BUDGET_FALLBACK_SHARE, in (0, 1]. */
  fallbackShare: number;
}

export const DEFAULT_FALLBACK_SHARE = 0.25;

export const readBudgetConfig = (env: Env = process.env): BudgetConfig => {
  // The same reading as the worker's (`5`, `0.15`, `8/min`): lib/bulk/rate-text.ts.
  const ceilingRps = parseRate(stringFrom(env, ENV.rateLimitRps) ?? DEFAULT_OPENAI_RATE_LIMIT_RPS);
  if (ceilingRps === undefined) {
    throw new ConfigurationError(`Environment variable ${ENV.rateLimitRps} must be ${RATE_ADVICE}.`);
  }
  const fallbackShare = Number(stringFrom(env, ENV.budgetFallbackShare) ?? DEFAULT_FALLBACK_SHARE);
  if (!(fallbackShare > 0 && fallbackShare <= 1)) {
    throw new ConfigurationError(
      `Environment variable ${ENV.budgetFallbackShare} must be above 0 and at most 1.`,
    );
  }
  return {
    tableName: stringFrom(env, ENV.inviteLedgerTable),
    enabled: booleanFrom(env, ENV.sharedBudget, true),
    ceilingRps,
    fallbackShare,
  };
};
