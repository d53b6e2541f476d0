/**
 * The invite API declares the caller's intent (issue 23): a create declares `present` and records
 * the invite the product made; a DELETE of a pending invite declares `absent` and records the
 * revocation. API Gateway events in, the simulator over real HTTP as OpenAI, the Admin key from
 * moto, a MemoryPersonStore installed as the container's person store.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setInvitesClient } from '../../lib/openai/runtime';
import { MemoryPersonStore } from '../../lib/people/memory-store';
import { setPersonStore } from '../../lib/people/runtime';
import type { PersonStore } from '../../lib/people/store';
import { InvitesSimulator } from '../../local/openai-simulator';
import { capturedLogLines } from '../support/captured-output';
import { invoke, jsonHeaders } from '../support/invoke';
import { TEST_ADMIN_KEY } from '../support/keys';
import { createSecret } from '../support/secrets';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
let store: MemoryPersonStore;

const createInvite = (body: unknown) =>
  invoke({ method: 'POST', path: '/organization/invites', headers: jsonHeaders, body: JSON.stringify(body) });
const deleteInvite = (inviteId: string) =>
  invoke({ method: 'DELETE', path: `/organization/invites/${inviteId}` });
const kinds = async (email: string) => (await store.history(email)).events.map((event) => event.kind);

beforeAll(async () => {
  await simulator.start();
  process.env.INVITES_UPSTREAM_URL = simulator.url;
  process.env.OPENAI_ADMIN_KEY_SECRET_ID = await createSecret(TEST_ADMIN_KEY);
  setInvitesClient(undefined);
});

afterAll(async () => {
  await simulator.stop();
  setInvitesClient(undefined);
  setPersonStore(undefined);
});

beforeEach(() => {
  simulator.reset();
  store = new MemoryPersonStore();
  setPersonStore(store);
});

describe('POST /organization/invites', () => {
  it('declares the person present with the request id and time, then records the invite the product made', async () => {
    const before = new Date().toISOString();

    const answer = await createInvite({
      email: 'Ada@Example.com',
      role: 'reader',
      projects: [{ id: 'proj_1', role: 'member' }],
    });

    expect(answer.statusCode).toBe(200);
    const person = await store.get('ada@example.com');
    expect(person?.intent).toEqual({
      state: 'present',
      role: 'reader',
      projects: [{ id: 'proj_1', role: 'member' }],
    });
    expect(person?.declaredBy).toMatchObject({ source: 'api', eventId: answer.headers['x-request-id'] });
    expect(person!.declaredBy!.at >= before.slice(0, 19)).toBe(true);
    expect(person?.productInviteIds).toEqual([answer.body.id]);
    expect(person?.observed?.invite).toMatchObject({ id: answer.body.id, status: 'pending', role: 'reader' });
    expect(await kinds('ada@example.com')).toEqual(['invited', 'declared']);
    expect((await store.history('ada@example.com')).events[0]).toMatchObject({
      actor: 'api',
      inviteId: answer.body.id,
      detail: expect.stringContaining('proj_1'),
    });
  });

  it('records a duplicate answered from the pending invite as observed only, not as an invite the product made', async () => {
    const pending = simulator.seed('grace@example.com', 'reader');

    const answer = await createInvite({ email: 'grace@example.com', role: 'reader' });

    expect(answer.headers['x-invite-created']).toBe('false');
    const person = await store.get('grace@example.com');
    expect(person?.productInviteIds).toEqual([]);
    expect(person?.observed?.invite?.id).toBe(pending.id);
    expect(await kinds('grace@example.com')).toEqual(['declared']);
  });

  it('answers the invite although every write to the person store fails, and logs it', async () => {
    const failing = (): Promise<never> => Promise.reject(new Error('people table unreachable'));
    const broken: PersonStore = {
      description: 'broken',
      get: failing,
      declare: failing,
      update: failing,
      claimCreate: failing,
      append: failing,
      history: failing,
      listAwaiting: failing,
    };
    setPersonStore(broken);

    const answer = await createInvite({ email: 'lin@example.com', role: 'reader' });

    expect(answer.statusCode).toBe(200);
    expect(simulator.invites.map((invite) => invite.email)).toEqual(['lin@example.com']);
    const failures = capturedLogLines().filter(
      (line) =>
        line.message === 'ledger write failed' && (line.ledger as { store?: string })?.store === 'people',
    );
    expect(failures.map((line) => (line.ledger as { action: string }).action)).toEqual([
      'person.declare',
      'person.invited',
    ]);
  });
});

describe('DELETE /organization/invites/{invite_id}', () => {
  it('declares a pending invitee absent (with authority: an operator) and records the revocation', async () => {
    const created = await createInvite({ email: 'kay@example.com', role: 'reader' });

    const answer = await deleteInvite(created.body.id);

    expect(answer.statusCode).toBe(200);
    const person = await store.get('kay@example.com');
    expect(person?.intent).toEqual({ state: 'absent' });
    expect(person?.declaredBy).toMatchObject({
      source: 'api',
      eventId: answer.headers['x-request-id'],
      removalAuthority: true,
    });
    expect(await kinds('kay@example.com')).toEqual(['revoked', 'declared', 'invited', 'declared']);
    expect((await store.history('kay@example.com')).events[0]).toMatchObject({
      actor: 'api',
      inviteId: created.body.id,
    });
  });

  it('declares nothing for an expired invite it deletes, and records the revocation', async () => {
    const invite = simulator.seed('old@example.com');
    simulator.expire(invite.id);

    const answer = await deleteInvite(invite.id);

    expect(answer.statusCode).toBe(200);
    expect((await store.get('old@example.com'))?.intent).toBeUndefined();
    expect(await kinds('old@example.com')).toEqual(['revoked']);
  });
});
