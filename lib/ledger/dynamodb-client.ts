/**
 * The ledger's DynamoDB client, with bounded timeouts, and which failed writes are worth another try.
 */
import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  DynamoDbJsonClient,
  type DynamoDbJsonClientOptions,
  type DynamoDbServiceError,
} from '../commons/dynamodb-json-client';

/**
 * DynamoDB answers in milliseconds; these bound a call that hangs (a cold connection, a network
 * fault) so a ledger write can never use up a function's time. A request timeout throws (it does
 * not only warn, as @smithy/node-http-handler does without `throwOnRequestTimeout`).
 */
export const LEDGER_CLIENT_TIMEOUTS = {
  connectionTimeout: 1_000,
  requestTimeout: 2_000,
} as const;

/** Two attempts: one retry of throttling or a timeout, then the caller decides (recordSafely). */
export const createLedgerClient = (overrides: DynamoDbJsonClientOptions = {}): DynamoDbJsonClient =>
  new DynamoDbJsonClient({ maxAttempts: 2, ...LEDGER_CLIENT_TIMEOUTS, ...overrides });

/** Concurrent deliveries of the same item, or transactions on the same job, retried this often. */
export const MAX_WRITE_ATTEMPTS = 5;

export const isConditionFailure = (error: unknown): boolean =>
  (error as Error)?.name === 'ConditionalCheckFailedException';

/** Cancellation reasons that no retry can settle: the request itself is wrong. */
const PERMANENT_REASONS = new Set(['ValidationError', 'ItemCollectionSizeLimitExceeded']);

/**
 * A failed item write that a fresh read and another try can settle: its condition failed or its
 * transaction conflicted (a concurrent delivery of the same item, or another item's counter
 * update on the same job), DynamoDB throttled it, or the service failed (5xx). Each retry re-reads
 * the item first, so retrying is safe whatever happened.
 */
export const isRetryableWrite = (error: unknown): boolean => {
  if (isConditionFailure(error)) return true;
  const failure = error as Partial<DynamoDbServiceError> & {
    CancellationReasons?: CancellationReason[];
    $response?: { statusCode?: number };
  };
  if (failure?.name === 'TransactionCanceledException') {
    const codes = (failure.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
    return !codes.some((code) => PERMANENT_REASONS.has(code));
  }
  const status = failure?.$metadata?.httpStatusCode ?? failure?.$response?.statusCode ?? 0;
  return status >= 500 || failure?.name === 'ThrottlingException';
};
