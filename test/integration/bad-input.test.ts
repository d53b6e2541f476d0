/**
 * The bad-input suite: property-based (fast-check) invalid requests against every API route.
 * Each must be answered 4xx in OpenAI's error shape, never 5xx, and never reach OpenAI or the
 * queue. It prints how many cases each route got.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticAdminKey } from '../../lib/secrets/admin-key';
import { checkJob } from '../../lib/bulk/jobs';
import { OpenAIInvitesClient } from '../../lib/openai/client';
import { setQueues } from '../../lib/bulk/runtime';
import { setInvitesClient } from '../../lib/openai/runtime';
import { parseInviteId, parseInviteRequest, parseListParams } from '../../lib/http/validation';
import { setWebhookRuntime } from '../../lib/webhooks/runtime';
import { localDevelopmentWebhookSecrets } from '../../lib/webhooks/providers/registry';
import { StaticWebhookSecrets } from '../../lib/webhooks/secrets';
import { LocalQueue } from '../../local/local-queue';
import { InvitesSimulator } from '../../local/openai-simulator';
import type { ProxyRequest } from '../../local/proxy-event';
import { report } from '../support/captured-output';
import { invoke } from '../support/invoke';
import { TEST_ADMIN_KEY } from '../support/keys';

const CASES_PER_ROUTE = 1000;
const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
const queue = new LocalQueue({ name: 'bad-input' });

const accepts = (check: () => unknown): boolean => {
  try {
    check();
    return true;
  } catch {
    return false;
  }
};

const jsonTypes = ['application/json', 'application/json; charset=utf-8', 'application/problem+json'];
const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...jsonTypes) },
  fc.constantFrom(
    'text/plain',
    'application/xml',
    'application/json; charset=latin1',
    'multipart/form-data',
    '',
  ),
  fc.string({ maxLength: 40 }),
);

/** Values that look like invites, with every field liable to be wrong. */
const inviteLike = fc.record(
  {
    email: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 300 }), fc.jsonValue()),
    role: fc.oneof(fc.constantFrom('reader', 'owner', 'admin', 'READER', ''), fc.jsonValue()),
    projects: fc.oneof(
      fc.array(
        fc.record(
          {
            id: fc.oneof(fc.stringMatching(/^[a-z_]{1,10}$/), fc.string({ maxLength: 200 })),
            role: fc.string(),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 120 },
      ),
      fc.jsonValue(),
    ),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  inviteLike.map((value) => JSON.stringify(value)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.constant(JSON.stringify({ email: 'a@example.com', role: 'reader', note: 'x'.repeat(17 * 1024) })),
);

interface Case {
  request: ProxyRequest;
  /** The same check the function makes: valid cases are skipped, this suite is about bad ones. */
  valid: boolean;
}

const postCase = (path: string, isValid: (parsed: unknown) => boolean) =>
  fc.record({ type: contentType, body, base64: fc.boolean() }).map(({ type, body: text, base64 }): Case => {
    const json = jsonTypes.includes(type) && Buffer.byteLength(text) <= 16 * 1024;
    return {
      request: { method: 'POST', path, headers: type ? { 'Content-Type': type } : {}, body: text, base64 },
      valid: json && accepts(() => JSON.parse(text)) && isValid(JSON.parse(text)),
    };
  });

const idString = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '../etc', 'invite%2F1', 'a'.repeat(129), 'invite.1'),
);

const routes: [string, fc.Arbitrary<Case>][] = [
  [
    'POST /organization/invites',
    postCase('/organization/invites', (value) => accepts(() => parseInviteRequest(value))),
  ],
  [
    'POST /organization/invites/bulk',
    postCase('/organization/invites/bulk', (value) =>
      accepts(() => {
        if (checkJob(value).invalid.length > 0) throw new Error('invalid items');
      }),
    ),
  ],
  [
    'GET /organization/invites',
    fc
      .record(
        { limit: fc.option(fc.oneof(fc.integer().map(String), fc.string())), after: fc.option(idString) },
        { requiredKeys: [] },
      )
      .map(({ limit, after }): Case => {
        const query: Record<string, string> = {};
        if (limit != null) query.limit = limit;
        if (after != null) query.after = after;
        return {
          request: { method: 'GET', path: '/organization/invites', query },
          valid: accepts(() => parseListParams(query)),
        };
      }),
  ],
  [
    'POST /webhooks/{provider}',
    fc
      .record({
        provider: fc.oneof(
          fc.constantFrom('standard', 'greenhouse', 'okta', 'bamboohr'),
          fc.stringMatching(/^[a-z]{1,12}$/),
        ),
        body,
        headers: fc.dictionary(
          fc.constantFrom(
            'webhook-id',
            'webhook-timestamp',
            'webhook-signature',
            'Signature',
            'Authorization',
            'X-BambooHR-Signature',
            'X-BambooHR-Timestamp',
            'Content-Type',
          ),
          fc.oneof(
            fc.string({ maxLength: 120 }),
            fc.constantFrom('v1,AAAA', 'sha256 00', String(Math.floor(Date.now() / 1000))),
          ),
        ),
        base64: fc.boolean(),
      })
      // Signed with a secret nobody has: nothing here can be verified.
      .map(({ provider, body: text, headers, base64 }) => ({
        request: { method: 'POST', path: `/webhooks/${provider}`, headers, body: text, base64 },
        valid: false,
      })),
  ],
  ...(['GET', 'DELETE'] as const).map((method): [string, fc.Arbitrary<Case>] => [
    `${method} /organization/invites/{invite_id}`,
    idString
      .filter((id) => id !== '' && !id.includes('/'))
      .map((id) => ({
        request: { method, path: `/organization/invites/${encodeURIComponent(id)}` },
        valid: accepts(() => parseInviteId(id)),
      })),
  ]),
];

beforeAll(async () => {
  setWebhookRuntime({ secretSource: new StaticWebhookSecrets(localDevelopmentWebhookSecrets()) });
  setInvitesClient(
    new OpenAIInvitesClient({
      baseUrl: await simulator.start(),
      adminKey: new StaticAdminKey(TEST_ADMIN_KEY),
    }),
  );
  setQueues({ queue, deadLetterQueue: queue });
});
afterAll(async () => {
  await simulator.stop();
  setInvitesClient(undefined);
  setQueues({});
  setWebhookRuntime({});
});

describe('bad input', () => {
  it.each(routes)(
    '%s: every invalid request gets a 4xx in OpenAI shape and goes nowhere',
    async (name, cases) => {
      let tried = 0;
      await fc.assert(
        fc.asyncProperty(cases, async ({ request, valid }) => {
          fc.pre(!valid);
          tried += 1;
          const answer = await invoke(request);
          expect(answer.statusCode).toBeGreaterThanOrEqual(400);
          expect(answer.statusCode).toBeLessThan(500);
          expect(Object.keys(answer.body)).toEqual(['error']);
          expect(Object.keys(answer.body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
          expect(typeof answer.body.error.type).toBe('string');
          expect(simulator.requests).toHaveLength(0);
          expect(queue.size).toBe(0);
        }),
        { numRuns: CASES_PER_ROUTE, maxSkipsPerRun: 100, seed: 20261122 },
      );
      report(`bad-input suite: ${name}: ${tried} invalid requests, all answered 4xx`);
      expect(tried).toBeGreaterThanOrEqual(CASES_PER_ROUTE);
    },
    120_000,
  );
});
