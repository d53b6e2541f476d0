import { describe, expect, it } from 'vitest';
import { readWebhookConfig } from '../../lib/webhooks/config';
import { DynamoDbDedupeStore, MemoryDedupeStore } from '../../lib/webhooks/dedupe';
import { findProvider } from '../../lib/webhooks/providers/registry';
import { parseWebhookSecrets } from '../../lib/webhooks/secrets';
import type { WebhookRequest } from '../../lib/webhooks/types';
import { createDedupeTable } from '../support/dynamodb';
import { bambooHrHeaders, standardHeaders, TEST_WEBHOOK_SECRETS } from '../support/webhook-signing';

const requestOf = (body: string, headers: Record<string, string>): WebhookRequest => ({
  method: 'POST',
  body: Buffer.from(body),
  header: (name) => Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1],
});

describe('the Standard Webhooks verifier', () => {
  it('accepts the signature computed from the whsec_ key, and nothing else', () => {
    const body = '{"type":"invite.requested","data":{"email":"a@example.com"}}';
    const headers = standardHeaders(body);
    const verify = (h: Record<string, string>, b = body) =>
      findProvider('standard')!.verify(requestOf(b, h), TEST_WEBHOOK_SECRETS.standard, Date.now());

    expect(() => verify(headers)).not.toThrow();
    expect(() => verify(headers, `${body} `)).toThrow(/no signature/);
    expect(() => verify({ ...headers, 'webhook-id': 'other' })).toThrow(/no signature/);
    expect(() => verify({ ...headers, 'webhook-signature': 'v1,' })).toThrow(/no signature|has no/);
  });

  it('allows exactly ±5 minutes of clock difference', () => {
    const body = '{}';
    const now = Date.now();
    const at = (offsetSeconds: number) =>
      standardHeaders(body, { timestamp: Math.floor(now / 1000) + offsetSeconds });
    const verify = (h: Record<string, string>) =>
      findProvider('standard')!.verify(requestOf(body, h), TEST_WEBHOOK_SECRETS.standard, now);

    expect(() => verify(at(-299))).not.toThrow();
    expect(() => verify(at(299))).not.toThrow();
    expect(() => verify(at(-302))).toThrow(/5 minutes/);
    expect(() => verify(at(302))).toThrow(/5 minutes/);
  });
});

describe('the BambooHR verifier', () => {
  it('signs the body followed by the timestamp, in hex', () => {
    const body = '{"type":"employee.created"}';
    const headers = bambooHrHeaders(body);
    const verify = (h: Record<string, string>) =>
      findProvider('bamboohr')!.verify(requestOf(body, h), TEST_WEBHOOK_SECRETS.bamboohr, Date.now());

    expect(() => verify(headers)).not.toThrow();
    expect(() => verify({ ...headers, 'X-BambooHR-Signature': 'zz' })).toThrow(/64 hex/);
    expect(() => verify({ ...headers, 'X-BambooHR-Timestamp': 'yesterday' })).toThrow(/malformed/);
  });
});

describe('the webhook secret', () => {
  it('is JSON with optional entries, and a malformed one is refused without its value', () => {
    expect(parseWebhookSecrets('{"okta": "s3"}', 'id').signing).toEqual({ okta: 's3' });
    expect(() => parseWebhookSecrets('whsec_not-json-value', 'id')).toThrow(/not valid JSON/);
    expect(() => parseWebhookSecrets('{"okta": 42}', 'id')).toThrow(/"okta" must be/);
    try {
      parseWebhookSecrets('{"bamboohrApi": {"apiKey": "hidden-key"}}', 'id');
    } catch (error) {
      expect((error as Error).message).not.toContain('hidden-key');
    }
  });
});

describe('the mapping configuration', () => {
  it('reads the default role and the department map, and refuses bad values', () => {
    const config = readWebhookConfig({
      WEBHOOK_DEFAULT_ROLE: 'owner',
      // An owner default needs the cap raised to owner (issue 29, item 7).
      WEBHOOK_MAX_ROLE: 'owner',
      WEBHOOK_DEPARTMENT_PROJECTS: '{"Engineering": [{"id": "proj_eng", "role": "member"}]}',
    });

    expect(config.defaultRole).toBe('owner');
    expect(config.departmentProjects).toEqual(
      new Map([['engineering', [{ id: 'proj_eng', role: 'member' }]]]),
    );
    expect(config.dedupeWindowSeconds).toBe(86_400);
    expect(() => readWebhookConfig({ WEBHOOK_DEFAULT_ROLE: 'admin' })).toThrow(/WEBHOOK_DEFAULT_ROLE/);
    expect(() => readWebhookConfig({ WEBHOOK_DEPARTMENT_PROJECTS: '{"x": [{"id": "p"}]}' })).toThrow(
      /WEBHOOK_DEPARTMENT_PROJECTS/,
    );
  });
});

describe('replay claims', () => {
  it('in memory: a lease until confirmed, one claim per key within the window, free again after it or after a release', async () => {
    let now = 0;
    const store = new MemoryDedupeStore(() => now);

    expect(await store.claim('k', 30)).toBe('claimed');
    expect(await store.claim('k', 30)).toBe('in_progress');
    now = 31_000;
    expect(await store.claim('k', 30)).toBe('claimed');
    await store.confirm('k', 60);
    expect(await store.claim('k', 30)).toBe('duplicate');
    now = 92_000;
    expect(await store.claim('k', 30)).toBe('claimed');
    await store.release('k');
    expect(await store.claim('k', 30)).toBe('claimed');
  });

  it('in DynamoDB (moto): a conditional put; a lease expires, a confirmed claim lasts the window', async () => {
    let now = Date.now();
    const store = new DynamoDbDedupeStore(await createDedupeTable(), undefined, () => now);

    expect(await store.claim('standard:msg_1', 30)).toBe('claimed');
    expect(await store.claim('standard:msg_1', 30)).toBe('in_progress');
    expect(await store.claim('okta:msg_1', 30)).toBe('claimed');
    now += 31_000;
    expect(await store.claim('standard:msg_1', 30)).toBe('claimed');
    await store.confirm('standard:msg_1', 60);
    expect(await store.claim('standard:msg_1', 30)).toBe('duplicate');
    now += 61_000;
    expect(await store.claim('standard:msg_1', 30)).toBe('claimed');
    await store.release('standard:msg_1');
    expect(await store.claim('standard:msg_1', 30)).toBe('claimed');
  });
});
