/**
 * The official `openai` SDK (7.x) as a drop-in client: pointed at the local gateway's `/v1`, it
 * creates, retrieves, lists (for await over several pages), deletes, and gets the right error
 * classes, with the same functions the stack deploys behind it. 6.x, which users pin, is kept
 * to one round trip (installed as `openai-v6`).
 */
import { execFile } from 'node:child_process';
import OpenAI from 'openai';
import OpenAIv6 from 'openai-v6';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClientConfig } from '../../lib/openai/config';
import { createInvitesClient, setInvitesClient } from '../../lib/openai/runtime';
import { LocalGateway } from '../../local/gateway';
import { InvitesSimulator } from '../../local/openai-simulator';
import { TEST_ADMIN_KEY } from '../support/keys';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
const gateway = new LocalGateway();
let openai: OpenAI;
let gatewayUrl: string;

beforeAll(async () => {
  const upstream = await simulator.start();
  setInvitesClient(
    createInvitesClient({ ...readClientConfig({}), baseUrl: upstream, adminKey: TEST_ADMIN_KEY }),
  );
  // The caller's key is whatever the gateway's authoriser accepts; it is never OpenAI's key.
  gatewayUrl = await gateway.start();
  openai = new OpenAI({
    adminAPIKey: 'sk-admin-test-caller-token',
    baseURL: gatewayUrl,
    maxRetries: 0,
  });
});

afterAll(async () => {
  await gateway.stop();
  await simulator.stop();
  setInvitesClient(undefined);
});

describe('the openai SDK against the local gateway', () => {
  it("runs the README's example file, examples/sdk.mjs, as printed (ES module, top-level await)", async () => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        'node',
        ['examples/sdk.mjs'],
        { timeout: 30_000, env: { ...process.env, INVITES_API_URL: gatewayUrl } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      ),
    );

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^created invite-\S+ grace@example\.com pending\n/);
    expect(result.stdout).toContain('listed grace@example.com pending\n');
    expect(result.stdout).toMatch(/deleted invite-\S+ true\n$/);
  });

  it('creates, retrieves and deletes an invite', async () => {
    const invite = await openai.admin.organization.invites.create({
      email: 'ada@example.com',
      role: 'reader',
      projects: [{ id: 'proj_abc', role: 'member' }],
    });
    const retrieved = await openai.admin.organization.invites.retrieve(invite.id);
    const deleted = await openai.admin.organization.invites.delete(invite.id);

    expect(invite).toMatchObject({
      object: 'organization.invite',
      email: 'ada@example.com',
      status: 'pending',
    });
    expect(retrieved).toEqual(invite);
    expect(deleted).toEqual({ object: 'organization.invite.deleted', id: invite.id, deleted: true });
    expect(simulator.invites.find((candidate) => candidate.id === invite.id)).toBeUndefined();
  });

  it('lists 260 invites with for await over three pages', async () => {
    for (let n = 0; n < 260; n += 1) simulator.seed(`user${n}@example.com`);
    const before = simulator.requests.length;

    const ids: string[] = [];
    for await (const invite of openai.admin.organization.invites.list({ limit: 100 })) ids.push(invite.id);

    expect(ids).toHaveLength(260);
    expect(new Set(ids).size).toBe(260);
    expect(simulator.requests.slice(before).map((request) => request.method)).toEqual(['GET', 'GET', 'GET']);
  });

  it('gets NotFoundError for an unknown invite', async () => {
    const error = await openai.admin.organization.invites
      .retrieve('invite-missing')
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).status).toBe(404);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).requestID).toMatch(/.+/);
  });

  it('gets BadRequestError naming the field for an invalid invite', async () => {
    const before = simulator.requests.length;

    const error = await openai.admin.organization.invites
      .create({ email: 'not-an-email', role: 'reader' })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'email', type: 'invalid_request_error' });
    expect(simulator.requests.length).toBe(before);
  });

  it('gets ConflictError for deleting an accepted invite', async () => {
    const invite = simulator.seed('grace@example.com');
    simulator.accept(invite.id);

    const error = await openai.admin.organization.invites
      .delete(invite.id)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.ConflictError);
    expect(error).toMatchObject({ code: 'invite_already_accepted' });
  });
});

describe('openai 6.x (users pin it) against the local gateway', () => {
  it('creates, lists and deletes an invite', async () => {
    const v6 = new OpenAIv6({
      adminAPIKey: 'sk-admin-test-caller-token',
      baseURL: gatewayUrl,
      maxRetries: 0,
    });

    const invite = await v6.admin.organization.invites.create({ email: 'v6@example.com', role: 'owner' });
    const listed: string[] = [];
    for await (const each of v6.admin.organization.invites.list({ limit: 100 })) listed.push(each.id);
    const deleted = await v6.admin.organization.invites.delete(invite.id);
    const missing = await v6.admin.organization.invites
      .retrieve(invite.id)
      .catch((caught: unknown) => caught);

    expect(invite).toMatchObject({
      object: 'organization.invite',
      email: 'v6@example.com',
      status: 'pending',
    });
    expect(listed).toContain(invite.id);
    expect(deleted).toEqual({ object: 'organization.invite.deleted', id: invite.id, deleted: true });
    expect(missing).toBeInstanceOf(OpenAIv6.NotFoundError);
  });
});
