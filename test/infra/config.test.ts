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

  it('takes the sweeper’s EventBridge schedule and switches, and refuses what EventBridge would', () => {
    expect(
      from({ sweepSchedule: 'rate(6 hours)', reinviteExpired: 'false', reinviteMaxTimes: '0' }),
    ).toMatchObject({
      sweepSchedule: 'rate(6 hours)',
      reinviteExpired: false,
      reinviteMaxTimes: 0,
    });
    expect(from({ sweepSchedule: 'cron(0 7 * * ? *)' }).sweepSchedule).toBe('cron(0 7 * * ? *)');
    for (const sweepSchedule of ['rate(1 days)', 'rate(2 day)', 'rate(0 hours)', 'daily', 'cron(0 7 * *)']) {
      expect(() => from({ sweepSchedule }), sweepSchedule).toThrow(StackConfigError);
    }
    expect(() => from({ reinviteMaxTimes: 21 })).toThrow(/reinviteMaxTimes/);
  });

  it('takes openAiRateLimitRps as a fraction or a rate per minute, as the real OpenAI needs', () => {
    expect(from({ openAiRateLimitRps: '0.15', workerBatchSize: 1 }).openAiRateLimitRps).toBe(0.15);
    expect(from({ openAiRateLimitRps: '8/min', workerBatchSize: 1 }).openAiRateLimitRps).toBeCloseTo(8 / 60);
    expect(from({ openAiRateLimitRps: 2.5 }).openAiRateLimitRps).toBe(2.5);
    for (const openAiRateLimitRps of ['0', '-1', 'fast', '8/hour', '5000'])
      expect(() => from({ openAiRateLimitRps }), openAiRateLimitRps).toThrow(
        /openAiRateLimitRps must be a number of requests per second above 0 .* 8\/min suits the real OpenAI/,
      );
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

  it('reads the switches of issue 17 from `-c key=value` strings', () => {
    expect(
      from({
        setApiGatewayAccountRole: 'true',
        sourceMaps: 'true',
        webhookWafRateLimit: '300',
        offboardMembers: 'true',
      }),
    ).toMatchObject({
      setApiGatewayAccountRole: true,
      sourceMaps: true,
      webhookWafRateLimit: 300,
      offboardMembers: true,
    });
    expect(from({})).toMatchObject({
      setApiGatewayAccountRole: false,
      sourceMaps: false,
      offboardMembers: false,
    });
    expect(from({}).webhookWafRateLimit).toBeUndefined();
  });

  it.each([
    [{ authMode: 'cognito' }, /authMode/],
    [{ workerMaxConcurrency: 1 }, /workerMaxConcurrency must be an integer from 2/],
    [{ workerBatchSize: 11 }, /workerBatchSize/],
    [{ maxReceiveCount: 'many' }, /maxReceiveCount/],
    [{ logRetentionDays: 31 }, /logRetentionDays must be one of/],
    [{ allowedPrincipalArns: ['*'] }, /allowedPrincipalArns/],
    [{ openAiBaseUrl: 'http://openai.example.com' }, /openAiBaseUrl must be an https URL/],
    [{ upstreamUrl: 'http://openai.example.com' }, /upstreamUrl must be an https URL/],
    [{ upstreamUrl: 'https://user:pass@openai.example.com' }, /upstreamUrl must be an https URL/],
    [{ alarmEmail: 'ops' }, /alarmEmail/],
    // Issue 29, item 7: the operator's own webhook settings must fit the caps.
    [{ webhookDefaultRole: 'owner' }, /needs webhookMaxRole "owner"/],
    [{ webhookMaxRole: 'admin' }, /webhookMaxRole must be/],
    [
      { webhookDepartmentProjects: { Eng: [{ id: 'proj_eng', role: 'owner' }] } },
      /set webhookMaxProjectRole "owner"/,
    ],
    // The webhook function's own check (lib/webhooks/config.ts), named for the context key.
    [{ webhookDepartmentGroups: '{"Eng": ' }, /Context webhookDepartmentGroups must be JSON .*not JSON/],
    [
      { webhookDepartmentGroups: { Eng: ['group_eng', 'grp 1'] } },
      /Context webhookDepartmentGroups .*"Eng" lists "grp 1", not an OpenAI group id/,
    ],
    [{ adminKeySecretId: 42 }, /adminKeySecretId must be a string/],
    // A partial ARN (no 6-character suffix) would pass the synth and fail with AccessDenied at run time.
    [
      { adminKeySecretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:openai/admin-key' },
      /not a complete secret ARN/,
    ],
    [{ setApiGatewayAccountRole: 'yes' }, /setApiGatewayAccountRole must be true or false/],
    [{ webhookWafRateLimit: 5 }, /webhookWafRateLimit must be an integer from 10/],
    [{ apiReservedConcurrency: 0 }, /apiReservedConcurrency/],
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
