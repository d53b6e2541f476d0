/**
 * Bounded AWS SDK calls. The SDK's default HTTP handler waits for an answer for as long as the
 * socket stays open, so one stalled SQS or DynamoDB call would hold a function until Lambda kills
 * it (for the webhook: holding a replay claim and never answering). With these options one call
 * gives up after at most MAX_ATTEMPTS × (CONNECTION_TIMEOUT_MS + REQUEST_TIMEOUT_MS) plus the
 * SDK's short backoff, ≈ 6 s: well under the webhook's and the API functions' 28 s timeout.
 */

/** Time to open the TCP (and TLS) connection. */
export const AWS_CONNECTION_TIMEOUT_MS = 1_000;
/** Time the socket may stay silent while waiting for the answer. */
export const AWS_REQUEST_TIMEOUT_MS = 2_000;
/** The first try and one retry (a timeout counts as transient and is retried once). */
export const AWS_MAX_ATTEMPTS = 2;

/** Client options for every AWS SDK client of a request path: `new SQSClient(boundedAwsClientConfig())`. */
export const boundedAwsClientConfig = () => ({
  maxAttempts: AWS_MAX_ATTEMPTS,
  requestHandler: {
    connectionTimeout: AWS_CONNECTION_TIMEOUT_MS,
    requestTimeout: AWS_REQUEST_TIMEOUT_MS,
    // Since @smithy/node-http-handler 4.x a request timeout only logs a warning unless this is set.
    throwOnRequestTimeout: true,
  },
});
