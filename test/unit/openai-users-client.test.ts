/** The client's Users API calls against the simulator over HTTP: same retries and errors as invites. */
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../lib/openai/errors';
import { UpstreamApiError, UpstreamMalformedResponseError } from '../../lib/openai/errors';
import { OpenAIInvitesClient } from '../../lib/openai/client';
import { InvitesSimulator } from '../../local/openai-simulator';
import { TEST_ADMIN_KEY } from '../support/keys';
import { useSimulator } from '../support/simulator';

const simulator = new InvitesSimulator({
  apiKeys: [TEST_ADMIN_KEY],
  users: [{ email: 'owner@example.com', role: 'owner', name: 'The Owner' }],
});
useSimulator(simulator);

const client = (beforeAttempt?: () => Promise<void>) =>
  new OpenAIInvitesClient({
    baseUrl: simulator.url,
    adminKey: { description: 'test', getKey: async () => TEST_ADMIN_KEY },
    sleep: async () => {},
    random: () => 0.5,
    beforeAttempt,
  });

describe('OpenAIInvitesClient users', () => {
  it('lists the seeded owner and a member made by accepting an invite', async () => {
    // Prepare
    const invite = simulator.seed('ada@example.com', 'reader');
    simulator.accept(invite.id);

    // Act
    const page = await client().listUsers({ limit: 10 });

    // Assess
    expect(page).toMatchObject({ object: 'list', has_more: false });
    expect(page.data.map((user) => [user.email, user.role])).toEqual([
      ['owner@example.com', 'owner'],
      ['ada@example.com', 'reader'],
    ]);
    expect(page.data[0]).toMatchObject({
      object: 'organization.user',
      id: expect.stringMatching(/^user-/),
      name: 'The Owner',
      added_at: expect.any(Number),
    });
  });

  it('sends emails as a repeated query parameter and gets only those users', async () => {
    simulator.seedUser({ email: 'ada@example.com' });
    simulator.seedUser({ email: 'bob@example.com' });
    simulator.seedUser({ email: 'cy@example.com' });
    const urls: string[] = [];
    const recording = new OpenAIInvitesClient({
      baseUrl: simulator.url,
      adminKey: { description: 'test', getKey: async () => TEST_ADMIN_KEY },
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
    });

    const page = await recording.listUsers({ emails: ['ada@example.com', 'cy@example.com'] });

    expect(page.data.map((user) => user.email)).toEqual(['ada@example.com', 'cy@example.com']);
    expect(new URL(urls[0]!).search).toBe('?emails=ada%40example.com&emails=cy%40example.com');
  });

  it('listAllUsers follows last_id across pages of 100', async () => {
    for (let index = 0; index < 150; index += 1) simulator.seedUser({ email: `u${index}@example.com` });

    const emails: string[] = [];
    for await (const user of client().listAllUsers()) emails.push(user.email);

    expect(emails).toHaveLength(151);
    expect(new Set(emails).size).toBe(151);
    expect(simulator.requests.map((request) => request.path)).toEqual([
      '/organization/users',
      '/organization/users',
    ]);
  });

  it('refuses a page that has more but gives no new cursor', async () => {
    simulator.inject({
      kind: 'status',
      status: 200,
      method: 'GET',
      pathPrefix: '/organization/users',
      times: 2,
      body: { object: 'list', data: [], has_more: true },
    });

    const reading = (async () => {
      for await (const user of client().listAllUsers()) void user;
    })();

    await expect(reading).rejects.toBeInstanceOf(UpstreamMalformedResponseError);
  });

  it('findUserByEmail matches case-insensitively, and answers undefined for a non-member', async () => {
    simulator.seedUser({ email: 'ada@example.com' });

    const found = await client().findUserByEmail('Ada@Example.com');
    const missing = await client().findUserByEmail('nobody@example.com');

    expect(found?.email).toBe('ada@example.com');
    expect(missing).toBeUndefined();
  });

  it('keeps fields and roles OpenAI adds later, and tolerates a missing name and added_at', async () => {
    simulator.inject({
      kind: 'status',
      status: 200,
      method: 'GET',
      body: {
        object: 'list',
        data: [{ id: 'user-x', email: 'x@example.com', role: 'member', is_default: true }],
        has_more: false,
      },
    });

    const page = await client().listUsers();

    expect(page.data[0]).toEqual({
      object: 'organization.user',
      id: 'user-x',
      email: 'x@example.com',
      name: '',
      role: 'member',
      added_at: null,
      is_default: true,
    });
    expect(page.last_id).toBe('user-x');
  });

  it('answers 502 for a user without an email', async () => {
    simulator.inject({
      kind: 'status',
      status: 200,
      method: 'GET',
      body: { object: 'list', data: [{ id: 'user-x', role: 'reader' }], has_more: false },
    });

    const error = await client()
      .listUsers()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UpstreamMalformedResponseError);
    expect((error as Error).message).toContain('data.0.email');
  });

  it('deletes a user, who then is no longer listed', async () => {
    const ada = simulator.seedUser({ email: 'ada@example.com' });

    const deleted = await client().deleteUser(ada.id);

    expect(deleted).toEqual({ object: 'organization.user.deleted', id: ada.id, deleted: true });
    expect(simulator.users.map((user) => user.email)).toEqual(['owner@example.com']);
  });

  it('retries a delete after a 503, paced by beforeAttempt, and counts a 404 after a lost answer as deleted', async () => {
    const ada = simulator.seedUser({ email: 'ada@example.com' });
    simulator.inject({ kind: 'status', status: 503, method: 'DELETE' });
    simulator.inject({ kind: 'lose-response', method: 'DELETE' });
    let paced = 0;

    const deleted = await client(async () => {
      paced += 1;
    }).deleteUser(ada.id);

    expect(deleted.deleted).toBe(true);
    expect(simulator.requests.map((request) => request.status)).toEqual([503, 200, 404]);
    expect(paced).toBe(3);
    expect(simulator.users.find((user) => user.id === ada.id)).toBeUndefined();
  });

  it('answers 404 for an unknown user when nothing was unclear', async () => {
    await expect(client().deleteUser('user-missing')).rejects.toBeInstanceOf(NotFoundError);
  });

  it("passes OpenAI's refusal to remove the last owner on as an upstream error", async () => {
    const owner = simulator.users[0]!;

    const error = await client()
      .deleteUser(owner.id)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UpstreamApiError);
    expect(error).toMatchObject({ status: 400 });
    expect(simulator.users).toHaveLength(1);
  });
});
