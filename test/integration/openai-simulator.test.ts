/**
 * The simulator must answer in the shapes of OpenAI's spec excerpt: if a field drifts, these fail.
 */

import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { InvitesSimulator } from '../../local/openai-simulator';
import type { Json } from '../support/invoke';
import { TEST_ADMIN_KEY } from '../support/keys';
import { useSimulator } from '../support/simulator';

const projectShape = z.strictObject({ id: z.string(), role: z.enum(['member', 'owner']) });
const inviteShape = z.strictObject({
  object: z.literal('organization.invite'),
  id: z.string().check(z.regex(/^invite-[A-Za-z0-9_-]+$/)),
  email: z.string(),
  role: z.enum(['owner', 'reader']),
  status: z.enum(['accepted', 'expired', 'pending']),
  created_at: z.int(),
  expires_at: z.nullable(z.int()),
  accepted_at: z.nullable(z.int()),
  projects: z.array(projectShape),
});
const listShape = z.strictObject({
  object: z.literal('list'),
  data: z.array(inviteShape),
  first_id: z.nullable(z.string()),
  last_id: z.nullable(z.string()),
  has_more: z.boolean(),
});
const deletedShape = z.strictObject({
  object: z.literal('organization.invite.deleted'),
  id: z.string(),
  deleted: z.literal(true),
});
const errorShape = z.strictObject({
  error: z.strictObject({
    message: z.string(),
    type: z.string(),
    param: z.nullable(z.string()),
    code: z.nullable(z.string()),
  }),
});

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);
const auth = { Authorization: `Bearer ${TEST_ADMIN_KEY}`, 'Content-Type': 'application/json' };
const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) => {
  const response = await fetch(`${simulator.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Json };
};

describe('InvitesSimulator', () => {
  it('creates, retrieves, lists and deletes in the spec shapes', async () => {
    const created = await call('POST', '/organization/invites', {
      email: 'ada@example.com',
      role: 'owner',
      projects: [{ id: 'proj_1', role: 'member' }],
    });
    const retrieved = await call('GET', `/organization/invites/${created.body.id}`);
    const list = await call('GET', '/organization/invites');
    const deleted = await call('DELETE', `/organization/invites/${created.body.id}`);

    expect(created.status).toBe(200);
    expect(inviteShape.parse(created.body)).toMatchObject({ status: 'pending', accepted_at: null });
    expect(created.body.expires_at).toBeGreaterThan(created.body.created_at);
    expect(created.headers.get('x-request-id')).toMatch(/^req_/);
    expect(inviteShape.parse(retrieved.body)).toEqual(created.body);
    expect(listShape.parse(list.body).data).toEqual([created.body]);
    expect(deletedShape.parse(deleted.body).id).toBe(created.body.id);
  });

  it('returns to the options it was created with on reset, so no switch outlives a test', async () => {
    simulator.options.failureRate = 1;
    simulator.options.inviteShape = 'legacy';
    simulator.setRateLimit({ ratePerSecond: 1 });
    simulator.inject({ kind: 'status', status: 503 });

    simulator.reset();
    const answer = await call('POST', '/organization/invites', { email: 'ada@example.com', role: 'reader' });

    expect(answer.status).toBe(200);
    expect(answer.body).toHaveProperty('created_at');
    expect(simulator.options).toEqual(new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] }).options);
  });

  it('pages with limit, after, first_id, last_id and has_more; default limit 20', async () => {
    const ids = Array.from({ length: 45 }, (_, n) => simulator.seed(`u${n}@example.com`).id);

    const first = listShape.parse((await call('GET', '/organization/invites')).body);
    const second = listShape.parse(
      (await call('GET', `/organization/invites?limit=20&after=${first.last_id}`)).body,
    );
    const last = listShape.parse(
      (await call('GET', `/organization/invites?limit=100&after=${second.last_id}`)).body,
    );

    expect(first).toMatchObject({ first_id: ids[0], last_id: ids[19], has_more: true });
    expect(second).toMatchObject({ first_id: ids[20], last_id: ids[39], has_more: true });
    expect(last).toMatchObject({ first_id: ids[40], last_id: ids[44], has_more: false });
    expect(last.data).toHaveLength(5);
  });

  it.each(['0', '101', 'x'])('refuses limit=%s with 400 in the error shape', async (limit) => {
    const answer = await call('GET', `/organization/invites?limit=${limit}`);

    expect(answer.status).toBe(400);
    expect(errorShape.parse(answer.body).error.param).toBe('limit');
  });

  it('answers 401 without a valid Bearer key, and 404 for an unknown invite', async () => {
    const unauthorised = await call('GET', '/organization/invites', undefined, {
      Authorization: 'Bearer sk-wrong-key',
    });
    const missing = await call('GET', '/organization/invites/invite-nope');

    expect(unauthorised.status).toBe(401);
    expect(errorShape.parse(unauthorised.body).error.code).toBe('invalid_api_key');
    expect(missing.status).toBe(404);
    errorShape.parse(missing.body);
  });

  it('answers "already invited" and refuses to delete an accepted invite', async () => {
    const created = await call('POST', '/organization/invites', { email: 'ada@example.com', role: 'reader' });
    const duplicate = await call('POST', '/organization/invites', {
      email: 'ADA@example.com',
      role: 'reader',
    });
    simulator.accept(created.body.id);
    const refused = await call('DELETE', `/organization/invites/${created.body.id}`);

    expect(duplicate.status).toBe(409);
    expect(errorShape.parse(duplicate.body).error.code).toBe('invite_already_exists');
    expect(refused.status).toBe(400);
    expect(errorShape.parse(refused.body).error.message).toMatch(/accepted/);
    expect(simulator.invites[0]).toMatchObject({ status: 'accepted', accepted_at: expect.any(Number) });
  });

  it('limits the rate with a token bucket and says when to come back', async () => {
    simulator.setRateLimit({ ratePerSecond: 2, burst: 2 });

    const statuses = [];
    let retryAfter: string | null = null;
    for (let n = 0; n < 4; n += 1) {
      const answer = await call('GET', '/organization/invites');
      statuses.push(answer.status);
      if (answer.status === 429) retryAfter = answer.headers.get('retry-after');
    }

    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('limits each endpoint on its own with perEndpoint (ids as one template)', async () => {
    simulator.setRateLimit({ ratePerSecond: 1, burst: 1, perEndpoint: true });
    const { id } = simulator.seed('ada@example.com');

    const first = await call('GET', '/organization/invites');
    const listedAgain = await call('GET', '/organization/invites');
    const retrieved = await call('GET', `/organization/invites/${id}`);
    const otherId = await call('GET', '/organization/invites/invite-unknown');
    const created = await call('POST', '/organization/invites', { email: 'lin@example.com', role: 'reader' });

    expect([first.status, listedAgain.status]).toEqual([200, 429]);
    expect([retrieved.status, otherId.status]).toEqual([200, 429]);
    expect(created.status).toBe(200);
  });

  it('injects 5xx at the configured rate', async () => {
    simulator.options.failureRate = 1;

    const answer = await call('GET', '/organization/invites');

    expect([500, 502, 503]).toContain(answer.status);
    expect(errorShape.parse(answer.body).error.type).toBe('server_error');
  });

  it('has a control API outside /v1 for state, faults, options and accepting', async () => {
    const control = simulator.url.replace(/\/v1$/, '/_simulator');
    const invite = simulator.seed('ada@example.com');

    await fetch(`${control}/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'status', status: 503 }),
    });
    const faulted = await call('GET', '/organization/invites');
    await fetch(`${control}/invites/${invite.id}/accept`, { method: 'POST' });
    await fetch(`${control}/options`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ latencyMs: 1 }),
    });
    const state = (await (await fetch(`${control}/state`)).json()) as Json;

    expect(faulted.status).toBe(503);
    expect(state.invites[0].status).toBe('accepted');
    expect(state.options.latencyMs).toBe(1);
    expect(state.requests.map((request: { status: number }) => request.status)).toEqual([503]);
  });
});
