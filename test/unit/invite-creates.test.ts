/**
 * The client's create against invites OpenAI already holds (expired, of other terms), against
 * refusals it must not take for duplicates, and against 429s that say the wait only in words.
 * Real HTTP against the simulator on 127.0.0.1, in both of OpenAI's answer shapes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { type InvitesClientOptions, OpenAIInvitesClient } from '../../lib/openai/client';
import {
  InvitePendingWithDifferentTermsError,
  UpstreamApiError,
  UpstreamRateLimitError,
  UserAlreadyExistsError,
} from '../../lib/openai/errors';
import { InvitesSimulator, type InviteShape } from '../../local/openai-simulator';
import { StaticAdminKey } from '../../lib/secrets/admin-key';
import { TEST_ADMIN_KEY } from '../support/keys';
import { useSimulator } from '../support/simulator';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);
let sleeps: number[];

const client = (options: Partial<InvitesClientOptions> = {}) =>
  new OpenAIInvitesClient({
    baseUrl: simulator.url,
    adminKey: new StaticAdminKey(TEST_ADMIN_KEY),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });

const methods = () => simulator.requests.map((request) => `${request.method} ${request.status}`);

beforeEach(() => {
  sleeps = [];
});

describe.each<InviteShape>(['current', 'legacy'])('with OpenAI answering in the %s shape', (shape) => {
  beforeEach(() => {
    simulator.options.inviteShape = shape;
  });

  it('answers every invite with created_at and invited_at alike', async () => {
    const { invite } = await client().createInvite({ email: 'ada@example.com', role: 'reader' });
    const retrieved = await client().retrieveInvite(invite.id);
    const page = await client().listInvites();

    for (const each of [invite, retrieved, ...page.data]) {
      expect(each.created_at).toEqual(expect.any(Number));
      expect(each.invited_at).toBe(each.created_at);
      expect(each).toHaveProperty('accepted_at', null);
    }
  });

  describe('expired invites', () => {
    it.each([
      ['still reads pending past expires_at', 'stay-pending'],
      ['reads expired yet still blocks the email', 'block'],
    ] as const)('deletes an invite that %s and invites again', async (_case, behaviour) => {
      simulator.options.expiredInvites = behaviour;
      const old = simulator.seed('ada@example.com');
      simulator.expire(old.id);

      const result = await client().createInvite({ email: 'ada@example.com', role: 'reader' });

      expect(result.created).toBe(true);
      expect(result.invite.id).not.toBe(old.id);
      expect(result.replaced).toEqual([old.id]);
      expect(simulator.invites.map((invite) => invite.id)).toEqual([result.invite.id]);
      expect(methods()).toEqual(['POST 409', 'GET 200', 'DELETE 200', 'POST 200']);
    });

    it('never hands back an expired invite when OpenAI lets the email be invited again', async () => {
      const old = simulator.seed('ada@example.com');
      simulator.expire(old.id);

      const result = await client().createInvite({ email: 'ada@example.com', role: 'reader' });

      expect(result).toMatchObject({ created: true, replaced: [] });
      expect(result.invite.id).not.toBe(old.id);
    });

    it('counts a 404 on deleting the expired invite as gone', async () => {
      // OpenAI refuses, then lists an expired invite that someone deletes before we get to it.
      const gone = {
        object: 'organization.invite',
        id: 'invite-gone',
        email: 'ada@example.com',
        role: 'reader',
        status: 'expired',
        created_at: 1,
        expires_at: 2,
        accepted_at: null,
        projects: [],
      };
      simulator.inject({
        kind: 'status',
        method: 'POST',
        status: 409,
        body: { error: { message: 'x', type: 'invalid_request_error', code: 'invite_already_exists' } },
      });
      simulator.inject({
        kind: 'status',
        method: 'GET',
        status: 200,
        body: { object: 'list', data: [gone], first_id: gone.id, last_id: gone.id, has_more: false },
      });

      const result = await client().createInvite({ email: 'ada@example.com', role: 'reader' });

      expect(result.created).toBe(true);
      expect(methods()).toEqual(['POST 409', 'GET 200', 'DELETE 404', 'POST 200']);
    });
  });

  describe('a pending invite of other terms', () => {
    const pendingTerms = { role: 'reader', projects: [{ id: 'proj_1', role: 'member' }] } as const;

    it('is a 409 naming the pending invite, its role and projects, and changes nothing', async () => {
      const pending = simulator.seed('ada@example.com', pendingTerms.role, [...pendingTerms.projects]);

      const error = await client()
        .createInvite({ email: 'ada@example.com', role: 'owner', projects: [...pendingTerms.projects] })
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(InvitePendingWithDifferentTermsError);
      expect(error).toMatchObject({
        status: 409,
        type: 'invalid_request_error',
        code: 'invite_pending_with_different_terms',
        param: 'email',
      });
      const { message } = error as Error;
      expect(message).toContain(pending.id);
      expect(message).toContain('role reader and projects [proj_1 (member)]');
      expect(message).toContain('role owner and projects [proj_1 (member)]');
      expect(simulator.invites).toEqual([pending]);
    });

    it('is a 409 for other projects too, also from createInviteIfAbsent (the bulk path)', async () => {
      simulator.seed('ada@example.com', pendingTerms.role, [...pendingTerms.projects]);

      const result = client().createInviteIfAbsent({
        email: 'ada@example.com',
        role: 'reader',
        projects: [{ id: 'proj_2', role: 'member' }],
      });

      await expect(result).rejects.toBeInstanceOf(InvitePendingWithDifferentTermsError);
    });

    it('returns the pending invite when only the order of projects differs', async () => {
      const projects = [
        { id: 'proj_1', role: 'member' },
        { id: 'proj_2', role: 'owner' },
      ] as const;
      const pending = simulator.seed('ada@example.com', 'reader', [...projects]);

      const result = await client().createInvite({
        email: 'ada@example.com',
        role: 'reader',
        projects: [projects[1], projects[0]],
      });

      expect(result).toMatchObject({ created: false, invite: { id: pending.id } });
    });

    it('is replaced when the caller says so', async () => {
      const pending = simulator.seed('ada@example.com', pendingTerms.role, [...pendingTerms.projects]);

      const result = await client().createInvite(
        { email: 'ada@example.com', role: 'owner', projects: [] },
        { replacePending: true },
      );

      expect(result).toMatchObject({
        created: true,
        replaced: [pending.id],
        invite: { role: 'owner', projects: [] },
      });
      expect(simulator.invites.map((invite) => invite.id)).toEqual([result.invite.id]);
    });
  });
});

describe('refusals that are not duplicates', () => {
  it('passes the pending-invites quota on as the error it is, without looking for an invite', async () => {
    simulator.seed('ada@example.com');
    simulator.options.duplicateAnswer = {
      status: 400,
      code: null,
      message: 'You have reached the maximum number of pending invites.',
    };

    const error = await client()
      .createInviteIfAbsent({ email: 'ada@example.com', role: 'reader' })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UpstreamApiError);
    expect(error).toMatchObject({
      status: 400,
      message: 'You have reached the maximum number of pending invites.',
    });
    expect(methods()).toEqual(['POST 400']);
  });

  it('answers user_already_exists when the person is a member (an accepted invite)', async () => {
    const accepted = simulator.seed('ada@example.com');
    simulator.accept(accepted.id);

    await expect(client().createInvite({ email: 'ada@example.com', role: 'reader' })).rejects.toBeInstanceOf(
      UserAlreadyExistsError,
    );
    expect(simulator.invites).toHaveLength(1);
  });
});

describe('429 answers', () => {
  const rateLimited = (message: string, headers: Record<string, string> = {}) =>
    simulator.inject({
      kind: 'status',
      status: 429,
      headers,
      body: { error: { message, type: 'invalid_request_error', param: null, code: 'rate_limit_exceeded' } },
    });

  it('waits as long as a message-only 429 says', async () => {
    rateLimited('Rate limit reached for requests. Please try again after 6.937 seconds.');

    const page = await client().listInvites();

    expect(page.object).toBe('list');
    expect(sleeps).toEqual([6937]);
  });

  it('passes on a capped wait, never the 20-digit number OpenAI sent', async () => {
    rateLimited('Slow down.', { 'retry-after': '99999999999999999999' });

    const error = await client()
      .listInvites()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UpstreamRateLimitError);
    expect(error).toMatchObject({
      retryAfterMs: 900_000,
      headers: { 'Retry-After': '900', 'retry-after-ms': '900000' },
    });
    expect(sleeps).toEqual([]);
  });
});

it('redacts masked keys from every field of an upstream error', async () => {
  simulator.inject({
    kind: 'status',
    status: 403,
    body: {
      error: {
        message: 'Key sk-admin-abcd****wxyz lacks scope',
        type: 'sk-admin-abcd****type',
        code: 'sk-proj-abcd****code',
        param: 'sk-admin-****param',
      },
    },
  });

  const error = await client()
    .listInvites()
    .catch((caught: unknown) => caught);

  expect(error).toMatchObject({
    message: 'Key sk-*** lacks scope',
    type: 'sk-***',
    code: 'sk-***',
    param: 'sk-***',
  });
});

describe('a create that looks first (lookFirst), on an upstream that accepts a duplicate', () => {
  const dupes = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY], acceptDuplicates: true });
  useSimulator(dupes);
  const dupesClient = () =>
    new OpenAIInvitesClient({
      baseUrl: dupes.url,
      adminKey: new StaticAdminKey(TEST_ADMIN_KEY),
      maxRetries: 0,
    });

  it('answers the live pending invite of the same terms without a POST', async () => {
    const held = dupes.seed('ada@example.com', 'reader');

    const result = await dupesClient().ensureInvite(
      { email: 'Ada@example.com', role: 'reader' },
      { lookFirst: true },
    );

    expect(result).toMatchObject({ created: false, invite: { id: held.id } });
    expect(dupes.requests.map((request) => request.method)).toEqual(['GET']);
  });

  it('creates when none of the same terms is pending (an expired one, other terms)', async () => {
    dupes.expire(dupes.seed('lin@example.com', 'reader').id);
    dupes.seed('lin@example.com', 'owner');

    const result = await dupesClient().ensureInvite(
      { email: 'lin@example.com', role: 'reader' },
      { lookFirst: true, replacePending: true },
    );

    expect(result?.created).toBe(true);
  });

  it('marks the trace unclear when a POST got no answer, and not when it was refused with a 429', async () => {
    const lost = { attempts: 0, requestIds: [] as string[] } as {
      attempts: number;
      requestIds: string[];
      unclear?: boolean;
    };
    dupes.inject({ kind: 'lose-response', method: 'POST' });
    await expect(
      dupesClient().ensureInvite(
        { email: 'kai@example.com', role: 'reader' },
        { trace: lost, deadline: Date.now() + 200 },
      ),
    ).rejects.toThrow();
    const refused = { attempts: 0, requestIds: [] as string[] } as typeof lost;
    dupes.inject({ kind: 'status', status: 429, method: 'POST' });
    await expect(
      dupesClient().ensureInvite(
        { email: 'kai@example.com', role: 'reader' },
        { trace: refused, deadline: Date.now() + 200 },
      ),
    ).rejects.toBeInstanceOf(UpstreamRateLimitError);

    expect(lost.unclear).toBe(true);
    expect(refused.unclear).toBeUndefined();
  });
});
