/**
 * When to try a call to OpenAI again, and how long to wait first.
 */

export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  baseMs: number;
  /** No computed delay exceeds this (a server's Retry-After may). */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, capMs: 4_000 };

/** 408, 429 and every 5xx may pass; other statuses will not change on a retry. */
export const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 429 || status >= 500;

/**
 * Capped exponential backoff with "equal jitter": half the delay is fixed, half random, so
 * retries spread out yet never come back at once.
 * `retry` counts from 0 for the first retry.
 */
export const backoffDelayMs = (
  retry: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number => {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** retry);
  return ceiling / 2 + random() * (ceiling / 2);
};

/**
 * The wait a server asks for, in ms: `retry-after-ms` (OpenAI's own), else `Retry-After` as
 * seconds or as an HTTP date. Undefined when absent or unreadable.
 */
export const parseRetryAfterMs = (headers: Headers, now: number = Date.now()): number | undefined => {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Number(ms);
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};
