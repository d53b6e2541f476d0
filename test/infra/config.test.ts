import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STACK_CONFIG, parseStackConfig, StackConfigError } from '../../infra/config';

const from = (context: Record<string, unknown>) => parseStackConfig((key) => context[key]);

describe('parseStackConfig', () => {
  it('gives the documented defaults for an empty context', () => {
    expect(from({})).toEqual({
      ...DEFAULT_STACK_CONFIG,
      adminKeySecretId: 'openai/admin-key',
      authMode: 'iam',
      logRetentionDays: 30,
    });
  });

  it('agrees with the defaults written in cdk.json', () => {
    const { context } = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));

    expect(from(context)).toEqual(DEFAULT_STACK_CONFIG);
  });

  it('reads `-c key=value` strings: numbers and comma-separated lists', () => {
    const config = from({
      authMode: 'token',
      throttlingRateLimit: '50',
      allowedPrincipalArns: 'arn:aws:iam::111122223333:role/a, arn:aws:iam::111122223333:root',
      logRetentionDays: '365',
    });

    expect(config).toMatchObject({
      authMode: 'token',
      throttlingRateLimit: 50,
      allowedPrincipalArns: ['arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:root'],
      logRetentionDays: 365,
    });
  });

  it.each([
    [{ authMode: 'cognito' }, /authMode/],
    [{ workerMaxConcurrency: 1 }, /workerMaxConcurrency must be an integer from 2/],
    [{ workerBatchSize: 11 }, /workerBatchSize/],
    [{ maxReceiveCount: 'many' }, /maxReceiveCount/],
    [{ logRetentionDays: 31 }, /logRetentionDays must be one of/],
    [{ allowedPrincipalArns: ['*'] }, /allowedPrincipalArns/],
    [{ openAiBaseUrl: 'http://openai.example.com' }, /https URL/],
    [{ alarmEmail: 'ops' }, /alarmEmail/],
    [{ adminKeySecretId: 42 }, /adminKeySecretId must be a string/],
    // Issue 13: the timing model (lib/bulk/timing.ts), e.g. R=1, C=4, B=10 needs 46 s of a 25 s deadline.
    [
      { openAiRateLimitRps: 1, workerMaxConcurrency: 4, workerBatchSize: 10 },
      /A batch of 10 at 0\.250 requests\/s per container .* use a batch size of at most 4,/,
    ],
  ])('refuses %o', (context, message) => {
    expect(() => from(context)).toThrow(StackConfigError);
    expect(() => from(context)).toThrow(message);
  });
});
