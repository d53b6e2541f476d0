/**
 * A ledger write must never turn an invite OpenAI made into an error for the caller, nor make the
 * worker retry (and re-create) it. Callers wrap each write in `recordSafely`: it retries briefly,
 * then logs and counts the failure and returns false instead of throwing.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from '../commons/logger';

/** The metric counted for each write given up on: alarm on it, the ledger then misses outcomes. */
export const LEDGER_WRITE_FAILED_METRIC = 'LedgerWriteFailed';

export interface RecordSafelyOptions {
  /** What is recorded, for the log line: `{ action: 'job.item', jobId, index }`. Never a secret. */
  what: Record<string, unknown>;
  metrics?: Pick<Metrics, 'addMetric'>;
  /** Tries in all (default 2): the DynamoDB client already retries throttling and bounds each call. */
  attempts?: number;
  /** Pause before each retry (default 100 ms, doubled each time). */
  retryDelayMs?: number;
}

/**
 * Runs `write`; on failure retries it, then logs a warning and counts `LedgerWriteFailed`.
 *
 * @returns true when the write succeeded, false when it was given up on.
 * @example
 * const invite = await client.createInviteIfAbsent(request, call);
 * await recordSafely(() => getLedger().recordInvite({ email, outcome: 'created', source: 'api', inviteId: invite.id }),
 *   { what: { action: 'invite.created', inviteId: invite.id }, metrics });
 */
export const recordSafely = async (
  write: () => Promise<void>,
  { what, metrics, attempts = 2, retryDelayMs = 100 }: RecordSafelyOptions,
): Promise<boolean> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await write();
      return true;
    } catch (error) {
      if (attempt < attempts) {
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 1)));
        continue;
      }
      logger.warn('ledger write failed', {
        ledger: what,
        attempts,
        errorName: (error as Error)?.name,
        errorMessage: (error as Error)?.message,
      });
      metrics?.addMetric(LEDGER_WRITE_FAILED_METRIC, MetricUnit.Count, 1);
      return false;
    }
  }
};
