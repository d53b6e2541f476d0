/**
 * Where a job comes from, and which names an API caller may not take. A job's `source` ends up
 * in audit lines and the ledger, and its id is a ledger key and a queue attribute: a caller of
 * the bulk route must not be able to pass its job off as an HR system's, nor take the key a
 * webhook event will use. Webhook jobs are `<provider>:<replay key>` (lib/webhooks/enqueue.ts);
 * API jobs carry the caller's id, which may not start with a reserved origin and `:`.
 */

/**
 * Sources only the product itself writes: every webhook provider (test/unit/job-origins.test.ts
 * checks the registry against this list), the sources of intent that have no route of their own
 * yet, and the product's own jobs.
 */
export const RESERVED_SOURCES: ReadonlySet<string> = new Set([
  'webhook',
  'standard',
  'greenhouse',
  'okta',
  'bamboohr',
  'workday',
  'scim',
  'sweeper',
  'lifecycle',
  'people',
  'system',
]);

/** True when `source` names an origin an API caller may not claim (case-insensitive). */
export const isReservedSource = (source: string): boolean => RESERVED_SOURCES.has(source.toLowerCase());

/** True when `jobId` is in a reserved origin's namespace (`greenhouse:…`, `webhook:…`). */
export const isReservedJobId = (jobId: string): boolean => {
  const separator = jobId.indexOf(':');
  return separator > 0 && isReservedSource(jobId.slice(0, separator));
};

/** A webhook event's job id: the provider's namespace, and the key the event was claimed under. */
export const webhookJobId = (provider: string, replayKey: string): string => `${provider}:${replayKey}`;
