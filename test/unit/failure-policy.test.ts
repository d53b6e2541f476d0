import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../lib/commons/errors';
import { NotFoundError } from '../../lib/openai/errors';
import { CreateClaimHeldError, PacerPausedError } from '../../lib/bulk/errors';
import { classify, FAILURE_DEFAULTS, retryDelaySeconds } from '../../lib/bulk/failure-policy';
import {
  AdminKeyRejectedError,
  UpstreamApiError,
  UpstreamConnectionError,
  UpstreamMalformedResponseError,
  UpstreamRateLimitError,
  UpstreamTimeoutError,
} from '../../lib/openai/errors';
import { AdminKeyUnavailableError } from '../../lib/secrets/errors';

const first = { receiveCount: 1 };

describe('classify', () => {
  it('throttles (re-send, no receive consumed) when our pacer is paused, for its wait', () => {
    expect(classify(new PacerPausedError(12_300), first)).toEqual({ action: 'throttle', delaySeconds: 13 });
  });

  it('throttles a record whose person another processing holds the create claim of, until it expires', () => {
    expect(classify(new CreateClaimHeldError(31_200), { receiveCount: 3 })).toEqual({
      action: 'throttle',
      delaySeconds: 32,
    });
  });

  it("throttles OpenAI's 429 for the longer of its Retry-After and the pacer's wait (the message's)", () => {
    const limited = new UpstreamRateLimitError('Rate limit.', { retryAfterMs: 2_000 });
    expect(classify(limited, { receiveCount: 4, pacerWaitMs: 6_937 })).toEqual({
      action: 'throttle',
      delaySeconds: 7,
    });
    expect(classify(new UpstreamRateLimitError('Rate limit.', {}), first)).toEqual({
      action: 'throttle',
      delaySeconds: FAILURE_DEFAULTS.minThrottleDelaySeconds,
    });
  });

  it('never delays a re-send past SQS’s 900 s', () => {
    expect(classify(new PacerPausedError(3_600_000), first)).toEqual({
      action: 'throttle',
      delaySeconds: 900,
    });
  });

  it('retries an exhausted quota (a 429 no short wait cures) with backoff, consuming receives', () => {
    const quota = new UpstreamRateLimitError('You exceeded your current quota.', {
      code: 'insufficient_quota',
    });
    expect(classify(quota, { receiveCount: 2 })).toEqual({ action: 'retry', delaySeconds: 10 });
  });

  it.each([
    ['an upstream 503', new UpstreamApiError('Down.', { status: 503, type: 'server_error' })],
    ['an upstream 408', new UpstreamApiError('Slow.', { status: 408, type: 'invalid_request_error' })],
    ['a timeout', new UpstreamTimeoutError('Too slow.')],
    ['a connection error', new UpstreamConnectionError(new Error('ECONNRESET'))],
    ['a transient secret failure', new AdminKeyUnavailableError('throttled', { transient: true })],
  ])('retries %s (retryable) with backoff on its receive count', (_, error) => {
    expect(error.retryable).toBe(true);
    expect(classify(error, { receiveCount: 3 })).toEqual({ action: 'retry', delaySeconds: 20 });
  });

  it.each([
    ['a rejected key', new AdminKeyRejectedError()],
    ['a malformed secret', new AdminKeyUnavailableError('not a key')],
    ['a bad configuration', new ConfigurationError('INVITE_DLQ_URL is not set.')],
  ])('retries %s, our own setup, although not retryable: it passes once fixed', (_, error) => {
    expect(error.retryable).toBe(false);
    expect(classify(error, first)).toEqual({ action: 'retry', delaySeconds: 5 });
  });

  it('retries what is not ours, better than losing it', () => {
    expect(classify(new TypeError('boom'), first)).toEqual({ action: 'retry', delaySeconds: 5 });
  });

  it('dead-letters a malformed upstream answer (502) with its reason: the client does not retry it either', () => {
    const malformed = new UpstreamMalformedResponseError('the body is not JSON.');
    expect(malformed.retryable).toBe(false);
    expect(classify(malformed, first)).toEqual({
      action: 'dead_letter',
      code: 'upstream_malformed_response',
      reason: 'OpenAI returned a malformed response: the body is not JSON.',
      status: 502,
    });
  });

  it('dead-letters a refusal that will not change, with its code, or `rejected` when it has none', () => {
    const refused = new UpstreamApiError('Project proj_x not found.', {
      status: 400,
      type: 'invalid_request_error',
    });
    expect(classify(refused, first)).toEqual({
      action: 'dead_letter',
      code: 'rejected',
      reason: 'Project proj_x not found.',
      status: 400,
    });
    expect(classify(new NotFoundError('No such invite.'), first)).toMatchObject({
      action: 'dead_letter',
      code: 'not_found',
      status: 404,
    });
  });
});

describe('retryDelaySeconds', () => {
  it('doubles per receive from the base, up to the cap', () => {
    expect([1, 2, 3, 4].map((count) => retryDelaySeconds(count))).toEqual([5, 10, 20, 40]);
    expect(retryDelaySeconds(20)).toBe(FAILURE_DEFAULTS.retryMaxSeconds);
    expect(retryDelaySeconds(0, { retryBaseSeconds: 1 })).toBe(1);
  });
});
