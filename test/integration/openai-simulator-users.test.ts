/** The simulator's organization users, in the shapes of OpenAI's Users API. */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { InvitesSimulator } from '../../local/openai-simulator';
import type { Json } from '../support/invoke';
import { TEST_ADMIN_KEY } from '../support/keys';
import { useSimulator } from '../support/simulator';

const userShape = z.strictObject({
  object: z.literal('organization.user'),
  id: z.string().check(z.regex(/^user-[A-Za-z0-9_-]+$/)),
  name: z.string(),
  email: z.string(),
  role: z.enum(['owner', 'reader']),
  added_at: z.int(),
});
const listShape = z.strictObject({
  object: z.literal('list'),
  data: z.array(userShape),
  first_id: z.nullable(z.string()),
  last_id: z.nullable(z.string()),
  has_more: z.boolean(),
});

const simulator = new InvitesSimulator({
  apiKeys: [TEST_ADMIN_KEY],
  users: [{ email: 'owner@example.com', role: 'owner' }],
});
useSimulator(simulator);
const auth = { Authorization: `Bearer ${TEST_ADMIN_KEY}`, 'Content-Type': 'application/json' };
const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${simulator.url}${path}`, {
    method,
    headers: auth,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
};
const control = (path: string, method = 'GET', body?: unknown) =>
  fetch(`${simulator.url.replace(/\/v1$/, '/_simulator')}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('InvitesSimulator users', () => {
  it('starts (and resets) with the seeded owner', async () => {
    simulator.seedUser({ email: 'temp@example.com' });
    simulator.reset();

    const list = await call('GET', '/organization/users');

    expect(listShape.parse(list.body).data.map((user) => [user.email, user.role])).toEqual([
      ['owner@example.com', 'owner'],
    ]);
  });

  it('makes a member with the invite’s email and role when an invite is accepted', async () => {
    const created = await call('POST', '/organization/invites', { email: 'ada@example.com', role: 'reader' });
    await control(`/invites/${created.body.id}/accept`, 'POST');

    const list = await call('GET', '/organization/users?emails=ada@example.com');

    expect(listShape.parse(list.body).data).toEqual([
      expect.objectContaining({ email: 'ada@example.com', role: 'reader', name: 'ada' }),
    ]);
  });

  it('filters by repeated emails, pages with limit and after, retrieves and deletes', async () => {
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) simulator.seedUser({ email });

    const filtered = await call('GET', '/organization/users?emails=a@example.com&emails=c@example.com');
    const first = await call('GET', '/organization/users?limit=2');
    const second = await call('GET', `/organization/users?limit=2&after=${first.body.last_id}`);
    const id = filtered.body.data[0].id as string;
    const retrieved = await call('GET', `/organization/users/${id}`);
    const deleted = await call('DELETE', `/organization/users/${id}`);
    const gone = await call('GET', `/organization/users/${id}`);

    expect(filtered.body.data.map((user: Json) => user.email)).toEqual(['a@example.com', 'c@example.com']);
    expect(first.body.has_more).toBe(true);
    expect(second.body.data.map((user: Json) => user.email)).toEqual(['b@example.com', 'c@example.com']);
    expect(second.body.has_more).toBe(false);
    expect(userShape.parse(retrieved.body).email).toBe('a@example.com');
    expect(deleted.body).toEqual({ object: 'organization.user.deleted', id, deleted: true });
    expect(gone.status).toBe(404);
  });

  it('lets a removed member be invited again, but not a member', async () => {
    const ada = simulator.seedUser({ email: 'ada@example.com' });

    const whileMember = await call('POST', '/organization/invites', {
      email: 'ada@example.com',
      role: 'reader',
    });
    await call('DELETE', `/organization/users/${ada.id}`);
    const afterRemoval = await call('POST', '/organization/invites', {
      email: 'ada@example.com',
      role: 'reader',
    });

    expect(whileMember.status).toBe(409);
    expect(afterRemoval.status).toBe(200);
  });

  it('removes an owner while another remains, never the last one', async () => {
    const second = simulator.seedUser({ email: 'second@example.com', role: 'owner' });
    const first = simulator.users[0]!;

    const removed = await call('DELETE', `/organization/users/${second.id}`);
    const refused = await call('DELETE', `/organization/users/${first.id}`);

    expect(removed.status).toBe(200);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('last owner');
    expect(simulator.users.map((user) => user.email)).toEqual(['owner@example.com']);
  });

  it('seeds users through the control API and shows them in the state', async () => {
    const seeded = await control('/users', 'POST', { email: 'boss@example.com', role: 'owner' });
    const duplicate = await control('/users', 'POST', { email: 'boss@example.com' });
    const invalid = await control('/users', 'POST', { email: 'boss@example.com', role: 'admin' });
    const state = (await (await control('/state')).json()) as Json;

    expect(seeded.status).toBe(200);
    expect(duplicate.status).toBe(409);
    expect(invalid.status).toBe(400);
    expect(state.users.map((user: Json) => [user.email, user.role])).toEqual([
      ['owner@example.com', 'owner'],
      ['boss@example.com', 'owner'],
    ]);
  });
});
