/**
 * Duplicates resolved through the ledger (moto DynamoDB) against the simulator over HTTP: in an
 * organization of 3,000 invites, a duplicate create of an email the ledger knows costs GET + POST
 * (the known invite is read first: an expired one is deleted before the create); one it does not
 * know falls back to listing, is recorded, and costs GET + POST the next time.
 * Also what API create and delete leave in the ledger, and the worker's duplicates.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BulkInviteWorker } from '../../lib/bulk/worker';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import { LedgerInviteLookup } from '../../lib/ledger/invite-lookup';
import type { Ledger } from '../../lib/ledger/ledger';
import { MemoryLedger } from '../../lib/ledger/memory-ledger';
import { setLedger } from '../../lib/ledger/runtime';
import { OpenAIInvitesClient } from '../../lib/openai/client';
import { InvitePendingWithDifferentTermsError, UserAlreadyExistsError } from '../../lib/openai/errors';
import { setInvitesClient } from '../../lib/openai/runtime';
import { StaticAdminKey } from '../../lib/secrets/admin-key';
import { InvitesSimulator } from '../../local/openai-simulator';
import { createLedgerTable, ledgerClient } from '../support/dynamodb';
import { invoke, jsonHeaders, lambdaContext } from '../support/invoke';
import { TEST_ADMIN_KEY } from '../support/keys';
import { createQueuePair } from '../support/queues';
import { useSimulator } from '../support/simulator';
import { sqsEvent, sqsRecord } from '../support/sqs-records';

const ORGANIZATION_SIZE = 3_000;
const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);
let client: OpenAIInvitesClient;
let table: string;
let ledger: Ledger;

beforeAll(async () => {
  table = await createLedgerTable();
  client = new OpenAIInvitesClient({ baseUrl: simulator.url, adminKey: new StaticAdminKey(TEST_ADMIN_KEY) });
  setInvitesClient(client);
});
afterAll(() => {
  setInvitesClient(undefined);
  setLedger(undefined);
});
beforeEach(() => {
  ledger = new DynamoDbLedger(table, ledgerClient);
  setLedger(ledger);
  for (let n = 0; n < ORGANIZATION_SIZE; n += 1) simulator.seed(`member${n}@example.com`);
});

let emails = 0;
const newEmail = () => `person${Date.now()}-${(emails += 1)}@example.com`;

const createInvite = (body: unknown) =>
  invoke({ method: 'POST', path: '/organization/invites', headers: jsonHeaders, body: JSON.stringify(body) });

/** Upstream calls made by `action`, as the simulator received them. */
const upstreamCalls = async (action: () => Promise<unknown>) => {
  const before = simulator.requests.length;
  await action();
  return simulator.requests.slice(before).map((request) => `${request.method} ${request.path.split('?')[0]}`);
};

const PAGES = Math.ceil(ORGANIZATION_SIZE / 100);

describe('API create and delete', () => {
  it('record created, then already_invited with the invite, then revoked', async () => {
    const email = newEmail();
    const projects = [{ id: 'proj_a', role: 'member' }];

    const created = await createInvite({ email, role: 'reader', projects });
    expect(created.statusCode).toBe(200);
    expect(await ledger.getInvite(email)).toMatchObject({
      email,
      inviteId: created.body.id,
      status: 'pending',
      role: 'reader',
      projects,
      source: 'api',
      lastOutcome: 'created',
    });

    const calls = await upstreamCalls(async () => {
      const again = await createInvite({ email: email.toUpperCase(), role: 'reader', projects });
      expect(again).toMatchObject({ statusCode: 200, headers: { 'x-invite-created': 'false' } });
      expect(again.body.id).toBe(created.body.id);
    });
    // The known invite is read first (an expired one would be deleted before the create).
    expect(calls).toEqual([`GET /organization/invites/${created.body.id}`, 'POST /organization/invites']);
    expect(await ledger.getInvite(email)).toMatchObject({
      inviteId: created.body.id,
      lastOutcome: 'already_invited',
    });

    const deleted = await invoke({ method: 'DELETE', path: `/organization/invites/${created.body.id}` });
    expect(deleted.statusCode).toBe(200);
    expect(await ledger.getInvite(email)).toMatchObject({
      inviteId: created.body.id,
      status: 'revoked',
      lastOutcome: 'revoked',
      source: 'api',
    });
  });

  it(`settles a ledger-known duplicate among ${ORGANIZATION_SIZE} invites in 2 calls, an unknown one by listing once`, async () => {
    const email = 'member2999@example.com'; // the last one listed: the longest listing
    const unknown = await upstreamCalls(async () => {
      const answer = await createInvite({ email, role: 'reader', projects: [] });
      expect(answer).toMatchObject({ statusCode: 200, headers: { 'x-invite-created': 'false' } });
    });
    expect(unknown).toHaveLength(1 + PAGES);
    const invite = simulator.invites.at(-1)!;
    expect(await ledger.getInvite(email)).toMatchObject({ inviteId: invite.id, status: 'pending' });

    const known = await upstreamCalls(async () => {
      const answer = await createInvite({ email, role: 'reader', projects: [] });
      expect(answer.body.id).toBe(invite.id);
    });
    expect(known).toEqual([`GET /organization/invites/${invite.id}`, 'POST /organization/invites']);
  });

  it('answers a member (accepted invite) with 409 in 2 calls once the ledger knows the invite', async () => {
    const email = 'member10@example.com';
    simulator.accept(simulator.invites[10]!.id);
    await createInvite({ email, role: 'reader', projects: [] }); // listed once, recorded

    const calls = await upstreamCalls(async () => {
      const answer = await createInvite({ email, role: 'reader', projects: [] });
      expect(answer.statusCode).toBe(409);
    });
    expect(calls).toHaveLength(2);
  });

  it('still creates, and answers, when the ledger is down', async () => {
    setLedger(new DynamoDbLedger('no-such-ledger-table', ledgerClient));
    const email = newEmail();

    expect((await createInvite({ email, role: 'reader' })).statusCode).toBe(200);
    const again = await createInvite({ email, role: 'reader' });
    expect(again).toMatchObject({ statusCode: 200, headers: { 'x-invite-created': 'false' } });
  });
});

describe('stale ledger records fall back to listing', () => {
  const lookup = () => new LedgerInviteLookup(ledger, 'api');
  const pointAt = (email: string, inviteId: string) =>
    ledger.recordInvite({ email, outcome: 'created', source: 'api', inviteId, status: 'pending' });

  it.each([
    ['an invite that is gone', () => 'invite-gone'],
    ['another email’s invite', () => simulator.invites[0]!.id],
  ])('when the record names %s, and then records the right one', async (_case, staleId) => {
    const email = 'member1500@example.com';
    await pointAt(email, staleId());

    const calls = await upstreamCalls(() =>
      client.createInvite({ email, role: 'reader', projects: [] }, { knownInvites: lookup() }),
    );
    expect(calls).toHaveLength(2 + PAGES); // the stale GET, POST, the listing
    expect((await ledger.getInvite(email))?.inviteId).toBe(simulator.invites[1500]!.id);
  });

  it('when the known invite expired: the clearing round deletes it and creates anew', async () => {
    const email = 'member20@example.com';
    const old = simulator.invites[20]!;
    simulator.options.expiredInvites = 'block'; // as OpenAI is reported to: an expired invite blocks
    await pointAt(email, old.id);
    simulator.expire(old.id);

    const result = await client.createInvite(
      { email, role: 'reader', projects: [] },
      { knownInvites: lookup() },
    );
    expect(result).toMatchObject({ created: true, replaced: [old.id] });
  });

  it('keeps the terms rule: a pending invite of other terms is a 409 in 2 calls, replaced when asked', async () => {
    const email = 'member30@example.com';
    const pending = simulator.invites[30]!;
    await pointAt(email, pending.id);
    const request = { email, role: 'owner' as const, projects: [] };

    const refused = await upstreamCalls(() =>
      client.createInvite(request, { knownInvites: lookup() }).catch((error: unknown) => error),
    );
    expect(refused).toHaveLength(2);
    await expect(client.createInvite(request, { knownInvites: lookup() })).rejects.toBeInstanceOf(
      InvitePendingWithDifferentTermsError,
    );
    const replaced = await client.createInvite(request, { knownInvites: lookup(), replacePending: true });
    expect(replaced).toMatchObject({ created: true, replaced: [pending.id] });
  });

  it('a lookup that throws costs a listing, never the create', async () => {
    const broken = {
      inviteIdOf: () => Promise.reject(new Error('lookup down')),
      remember: () => Promise.reject(new Error('lookup down')),
    };
    const email = 'member50@example.com';

    const calls = await upstreamCalls(async () => {
      const result = await client.createInvite(
        { email, role: 'reader', projects: [] },
        { knownInvites: broken },
      );
      expect(result).toMatchObject({ created: false, invite: { id: simulator.invites[50]!.id } });
    });
    expect(calls).toHaveLength(1 + PAGES);
  });

  it('a member the ledger does not know is still UserAlreadyExistsError', async () => {
    simulator.accept(simulator.invites[40]!.id);
    await expect(
      client.createInvite({ email: 'member40@example.com', role: 'reader' }, { knownInvites: lookup() }),
    ).rejects.toBeInstanceOf(UserAlreadyExistsError);
  });
});

describe('an expired invite in the way of a create is deleted first (issue 23)', () => {
  const invitesOf = (email: string) => simulator.invites.filter((invite) => invite.email === email);

  it('API: the ledger-known invite, expired, is deleted before the new one, where OpenAI would keep both', async () => {
    const email = newEmail();
    const first = await createInvite({ email, role: 'reader' });
    simulator.expire(first.body.id); // the default: expired, and no longer blocking a new invite

    const calls = await upstreamCalls(async () => {
      const again = await createInvite({ email, role: 'reader' });
      expect(again).toMatchObject({ statusCode: 200, headers: { 'x-invite-created': 'true' } });
    });

    expect(calls).toEqual([
      `GET /organization/invites/${first.body.id}`,
      `DELETE /organization/invites/${first.body.id}`,
      'POST /organization/invites',
    ]);
    expect(invitesOf(email).map((invite) => invite.status)).toEqual(['pending']);
    expect(invitesOf(email)[0]!.id).not.toBe(first.body.id);
  });

  it('API: one that still reads pending past its expires_at is deleted first too, without a listing', async () => {
    simulator.options.expiredInvites = 'stay-pending';
    const email = newEmail();
    const first = await createInvite({ email, role: 'reader' });
    simulator.expire(first.body.id);

    const calls = await upstreamCalls(() => createInvite({ email, role: 'reader' }));

    expect(calls).toHaveLength(3); // GET, DELETE, POST: no listing of 3,000 invites
    expect(invitesOf(email)).toHaveLength(1);
    expect(invitesOf(email)[0]!.id).not.toBe(first.body.id);
  });

  it('listing: an expired invite the ledger does not know, and which blocks the create, is deleted', async () => {
    simulator.options.expiredInvites = 'block';
    const email = 'member700@example.com';
    const old = simulator.invites[700]!;
    simulator.expire(old.id);

    const answer = await createInvite({ email, role: 'reader' });

    expect(answer).toMatchObject({ statusCode: 200, headers: { 'x-invite-created': 'true' } });
    expect(invitesOf(email).map((invite) => invite.id)).toEqual([answer.body.id]);
  });

  it('worker: a bulk item for an email whose known invite expired deletes it, then invites', async () => {
    const { queue, deadLetterQueue } = await createQueuePair();
    const workerLedger = new MemoryLedger();
    const worker = new BulkInviteWorker({ client, queue, deadLetterQueue, ledger: workerLedger });
    const email = 'member900@example.com';
    const old = simulator.invites[900]!;
    await workerLedger.recordInvite({
      email,
      outcome: 'created',
      source: 'cli',
      inviteId: old.id,
      status: 'pending',
    });
    simulator.expire(old.id);

    await worker.handle(
      sqsEvent(
        sqsRecord({ email, role: 'reader' }, { attributes: { job_id: 'wave-x', source: 'cli', index: '0' } }),
      ),
      lambdaContext(),
    );

    expect(invitesOf(email)).toEqual([expect.objectContaining({ status: 'pending' })]);
    expect(invitesOf(email)[0]!.id).not.toBe(old.id);
    expect((await workerLedger.getJob('wave-x'))?.job.counts.created).toBe(1);
  });
});

describe('the worker', () => {
  it('settles a ledger-known duplicate in 2 calls and counts it already invited', async () => {
    const { queue, deadLetterQueue } = await createQueuePair();
    const workerLedger = new MemoryLedger();
    const worker = new BulkInviteWorker({ client, queue, deadLetterQueue, ledger: workerLedger });
    const email = 'member2000@example.com';
    const message = (index: number) =>
      sqsEvent(
        sqsRecord(
          { email, role: 'reader', projects: [] },
          { attributes: { job_id: 'wave-9', source: 'cli', index: String(index) } },
        ),
      );

    const first = await upstreamCalls(() => worker.handle(message(0), lambdaContext()));
    expect(first).toHaveLength(1 + PAGES);
    const second = await upstreamCalls(() => worker.handle(message(1), lambdaContext()));
    expect(second).toEqual([
      `GET /organization/invites/${simulator.invites[2000]!.id}`,
      'POST /organization/invites',
    ]);
    expect((await workerLedger.getJob('wave-9'))?.job.counts.already_invited).toBe(2);
  });

  it(`revokes a ledger-known pending invite among ${ORGANIZATION_SIZE} invites in 2 calls; an unknown one by listing`, async () => {
    const { queue, deadLetterQueue } = await createQueuePair();
    const workerLedger = new MemoryLedger();
    const worker = new BulkInviteWorker({ client, queue, deadLetterQueue, ledger: workerLedger });
    const revoke = (email: string) =>
      sqsEvent(sqsRecord({ email }, { attributes: { action: 'revoke', source: 'okta' } }));
    const known = simulator.invites[1500]!;
    await workerLedger.recordInvite({
      email: known.email,
      outcome: 'created',
      source: 'cli',
      inviteId: known.id,
    });

    const knownCalls = await upstreamCalls(() => worker.handle(revoke(known.email), lambdaContext()));
    expect(knownCalls).toEqual([
      `GET /organization/invites/${known.id}`,
      `DELETE /organization/invites/${known.id}`,
    ]);
    expect(simulator.invites.some((invite) => invite.id === known.id)).toBe(false);
    expect((await workerLedger.getInvite(known.email))?.status).toBe('revoked');

    // Not in the ledger: the listing finds it (pages up to it, then the delete).
    const unknown = simulator.invites[2500]!;
    const unknownCalls = await upstreamCalls(() => worker.handle(revoke(unknown.email), lambdaContext()));
    expect(unknownCalls.at(-1)).toBe(`DELETE /organization/invites/${unknown.id}`);
    expect(unknownCalls.length).toBeGreaterThan(2);
    expect(simulator.invites.some((invite) => invite.id === unknown.id)).toBe(false);
  });
});
