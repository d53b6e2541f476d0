/**
 * `webhook-example`'s payloads against the verifiers and normalisers that will receive them: each
 * verifies with npm start's development secret, yields the email it was given, and an unusable
 * email is refused naming the JSON path docs/hr-webhooks.md lists for that provider.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROVIDER_EXAMPLES, type ExampleEvent } from '../../cli/webhook-examples';
import { readWebhookConfig } from '../../lib/webhooks/config';
import { UnprocessableWebhookEventError } from '../../lib/webhooks/errors';
import { toInviteEvent, toRevokeEvent } from '../../lib/webhooks/mapping';
import {
  findProvider,
  localDevelopmentWebhookSecrets,
  providerNames,
} from '../../lib/webhooks/providers/registry';
import type { WebhookRequest } from '../../lib/webhooks/types';
import { thrownBy } from '../support/thrown';

const now = Date.now();

const drafted = async (provider: string, event: ExampleEvent, email: string) => {
  const example = PROVIDER_EXAMPLES[provider]!;
  const input = { event, email, now, nonce: 'n0nce' };
  const body = JSON.stringify(example.payload(input));
  const secret = localDevelopmentWebhookSecrets().signing[provider]!;
  const headers = Object.fromEntries(
    Object.entries(example.headers(body, secret, input)).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const request: WebhookRequest = {
    method: 'POST',
    header: (name) => headers[name.toLowerCase()],
    body: Buffer.from(body),
  };
  findProvider(provider)!.verify(request, secret, now);
  const [draft] = await findProvider(provider)!.normalise({
    body: JSON.parse(body),
    request,
    lookupEmployee: () => Promise.reject(new Error('the examples need no lookup')),
  });
  return draft!;
};

describe('webhook-example payloads', () => {
  for (const provider of providerNames()) {
    for (const event of ['invite', 'revoke'] as const) {
      it(`${provider} ${event}: verifies, reads the email, and names ${PROVIDER_EXAMPLES[provider]!.emailPath[event]} when it is unusable`, async () => {
        const good = await drafted(provider, event, 'new.hire@example.com');
        const bad = await drafted(provider, event, 'not-an-email');

        expect(good).toMatchObject({ kind: event, email: 'new.hire@example.com' });
        const thrown = thrownBy(
          () =>
            bad.kind === 'invite'
              ? toInviteEvent(bad, provider, readWebhookConfig({}))
              : bad.kind === 'revoke' && toRevokeEvent(bad, provider),
          UnprocessableWebhookEventError,
        );
        expect(thrown.param).toBe(PROVIDER_EXAMPLES[provider]!.emailPath[event]);
      });
    }
  }
});

describe("docs/hr-webhooks.md's example payloads", () => {
  const readme = readFileSync(new URL('../../docs/hr-webhooks.md', import.meta.url), 'utf8');
  const section = readme.slice(
    readme.indexOf('One invite event per provider'),
    readme.indexOf("BambooHR's example is its field-based"),
  );
  const payloads = [...section.matchAll(/```json\n(.*)\n```/g)].map((match) => JSON.parse(match[1]!));

  it('shows one invite per provider, in the order of the providers, each read as the page says', async () => {
    expect(payloads).toHaveLength(providerNames().length);
    for (const [index, provider] of providerNames().entries()) {
      const body = JSON.stringify(payloads[index]);
      const request: WebhookRequest = {
        method: 'POST',
        header: (name) => (name === 'webhook-id' ? 'msg_readme' : undefined),
        body: Buffer.from(body),
      };

      const drafts = await findProvider(provider)!.normalise({
        body: payloads[index],
        request,
        lookupEmployee: () => Promise.reject(new Error('the documented examples need no lookup')),
      });

      expect(drafts, provider).toEqual([
        expect.objectContaining({ kind: 'invite', email: 'new.hire@example.com' }),
      ]);
    }
  });
});
