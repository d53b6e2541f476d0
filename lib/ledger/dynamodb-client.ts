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
 * The ledger's client: the bounded calls of every AWS client here (lib/commons/aws-clients.ts: 1 s
 * to connect, 2 s of silence, 2 attempts), so a hanging DynamoDB never uses up a function's
 * time; after that the caller decides (recordSafely).
 */
export const createLedgerClient = (options: DynamoDbJsonClientOptions = {}): DynamoDbJsonClient =>
  new DynamoDbJsonClient(options);

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
