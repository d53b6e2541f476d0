/**
 * Every generation of client against the product, whatever shape OpenAI answers in: the local
 * gateway over real HTTP, the simulator as OpenAI answering today's shape (`created_at`) or the
 * older one (`invited_at` only), and as clients the official SDK (6.x) and a strict schema of the
 * seeds' generated models (../shared/reference/seed-clients: their required fields and types).
 */
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { readClientConfig } from '../../lib/openai/config';
import { createInvitesClient, setInvitesClient } from '../../lib/openai/runtime';
import { LocalGateway } from '../../local/gateway';
import { CONTROL_PREFIX, InvitesSimulator, type InviteShape } from '../../local/openai-simulator';
import type { Json } from '../support/invoke';
import { TEST_ADMIN_KEY } from '../support/keys';

// The seeds' models, written from their tables: what a strict generated client refuses to miss.
// Rust `i32` is an integer within ±2^31; `Option<…>` may be absent or null; unknown fields ignored.
const i32 = z.int32();
const seedProject = z.looseObject({
  id: z.optional(z.nullable(z.string())),
  role: z.optional(z.nullable(z.string())),
});
const seedInvite = z.looseObject({
  object: z.string(),
  id: z.string(),
  email: z.string(),
  role: z.string(),
  status: z.string(),
  invited_at: i32,
  expires_at: i32,
  accepted_at: z.optional(z.nullable(i32)),
  projects: z.optional(z.nullable(z.array(seedProject))),
});
const seedInviteList = z.looseObject({
  object: z.string(),
  data: z.array(seedInvite),
  first_id: z.optional(z.nullable(z.string())),
  last_id: z.optional(z.nullable(z.string())),
  has_more: z.optional(z.nullable(z.boolean())),
});
const seedInviteDeleted = z.looseObject({ object: z.string(), id: z.string(), deleted: z.boolean() });

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
const gateway = new LocalGateway();
let gatewayUrl: string;
let openai: OpenAI;

/** A plain HTTP call to the gateway, as a generated client makes it. */
const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${gatewayUrl}${path}`, {
    method,
    headers: {
      Authorization: 'Bearer sk-admin-test-caller-token',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Json };
};

const control = async (action: string) => {
  const response = await fetch(`${new URL(simulator.url).origin}${CONTROL_PREFIX}${action}`, {
    method: 'POST',
  });
  expect(response.status).toBe(200);
};

beforeAll(async () => {
  const upstream = await simulator.start();
  setInvitesClient(
    createInvitesClient({ ...readClientConfig({}), baseUrl: upstream, adminKey: TEST_ADMIN_KEY }),
  );
  gatewayUrl = await gateway.start();
  openai = new OpenAI({ adminAPIKey: 'sk-admin-test-caller-token', baseURL: gatewayUrl, maxRetries: 0 });
});

afterAll(async () => {
  await gateway.stop();
  await simulator.stop();
  setInvitesClient(undefined);
});

describe.each<InviteShape>(['current', 'legacy'])('OpenAI answering in the %s shape', (shape) => {
  beforeEach(() => {
    simulator.reset();
    simulator.options.inviteShape = shape;
    simulator.options.expiredInvites = undefined;
  });

  it('sends that shape upstream', async () => {
    const invite = simulator.seed('probe@example.com');
    const answer = await fetch(`${simulator.url}/organization/invites/${invite.id}`, {
      headers: { Authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });
    const body = (await answer.json()) as Json;

    expect(Object.keys(body)).toContain(shape === 'current' ? 'created_at' : 'invited_at');
    expect(Object.keys(body)).not.toContain(shape === 'current' ? 'invited_at' : 'created_at');
  });

  it('answers the SDK with both timestamps on create, retrieve, for-await list and delete', async () => {
    const created = await openai.admin.organization.invites.create({
      email: 'ada@example.com',
      role: 'reader',
    });
    const retrieved = await openai.admin.organization.invites.retrieve(created.id);
    for (let n = 0; n < 120; n += 1) simulator.seed(`user${n}@example.com`);
    const listed = [];
    for await (const invite of openai.admin.organization.invites.list({ limit: 50 })) listed.push(invite);
    const deleted = await openai.admin.organization.invites.delete(created.id);

    expect(listed).toHaveLength(121);
    for (const invite of [created, retrieved, ...listed] as unknown as Json[]) {
      expect(invite.created_at).toEqual(expect.any(Number));
      expect(invite.invited_at).toBe(invite.created_at);
      expect(invite.expires_at).toBeGreaterThan(invite.created_at);
      expect(invite.accepted_at).toBeNull();
      expect(Array.isArray(invite.projects)).toBe(true);
    }
    expect(retrieved).toEqual(created);
    expect(deleted).toEqual({ object: 'organization.invite.deleted', id: created.id, deleted: true });
  });

  it("parses every answer with the seeds' strict models", async () => {
    const created = await call('POST', '/organization/invites', {
      email: 'ada@example.com',
      role: 'owner',
      projects: [{ id: 'proj_1', role: 'member' }],
    });
    const retrieved = await call('GET', `/organization/invites/${created.body.id}`);
    const accepted = simulator.seed('grace@example.com');
    simulator.accept(accepted.id);
    const listed = await call('GET', '/organization/invites?limit=10');
    const deleted = await call('DELETE', `/organization/invites/${created.body.id}`);

    expect([created.status, retrieved.status, listed.status, deleted.status]).toEqual([200, 200, 200, 200]);
    expect(seedInvite.safeParse(created.body).error).toBeUndefined();
    expect(seedInvite.safeParse(retrieved.body).error).toBeUndefined();
    expect(seedInviteList.safeParse(listed.body).error).toBeUndefined();
    expect(seedInviteDeleted.safeParse(deleted.body).error).toBeUndefined();
    expect(listed.body.data.find((invite: Json) => invite.id === accepted.id)).toMatchObject({
      status: 'accepted',
      accepted_at: expect.any(Number),
    });
  });

  it('invites an email again whose invite expired (control action "expire now")', async () => {
    simulator.options.expiredInvites = 'stay-pending';
    const first = await call('POST', '/organization/invites', { email: 'ada@example.com', role: 'reader' });
    await control(`/invites/${first.body.id}/expire`);

    const second = await call('POST', '/organization/invites', { email: 'ada@example.com', role: 'reader' });

    expect(second.status).toBe(200);
    expect(second.headers.get('x-invite-created')).toBe('true');
    expect(second.body.id).not.toBe(first.body.id);
    expect(simulator.invites.map((invite) => invite.id)).toEqual([second.body.id]);
  });

  it('answers 409 invite_pending_with_different_terms to the SDK, and replaces on the header', async () => {
    const pending = await openai.admin.organization.invites.create({
      email: 'ada@example.com',
      role: 'reader',
    });
    const same = await call('POST', '/organization/invites', { email: 'ada@example.com', role: 'reader' });

    const conflict = await openai.admin.organization.invites
      .create({ email: 'ada@example.com', role: 'owner' })
      .catch((caught: unknown) => caught);
    const replaced = await call(
      'POST',
      '/organization/invites',
      { email: 'ada@example.com', role: 'owner' },
      { 'x-invite-replace-pending': 'true' },
    );

    expect(same).toMatchObject({ status: 200, body: { id: pending.id } });
    expect(same.headers.get('x-invite-created')).toBe('false');
    expect(conflict).toBeInstanceOf(OpenAI.ConflictError);
    expect(conflict).toMatchObject({
      status: 409,
      code: 'invite_pending_with_different_terms',
      param: 'email',
    });
    expect((conflict as Error).message).toContain(`${pending.id} with role reader`);
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get('x-invite-created')).toBe('true');
    expect(replaced.body).toMatchObject({ role: 'owner', invited_at: replaced.body.created_at });
    expect(simulator.invites.map((invite) => invite.id)).toEqual([replaced.body.id]);
  });
});

it('refuses a replace header that is neither true nor false', async () => {
  const answer = await call(
    'POST',
    '/organization/invites',
    { email: 'ada@example.com', role: 'reader' },
    { 'x-invite-replace-pending': 'yes' },
  );

  expect(answer.status).toBe(400);
  expect(answer.body).toEqual({
    error: {
      message: expect.stringContaining('x-invite-replace-pending'),
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_header',
    },
  });
});

describe("the simulator's shape switch", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('starts in the legacy shape with SIMULATOR_INVITE_SHAPE=legacy, and PATCH /options switches it back', async () => {
    vi.stubEnv('SIMULATOR_INVITE_SHAPE', 'legacy');
    const legacy = new InvitesSimulator();
    const url = await legacy.start();
    try {
      const read = async () => {
        const response = await fetch(`${url}/organization/invites`, {
          headers: { Authorization: 'Bearer sk-x' },
        });
        return ((await response.json()) as Json).data[0];
      };
      legacy.seed('ada@example.com');
      const before = await read();
      const patched = await fetch(`${new URL(url).origin}${CONTROL_PREFIX}/options`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inviteShape: 'current' }),
      });
      const after = await read();

      expect(before).toMatchObject({ invited_at: expect.any(Number) });
      expect(before).not.toHaveProperty('created_at');
      expect(before).not.toHaveProperty('accepted_at');
      expect(patched.status).toBe(200);
      expect(after).toMatchObject({ created_at: before.invited_at, accepted_at: null });
      expect(after).not.toHaveProperty('invited_at');
    } finally {
      await legacy.stop();
    }
  });
});
