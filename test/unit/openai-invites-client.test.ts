import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AdminKeySource } from '../../lib/secrets/admin-key';
import { NotFoundError } from '../../lib/openai/errors';
import {
  AdminKeyRejectedError,
  InviteAlreadyAcceptedError,
  UpstreamApiError,
  UpstreamConnectionError,
  UpstreamMalformedResponseError,
  UpstreamRateLimitError,
  UpstreamTimeoutError,
  UserAlreadyExistsError,
} from '../../lib/openai/errors';
import { type InvitesClientOptions, newUpstreamTrace, OpenAIInvitesClient } from '../../lib/openai/client';
import { InvitesSimulator } from '../../local/openai-simulator';
import { TEST_ADMIN_KEY } from '../support/keys';

/** A key source that counts reads and can be told the key was rotated. */
class CountingKeySource implements AdminKeySource {
  readonly description = 'test';
  reads = 0;
  forcedReads = 0;
  constructor(public current: string) {}
  async getKey(options: { forceRefresh?: boolean } = {}) {
    this.reads += 1;
    if (options.forceRefresh) this.forcedReads += 1;
    return this.current;
  }
}

describe('OpenAIInvitesClient against the simulator over HTTP', () => {
  const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
  let sleeps: number[];
  let keys: CountingKeySource;

  const client = (options: Partial<InvitesClientOptions> = {}) =>
    new OpenAIInvitesClient({
      baseUrl: simulator.url,
      adminKey: keys,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...options,
    });

  beforeAll(async () => {
    await simulator.start();
  });
  afterAll(async () => {
    await simulator.stop();
  });
  beforeEach(() => {
    simulator.reset();
    simulator.options.duplicateAnswer = undefined;
    simulator.setRateLimit(undefined);
    sleeps = [];
    keys = new CountingKeySource(TEST_ADMIN_KEY);
  });

  describe('the four endpoints', () => {
    it('creates, retrieves, lists and deletes an invite', async () => {
      // Prepare
      const invites = client();

      // Act
      const { invite, created } = await invites.createInvite({
        email: 'ada@example.com',
        role: 'reader',
        projects: [{ id: 'proj_abc', role: 'member' }],
      });
      const retrieved = await invites.retrieveInvite(invite.id);
      const page = await invites.listInvites({ limit: 10 });
      const deleted = await invites.deleteInvite(invite.id);

      // Assess
      expect(created).toBe(true);
      expect(invite).toMatchObject({
        object: 'organization.invite',
        email: 'ada@example.com',
        status: 'pending',
      });
      expect(retrieved).toEqual(invite);
      expect(page).toMatchObject({
        object: 'list',
        first_id: invite.id,
        last_id: invite.id,
        has_more: false,
      });
      expect(deleted).toEqual({ object: 'organization.invite.deleted', id: invite.id, deleted: true });
      expect(simulator.invites).toHaveLength(0);
      expect(simulator.requests.every((request) => request.authorized)).toBe(true);
    });

    it('sends limit and after as query parameters', async () => {
      const seeded = [0, 1, 2].map((n) => simulator.seed(`user${n}@example.com`));

      const page = await client().listInvites({ limit: 1, after: seeded[0]!.id });

      expect(page.data.map((invite) => invite.id)).toEqual([seeded[1]!.id]);
      expect(page.has_more).toBe(true);
    });

    it('lists every invite in pages of 100 following last_id', async () => {
      for (let n = 0; n < 250; n += 1) simulator.seed(`user${n}@example.com`);
      const trace = newUpstreamTrace();

      const all = [];
      for await (const invite of client().listAllInvites({ trace })) all.push(invite);

      expect(all).toHaveLength(250);
      expect(new Set(all.map((invite) => invite.id)).size).toBe(250);
      expect(trace.attempts).toBe(3);
      expect(simulator.requests.map((request) => request.path)).toEqual(
        Array(3).fill('/organization/invites'),
      );
    });

    it('stops with a 502 when a page says has_more but gives no cursor', async () => {
      simulator.inject({
        kind: 'status',
        status: 200,
        body: { object: 'list', data: [], first_id: null, last_id: null, has_more: true },
      });

      const listing = (async () => {
        for await (const _ of client().listAllInvites()) {
          // drain
        }
      })();

      await expect(listing).rejects.toBeInstanceOf(UpstreamMalformedResponseError);
    });
  });

  describe('retries', () => {
    it.each([500, 502, 503, 504])('retries a GET after %i and succeeds', async (status) => {
      const invite = simulator.seed('ada@example.com');
      simulator.inject({ kind: 'status', status, times: 2 });
      const trace = newUpstreamTrace();

      const retrieved = await client().retrieveInvite(invite.id, { trace });

      expect(retrieved.id).toBe(invite.id);
      expect(trace.attempts).toBe(3);
      expect(sleeps).toEqual([187.5, 375]); // equal jitter at random()=0.5: 3/4 of 250·2^n
    });

    it('gives up after maxRetries and passes the 5xx on with the upstream request id', async () => {
      simulator.inject({
        kind: 'status',
        status: 503,
        times: 10,
        headers: { 'x-request-id': 'req_upstream_1' },
      });

      const error = await client({ maxRetries: 2 })
        .listInvites()
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UpstreamApiError);
      expect(error).toMatchObject({ status: 503, type: 'server_error', upstreamRequestId: 'req_upstream_1' });
      expect(simulator.requests).toHaveLength(3);
    });

    it('caps the backoff', async () => {
      simulator.inject({ kind: 'status', status: 500, times: 6 });

      await client({ maxRetries: 6, backoff: { baseMs: 100, capMs: 400 } }).listInvites();

      expect(Math.max(...sleeps)).toBeLessThanOrEqual(400);
      expect(sleeps).toEqual([75, 150, 300, 300, 300, 300]);
    });

    it('honours retry-after-ms on a 429', async () => {
      simulator.inject({
        kind: 'status',
        status: 429,
        headers: { 'retry-after-ms': '1234', 'retry-after': '2' },
      });

      await client().listInvites();

      expect(sleeps).toEqual([1234]);
    });

    it('honours Retry-After in seconds', async () => {
      simulator.inject({ kind: 'status', status: 429, headers: { 'retry-after': '3' } });

      await client().listInvites();

      expect(sleeps).toEqual([3000]);
    });

    it('honours Retry-After as an HTTP date', async () => {
      const inFiveSeconds = new Date(Date.now() + 5_000).toUTCString();
      simulator.inject({ kind: 'status', status: 429, headers: { 'retry-after': inFiveSeconds } });

      await client().listInvites();

      expect(sleeps).toHaveLength(1);
      expect(sleeps[0]).toBeGreaterThan(3_000);
      expect(sleeps[0]).toBeLessThanOrEqual(5_000);
    });

    it('answers 429 with Retry-After when the wait would pass the deadline', async () => {
      simulator.inject({ kind: 'status', status: 429, headers: { 'retry-after': '60' } });

      const error = await client({ deadlineMs: 5_000 })
        .listInvites()
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UpstreamRateLimitError);
      expect(error).toMatchObject({ status: 429, retryAfterMs: 60_000, headers: { 'Retry-After': '60' } });
      expect(sleeps).toEqual([]);
    });

    it('times out a slow attempt and retries it', async () => {
      simulator.inject({ kind: 'timeout' });
      const trace = newUpstreamTrace();

      const page = await client({ attemptTimeoutMs: 200 }).listInvites({}, { trace });

      expect(page.object).toBe('list');
      expect(trace.attempts).toBe(2);
    });

    it('answers 504 when every attempt times out', async () => {
      simulator.inject({ kind: 'timeout', times: 3 });

      const error = await client({ attemptTimeoutMs: 100, maxRetries: 2 })
        .listInvites()
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UpstreamTimeoutError);
      expect(error).toMatchObject({ status: 504, code: 'upstream_timeout' });
    });

    it('never waits past the overall deadline', async () => {
      simulator.inject({ kind: 'timeout', times: 10 });
      const startedAt = Date.now();

      const error = await client({ attemptTimeoutMs: 5_000, deadlineMs: 300, sleep: undefined })
        .listInvites()
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UpstreamTimeoutError);
      expect(Date.now() - startedAt).toBeLessThan(1_500);
    });

    it('retries after a connection reset', async () => {
      simulator.inject({ kind: 'reset' });

      const page = await client().listInvites();

      expect(page.object).toBe('list');
      expect(simulator.requests).toHaveLength(2);
    });

    it('answers 502 when OpenAI cannot be reached at all', async () => {
      const unreachable = client({ baseUrl: 'http://127.0.0.1:9/v1', maxRetries: 1 });

      const error = await unreachable.listInvites().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UpstreamConnectionError);
      expect(error).toMatchObject({ status: 502, code: 'upstream_unreachable' });
      expect(sleeps).toHaveLength(1);
    });

    it('does not retry a 400', async () => {
      simulator.inject({
        kind: 'status',
        status: 400,
        body: {
          error: {
            message: 'Project not found.',
            type: 'invalid_request_error',
            param: 'projects',
            code: 'bad',
          },
        },
      });

      const error = await client()
        .createInvite({ email: 'ada@example.com', role: 'reader' })
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UpstreamApiError);
      expect(error).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        param: 'projects',
        code: 'bad',
        message: 'Project not found.',
      });
      expect(simulator.requests).toHaveLength(1);
    });
  });

  describe('malformed answers', () => {
    it('turns a body that is not JSON into a 502 without retrying', async () => {
      simulator.inject({ kind: 'malformed' });

      const error = await client()
        .listInvites()
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UpstreamMalformedResponseError);
      expect(error).toMatchObject({ status: 502, code: 'upstream_malformed_response' });
      expect(simulator.requests).toHaveLength(1);
    });

    it('turns JSON of the wrong shape into a 502', async () => {
      simulator.inject({ kind: 'status', status: 200, body: { object: 'organization.invite', id: 42 } });

      const error = await client()
        .retrieveInvite('invite-abc')
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UpstreamMalformedResponseError);
      expect((error as Error).message).toContain('id');
    });

    it('keeps extra fields OpenAI may add', async () => {
      simulator.inject({
        kind: 'status',
        status: 200,
        body: {
          object: 'organization.invite',
          id: 'invite-abc',
          email: 'ada@example.com',
          role: 'reader',
          status: 'pending',
          created_at: 1,
          new_field: 'kept',
        },
      });

      const invite = await client().retrieveInvite('invite-abc');

      expect(invite).toMatchObject({ id: 'invite-abc', new_field: 'kept' });
    });

    it('redacts anything that looks like a key in an upstream message', async () => {
      simulator.inject({
        kind: 'status',
        status: 403,
        body: { error: { message: 'Key sk-admin-abcd****wxyz lacks scope', type: 'invalid_request_error' } },
      });

      const error = await client()
        .listInvites()
        .catch((caught: unknown) => caught);

      expect((error as Error).message).toBe('Key sk-*** lacks scope');
    });
  });

  describe('errors', () => {
    it('maps a 404 to NotFoundError with the upstream request id', async () => {
      const error = await client()
        .retrieveInvite('invite-missing')
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ status: 404, type: 'invalid_request_error' });
      expect((error as NotFoundError).upstreamRequestId).toMatch(/^req_/);
    });
  });

  describe('the Admin key', () => {
    it('reads the key once per call when nothing goes wrong', async () => {
      await client().listInvites();

      expect(keys.reads).toBe(1);
      expect(keys.forcedReads).toBe(0);
    });

    it('re-reads a rotated key after one 401 and retries once', async () => {
      simulator.options.apiKeys = ['sk-admin-test-0000-new'];
      const invites = client();
      // The secret was rotated behind the cached value: the forced read sees the new key.
      const rotating: AdminKeySource = {
        description: 'rotating',
        getKey: async (options) => (options?.forceRefresh ? 'sk-admin-test-0000-new' : TEST_ADMIN_KEY),
      };
      const rotated = new OpenAIInvitesClient({ baseUrl: simulator.url, adminKey: rotating });

      const page = await rotated.listInvites();

      expect(page.object).toBe('list');
      expect(simulator.requests.map((request) => request.status)).toEqual([401, 200]);
      await expect(invites.listInvites()).rejects.toBeInstanceOf(AdminKeyRejectedError);
      simulator.options.apiKeys = [TEST_ADMIN_KEY];
    });

    it('answers 502 admin_key_rejected when the fresh key is the same and still refused', async () => {
      simulator.options.apiKeys = ['sk-admin-test-0000-other'];

      const error = await client()
        .listInvites()
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(AdminKeyRejectedError);
      expect(error).toMatchObject({ status: 502, code: 'admin_key_rejected' });
      expect(keys.forcedReads).toBe(1);
      expect(simulator.requests).toHaveLength(1);
      expect(JSON.stringify((error as AdminKeyRejectedError).toErrorBody())).not.toContain('sk-admin');
      simulator.options.apiKeys = [TEST_ADMIN_KEY];
    });
  });

  describe('idempotent creates', () => {
    it('returns the pending invite when the email was already invited', async () => {
      const first = await client().createInvite({ email: 'ada@example.com', role: 'reader' });

      const second = await client().createInvite({ email: 'ADA@example.com', role: 'reader' });

      expect(second).toEqual({ invite: first.invite, created: false, replaced: [] });
      expect(simulator.invites).toHaveLength(1);
    });

    it('recognises "already invited" given as a 400 with a message', async () => {
      simulator.options.duplicateAnswer = { status: 400, code: null, message: 'User is already invited.' };
      const first = await client().createInvite({ email: 'ada@example.com', role: 'reader' });

      const second = await client().createInvite({ email: 'ada@example.com', role: 'reader' });

      expect(second.invite.id).toBe(first.invite.id);
      expect(second.created).toBe(false);
    });

    it('does not make a second invite when the first response was lost', async () => {
      simulator.inject({ kind: 'lose-response', method: 'POST' });

      const result = await client().createInvite({ email: 'ada@example.com', role: 'owner' });

      expect(simulator.invites).toHaveLength(1);
      expect(result.invite.id).toBe(simulator.invites[0]!.id);
      expect(result.created).toBe(false);
    });

    it('retries a create after a 429 and creates exactly one invite', async () => {
      simulator.inject({ kind: 'status', status: 429, method: 'POST', headers: { 'retry-after-ms': '10' } });

      const result = await client().createInvite({ email: 'ada@example.com', role: 'reader' });

      expect(result.created).toBe(true);
      expect(simulator.invites).toHaveLength(1);
    });

    it('createInviteIfAbsent answers undefined for "already invited" of the same terms, after one list', async () => {
      simulator.seed('ada@example.com');

      const result = await client().createInviteIfAbsent({ email: 'ada@example.com', role: 'reader' });

      expect(result).toBeUndefined();
      // The list tells a pending invite of the same terms from an expired or a conflicting one.
      expect(simulator.requests.map((request) => request.method)).toEqual(['POST', 'GET']);
    });

    it('answers 409 user_already_exists when the user accepted and no invite is pending', async () => {
      const { invite } = await client().createInvite({ email: 'ada@example.com', role: 'reader' });
      simulator.accept(invite.id);

      const error = await client()
        .createInvite({ email: 'ada@example.com', role: 'reader' })
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UserAlreadyExistsError);
      expect(error).toMatchObject({ status: 409, param: 'email' });
    });
  });

  describe('deletes', () => {
    it('refuses to delete an accepted invite with 409', async () => {
      const invite = simulator.seed('ada@example.com');
      simulator.accept(invite.id);

      const error = await client()
        .deleteInvite(invite.id)
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(InviteAlreadyAcceptedError);
      expect(error).toMatchObject({ status: 409, code: 'invite_already_accepted' });
    });

    it('recognises an accepted invite from its status when the answer is unfamiliar', async () => {
      const invite = simulator.seed('ada@example.com');
      simulator.accept(invite.id);
      simulator.inject({
        kind: 'status',
        status: 400,
        method: 'DELETE',
        body: { error: { message: 'Operation not permitted.', type: 'invalid_request_error' } },
      });

      const error = await client()
        .deleteInvite(invite.id)
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(InviteAlreadyAcceptedError);
    });

    it('counts a 404 after a lost delete response as deleted', async () => {
      const invite = simulator.seed('ada@example.com');
      simulator.inject({ kind: 'lose-response', method: 'DELETE' });

      const deleted = await client().deleteInvite(invite.id);

      expect(deleted).toEqual({ object: 'organization.invite.deleted', id: invite.id, deleted: true });
      expect(simulator.requests.map((request) => request.status)).toEqual([200, 404]);
    });

    it('answers 404 for an unknown invite when nothing was unclear', async () => {
      await expect(client().deleteInvite('invite-missing')).rejects.toBeInstanceOf(NotFoundError);
    });
  });
});
