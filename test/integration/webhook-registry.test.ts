/**
 * The provider registry: a throwaway provider, registered in this test only, is served by the
 * webhook route, named in the unknown-provider 404, read from the webhook secret and listed among
 * the local development secrets, with no other file changed. Real SQS (moto) as the queue.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SqsQueue } from '../../lib/bulk/queue';
import { setQueues } from '../../lib/bulk/runtime';
import { WebhookSignatureError } from '../../lib/webhooks/errors';
import {
  localDevelopmentWebhookSecrets,
  providerNames,
  registerProvider,
} from '../../lib/webhooks/providers/registry';
import { setWebhookRuntime } from '../../lib/webhooks/runtime';
import { parseWebhookSecrets, StaticWebhookSecrets } from '../../lib/webhooks/secrets';
import { asString, pick, type WebhookProvider } from '../../lib/webhooks/types';
import { constantTimeEqualText } from '../../lib/webhooks/signatures';
import { invoke } from '../support/invoke';
import { createQueuePair, drain } from '../support/queues';

/** A made-up HR system: a shared token header, one event per body. */
const acme: WebhookProvider = {
  name: 'acme-hr',
  developmentSecret: 'local-dev-acme-secret',
  verify: (request, secret) => {
    if (!constantTimeEqualText(request.header('x-acme-token') ?? '', secret)) {
      throw new WebhookSignatureError('the X-Acme-Token does not match.', { mismatch: true });
    }
  },
  normalise: async ({ body }) => {
    const id = asString(pick(body, 'id')) ?? '';
    const email = asString(pick(body, 'email')) ?? '';
    return pick(body, 'left') === true ? [{ kind: 'revoke', id, email }] : [{ kind: 'invite', id, email }];
  },
};

let queue: SqsQueue;
let unregister: () => void = () => undefined;

beforeAll(async () => {
  ({ queue } = await createQueuePair());
  setQueues({ queue });
});

afterEach(() => unregister());

afterAll(() => {
  setQueues({});
  setWebhookRuntime({});
});

const post = (provider: string, body: unknown, token: string) =>
  invoke({
    method: 'POST',
    path: `/webhooks/${provider}`,
    headers: { 'Content-Type': 'application/json', 'X-Acme-Token': token },
    body: JSON.stringify(body),
  });

describe('the webhook provider registry', () => {
  it('serves a provider registered with one call: route, secret entry, 404 text, development secret', async () => {
    const before = await post('acme-hr', { id: 'a-0', email: 'x@example.com' }, 'token');
    expect(before.statusCode).toBe(404);
    expect(before.body.error.message).toBe(
      'Unknown webhook provider "acme-hr". Known: standard, greenhouse, okta, bamboohr.',
    );

    unregister = registerProvider(acme);
    const secrets = parseWebhookSecrets(
      JSON.stringify({ 'acme-hr': 'acme-token', standard: 'whsec_dGVzdA==' }),
      'test-secret',
    );
    setWebhookRuntime({ secretSource: new StaticWebhookSecrets(secrets) });

    const hire = await post('acme-hr', { id: 'a-1', email: 'Hire@Example.com' }, 'acme-token');
    const leaver = await post('acme-hr', { id: 'a-2', email: 'gone@example.com', left: true }, 'acme-token');
    const forged = await post('acme-hr', { id: 'a-3', email: 'x@example.com' }, 'wrong');
    const unknown = await post('workday', {}, 'acme-token');

    expect(secrets.signing['acme-hr']).toBe('acme-token');
    expect([hire.statusCode, leaver.statusCode, forged.statusCode]).toEqual([202, 202, 401]);
    expect(hire.body.events).toEqual([{ id: 'a-1', kind: 'invite', outcome: 'enqueued' }]);
    expect((await drain(queue)).map(({ attributes }) => [attributes.source, attributes.job_id])).toEqual(
      expect.arrayContaining([
        // Job ids in the provider's namespace (issue 29, item 5).
        ['acme-hr', 'acme-hr:a-1'],
        ['acme-hr', 'acme-hr:a-2'],
      ]),
    );
    expect(unknown.body.error.message).toBe(
      'Unknown webhook provider "workday". Known: standard, greenhouse, okta, bamboohr, acme-hr.',
    );
    expect(providerNames()).toContain('acme-hr');
    expect(localDevelopmentWebhookSecrets().signing['acme-hr']).toBe('local-dev-acme-secret');
  });

  it('refuses a duplicate or malformed name, and forgets a provider once unregistered', () => {
    unregister = registerProvider(acme);

    expect(() => registerProvider(acme)).toThrow(/already registered/);
    expect(() => registerProvider({ ...acme, name: '__proto__' })).toThrow(/lowercase/);
    unregister();
    expect(providerNames()).toEqual(['standard', 'greenhouse', 'okta', 'bamboohr']);
  });
});
