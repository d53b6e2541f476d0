import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  isRetryableStatus,
  MAX_UPSTREAM_WAIT_MS,
  parseRetryAfterFromMessage,
  parseRetryAfterMs,
  upstreamWaitMs,
} from '../../lib/openai/retry-policy';

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');

  it('prefers retry-after-ms', () => {
    expect(parseRetryAfterMs(new Headers({ 'retry-after-ms': '250.5', 'retry-after': '9' }), now)).toBe(
      250.5,
    );
  });

  it('reads Retry-After in seconds', () => {
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
  });

  it('reads Retry-After as an HTTP date', () => {
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'Sun, 22 Nov 2026 12:00:07 GMT' }), now)).toBe(
      7000,
    );
  });

  it('treats a date in the past as no wait', () => {
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'Sun, 22 Nov 2026 11:00:00 GMT' }), now)).toBe(0);
  });

  it('ignores absent and unreadable values', () => {
    expect(parseRetryAfterMs(new Headers(), now)).toBeUndefined();
    expect(
      parseRetryAfterMs(new Headers({ 'retry-after': 'soon', 'retry-after-ms': '-5' }), now),
    ).toBeUndefined();
  });
});

describe('backoffDelayMs', () => {
  const options = { baseMs: 100, capMs: 1000 };

  it('grows exponentially between half and all of the ceiling', () => {
    expect(backoffDelayMs(0, options, () => 0)).toBe(50);
    expect(backoffDelayMs(0, options, () => 1)).toBe(100);
    expect(backoffDelayMs(3, options, () => 0)).toBe(400);
    expect(backoffDelayMs(3, options, () => 1)).toBe(800);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelayMs(20, options, () => 1)).toBe(1000);
  });
});

describe('isRetryableStatus', () => {
  it.each([408, 429, 500, 502, 503, 504, 599])('retries %i', (status) => {
    expect(isRetryableStatus(status)).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 413, 422])('does not retry %i', (status) => {
    expect(isRetryableStatus(status)).toBe(false);
  });
});

describe('parseRetryAfterFromMessage', () => {
  it.each([
    ['Rate limit reached for requests. Please try again after 6.937 seconds.', 6937],
    ['Please try again in 6.937s.', 6937],
    ['Please try again in 20ms.', 20],
    ['Rate limit reached. Please try again in 1m30.5s.', 90_500],
    ['Please try again after 2 minutes.', 120_000],
    ['Please try again in 1 second.', 1000],
  ])('reads %j', (message, expected) => {
    expect(parseRetryAfterFromMessage(message)).toBeCloseTo(expected, 6);
  });

  it.each([
    ['Rate limit reached for requests.'],
    ['Limit 10 requests per 60 seconds.'],
    ['Please try again later.'],
    [''],
  ])('finds no wait in %j', (message) => {
    expect(parseRetryAfterFromMessage(message)).toBeUndefined();
  });

  it('caps a wait at 15 minutes', () => {
    expect(parseRetryAfterFromMessage('Please try again after 99999999999999999999 seconds.')).toBe(
      MAX_UPSTREAM_WAIT_MS,
    );
    expect(MAX_UPSTREAM_WAIT_MS).toBe(900_000);
  });
});

describe('upstreamWaitMs', () => {
  it('prefers the headers to the message', () => {
    expect(upstreamWaitMs(new Headers({ 'retry-after': '2' }), 'Please try again after 9 seconds.')).toBe(
      2000,
    );
  });

  it('falls back to the message when the headers are absent', () => {
    expect(upstreamWaitMs(new Headers(), 'Please try again after 6.937 seconds.')).toBeCloseTo(6937, 6);
  });

  it('caps a 20-digit Retry-After', () => {
    expect(upstreamWaitMs(new Headers({ 'retry-after': '99999999999999999999' }))).toBe(MAX_UPSTREAM_WAIT_MS);
  });
});
