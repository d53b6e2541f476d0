import { describe, expect, it } from 'vitest';
import { backoffDelayMs, isRetryableStatus, parseRetryAfterMs } from '../../lib/openai/retry-policy';

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
