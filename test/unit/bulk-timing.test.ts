import { describe, expect, it } from 'vitest';
import { readWorkerConfig } from '../../lib/bulk/config';
import { checkTimingModel } from '../../lib/bulk/timing';
import { ConfigurationError } from '../../lib/commons/errors';

describe('checkTimingModel: (B − 1) / (R / C) + A ≤ min(D, T − 1 s)', () => {
  it('accepts the defaults and what just fits', () => {
    expect(checkTimingModel({ rateLimitRps: 5, maxConcurrency: 2, batchSize: 10 })).toEqual([]);
    // 9 / 0.6 + 10 = 25 s: exactly the deadline.
    expect(checkTimingModel({ rateLimitRps: 1.2, maxConcurrency: 2, batchSize: 10 })).toEqual([]);
  });

  it('refuses what cannot fit, naming the largest batch that would', () => {
    const [problem] = checkTimingModel({ rateLimitRps: 1, maxConcurrency: 4, batchSize: 10 });
    expect(problem).toMatch(
      /needs 46\.0 s .* more than the 25\.0 s an invocation has: use a batch size of at most 4,/,
    );
  });

  it('takes the shorter of the deadline and the worker timeout less 1 s', () => {
    const model = { rateLimitRps: 5, maxConcurrency: 2, batchSize: 10, workerTimeoutSeconds: 12 };
    expect(checkTimingModel(model)[0]).toMatch(/more than the 11\.0 s/);
    expect(checkTimingModel({ ...model, attemptTimeoutMs: 5_000 })).toEqual([]);
  });
});

describe('readWorkerConfig', () => {
  it('checks the timing model when WORKER_BATCH_SIZE is set, with the client deadline', () => {
    const env = { OPENAI_RATE_LIMIT_RPS: '1', WORKER_MAX_CONCURRENCY: '4' };
    expect(readWorkerConfig(env)).toMatchObject({ rateLimitRps: 1, maxConcurrency: 4 });
    expect(() => readWorkerConfig({ ...env, WORKER_BATCH_SIZE: '10' })).toThrow(ConfigurationError);
    expect(readWorkerConfig({ ...env, WORKER_BATCH_SIZE: '10', OPENAI_DEADLINE_MS: '60000' })).toMatchObject({
      batchSize: 10,
    });
  });

  it('reads OPENAI_RATE_LIMIT_RPS as a fraction or a rate per minute, and refuses anything else with advice', () => {
    expect(readWorkerConfig({ OPENAI_RATE_LIMIT_RPS: '0.15' }).rateLimitRps).toBe(0.15);
    expect(readWorkerConfig({ OPENAI_RATE_LIMIT_RPS: '8/min' }).rateLimitRps).toBeCloseTo(8 / 60);
    for (const rate of ['0', 'fast', '8/day'])
      expect(() => readWorkerConfig({ OPENAI_RATE_LIMIT_RPS: rate }), rate).toThrow(/e\.g\. 8\/min/);
  });

  it('reads OFFBOARD_MEMBERS as true or false, default false, and refuses anything else', () => {
    expect(readWorkerConfig({}).offboardMembers).toBe(false);
    expect(readWorkerConfig({ OFFBOARD_MEMBERS: 'TRUE' }).offboardMembers).toBe(true);
    expect(readWorkerConfig({ OFFBOARD_MEMBERS: 'false', WORKER_BATCH_SIZE: '1' }).offboardMembers).toBe(
      false,
    );
    expect(() => readWorkerConfig({ OFFBOARD_MEMBERS: 'yes' })).toThrow(
      /OFFBOARD_MEMBERS must be true or false/,
    );
  });
});
