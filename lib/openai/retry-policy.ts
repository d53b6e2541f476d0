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
 * The longest wait taken from OpenAI (header or message). A 429 that asks for more is passed on
 * with this capped value, so a garbled or hostile number never parks a caller or a queue message.
 */
export const MAX_UPSTREAM_WAIT_MS = 15 * 60_000;

const capWait = (ms: number): number => Math.min(Math.max(0, ms), MAX_UPSTREAM_WAIT_MS);

/**
 * The wait a server asks for, in ms: `retry-after-ms` (OpenAI's own), else `Retry-After` as
 * seconds or as an HTTP date, capped at MAX_UPSTREAM_WAIT_MS. Undefined when absent or unreadable.
 */
export const parseRetryAfterMs = (headers: Headers, now: number = Date.now()): number | undefined => {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return capWait(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return capWait(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : capWait(date - now);
};

const unitMs = (unit: string): number | undefined => {
  const word = unit.toLowerCase();
  if (/^(ms|msecs?|milliseconds?)$/.test(word)) return 1;
  if (/^(s|secs?|seconds?)$/.test(word)) return 1_000;
  if (/^(m|mins?|minutes?)$/.test(word)) return 60_000;
  if (/^(h|hrs?|hours?)$/.test(word)) return 3_600_000;
  return undefined;
};

/**
 * "try again after|in" followed by a duration: `6.937 seconds`, `6.937s`, `20ms`, `1m30.5s`,
 * `2 minutes`. Anchored on the phrase so other numbers in the message (limits, counts) are not read.
 */
const TRY_AGAIN = /try again (?:after|in) ((?:\d+(?:\.\d+)?\s*[a-z]+\s*)+)/i;
const DURATION_PART = /(\d+(?:\.\d+)?)\s*([a-z]+)/gi;

/**
 * The wait an OpenAI message asks for, in ms ("Please try again after 6.937 seconds."), capped at
 * MAX_UPSTREAM_WAIT_MS. Undefined when the message names no wait we can read. Used when a 429
 * carries neither `retry-after-ms` nor `Retry-After`.
 */
export const parseRetryAfterFromMessage = (message: string | null | undefined): number | undefined => {
  const phrase = TRY_AGAIN.exec(message ?? '')?.[1];
  if (!phrase) return undefined;
  let total = 0;
  for (const [, amount, unit] of phrase.matchAll(DURATION_PART)) {
    const scale = unitMs(unit!);
    // A word that is no unit ends the duration ("in 5 seconds or so" stops at "or").
    if (scale === undefined) break;
    total += Number(amount) * scale;
  }
  return total > 0 ? capWait(total) : undefined;
};

/**
 * The wait OpenAI asks for on an error answer: its headers first, else its message; capped.
 * The ONE reader of upstream waits: the client's retries and the bulk worker's pacing use it.
 */
export const upstreamWaitMs = (
  headers: Headers,
  message?: string | null,
  now: number = Date.now(),
): number | undefined => parseRetryAfterMs(headers, now) ?? parseRetryAfterFromMessage(message);
