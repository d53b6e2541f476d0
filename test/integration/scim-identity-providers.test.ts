/**
 * Okta's and Entra ID's real SCIM sequences, over HTTP through the local gateway to the SCIM
 * function, each ending with OpenAI's state (the simulator, over HTTP) matching the person intent
 * SCIM declared once the reconciler has run. SCIM Users and Groups live on moto's DynamoDB (the
 * ledger table's SCIM# items) and on npm start's SQLite store; people with them.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readClientConfig } from '../../lib/openai/config';
import { DynamoDbPersonStore } from '../../lib/people/dynamodb-store';
import { setPersonStore } from '../../lib/people/runtime';
import type { PersonStore } from '../../lib/people/store';
import { ACTING_KINDS } from '../../lib/lifecycle/plan-types';
import { runSweep, setSweepClientConfig } from '../../lib/lifecycle/runtime';
import { readScimConfig } from '../../lib/scim/config';
import { DynamoDbScimStore } from '../../lib/scim/dynamodb-store';
import { setScimRuntime } from '../../lib/scim/runtime';
import type { ScimStore } from '../../lib/scim/store';
import { StaticScimToken } from '../../lib/scim/token';
import { setQueues } from '../../lib/bulk/runtime';
import { BulkInviteWorker } from '../../lib/bulk/worker';
import { createInvitesClient } from '../../lib/openai/runtime';
import { QueueEventSource } from '../../local/event-source';
import { LocalGateway } from '../../local/gateway';
import { LocalQueue } from '../../local/local-queue';
import { InvitesSimulator } from '../../local/openai-simulator';
import { SqlitePersonStore } from '../../local/sqlite-people';
import { SqliteScimStore } from '../../local/sqlite-scim';
import { StateStore } from '../../local/state-store';
import { createLedgerTable, ledgerClient } from '../support/dynamodb';
import { TEST_ADMIN_KEY } from '../support/keys';
import { useSimulator } from '../support/simulator';

const TOKEN = 'scim-test-token-0123456789';
const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);

const gateway = new LocalGateway();
let base: string;
let table: string;
beforeAll(async () => {
  base = await gateway.start();
  table = await createLedgerTable();
});
afterAll(async () => {
  await gateway.stop();
  setScimRuntime({});
  setPersonStore(undefined);
  setSweepClientConfig(undefined);
  setQueues({});
});

const STORES: [string, () => { scim: ScimStore; people: PersonStore }][] = [
  [
    'DynamoDB (moto)',
    () => ({
      scim: new DynamoDbScimStore(table, { client: ledgerClient }),
      people: new DynamoDbPersonStore(table, { client: ledgerClient }),
    }),
  ],
  [
    'SQLite (npm start)',
    () => {
      const state = StateStore.inMemory();
      return { scim: new SqliteScimStore(state), people: new SqlitePersonStore(state) };
    },
  ],
];

const SCIM_JSON = 'application/scim+json';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const scim = async (method: string, path: string, body?: unknown): Promise<Answer> => {
  const response = await fetch(`${base}/scim/v2${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      ...(body !== undefined ? { 'Content-Type': SCIM_JSON } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
};

const patchOp = (...Operations: unknown[]) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations,
});

const queue = new LocalQueue({ name: 'scim-bulk', visibilityTimeoutSeconds: 30 });
const deadLetterQueue = new LocalQueue({ name: 'scim-dlq' });
let currentPeople: PersonStore;

/** The bulk worker, as npm start runs it, until the queue is empty: OpenAI acts on SCIM's intent. */
const drain = async () => {
  const config = { ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY };
  const worker = new BulkInviteWorker({
    client: createInvitesClient(config, { maxRetries: 0 }),
    queue,
    deadLetterQueue,
    people: currentPeople,
    offboardMembers: process.env.OFFBOARD_MEMBERS === 'true',
  });
  const source = new QueueEventSource({
    queue,
    maxConcurrency: 1,
    maxBatchingWindowMs: 0,
    handlerFor: () => (event, context) => worker.handle(event, context),
  });
  source.start();
  const giveUpAt = Date.now() + 10_000;
  while (queue.size > 0 && Date.now() < giveUpAt) await new Promise((resolve) => setTimeout(resolve, 20));
  await source.stop();
  expect(queue.size).toBe(0);
  expect(deadLetterQueue.size).toBe(0);
};

/** The queued messages carried out, then one reconciler run (the sweep). */
const sweep = async () => {
  await drain();
  return runSweep({});
};

const pending = (email: string) =>
  simulator.invites.filter((invite) => invite.email === email && invite.status === 'pending');
const member = (email: string) => simulator.users.find((user) => user.email === email);

let run = 0;

describe.each(STORES)('identity providers with %s', (_name, makeStores) => {
  let people: PersonStore;
  let domain: string;

  beforeEach(() => {
    const stores = makeStores();
    people = stores.people;
    currentPeople = people;
    setQueues({ queue, deadLetterQueue });
    domain = `r${++run}-${Date.now()}.example.com`;
    setPersonStore(people);
    setScimRuntime({
      store: stores.scim,
      tokenSource: new StaticScimToken(TOKEN),
      config: { ...readScimConfig({}), groupMap: { Engineering: 'group_eng', 'entra-ops': 'group_ops' } },
    });
    setSweepClientConfig({ ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY });
    delete process.env.OFFBOARD_MEMBERS;
  });
  afterEach(() => {
    delete process.env.OFFBOARD_MEMBERS;
  });

  it('Okta: create, filter by userName, get, deactivate, reactivate, group push with member add and remove', async () => {
    const email = `ada@${domain}`;
    const created = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: email,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ primary: true, value: email, type: 'work' }],
      displayName: 'Ada Lovelace',
      locale: 'en-US',
      externalId: '00u1okta',
      groups: [],
      password: 'never-kept-1!',
      active: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('password');
    const id = created.body.id as string;

    const found = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}&startIndex=1&count=100`,
    );
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id, userName: email }] });
    const missing = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`,
    );
    expect(missing.body).toMatchObject({ totalResults: 0, Resources: [] });
    expect((await scim('GET', `/Users/${id}`)).body).toMatchObject({
      id,
      active: true,
      name: { givenName: 'Ada' },
    });

    // The answer never waited for OpenAI: the person is declared, the organization unchanged so far.
    expect((await people.get(email))?.intent).toEqual({ state: 'present', role: 'reader' });
    expect(pending(email)).toHaveLength(0);
    await sweep();
    expect(pending(email)).toMatchObject([{ role: 'reader' }]);

    const deactivated = await scim(
      'PATCH',
      `/Users/${id}`,
      patchOp({ op: 'replace', value: { active: false } }),
    );
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);
    expect((await people.get(email))?.intent).toEqual({ state: 'absent' });
    await sweep();
    expect(pending(email)).toHaveLength(0);

    await scim('PATCH', `/Users/${id}`, patchOp({ op: 'replace', value: { active: true } }));
    expect((await people.get(email))?.intent).toEqual({ state: 'present', role: 'reader' });
    await sweep();
    expect(pending(email)).toHaveLength(1);

    // Group push: Okta creates the group, then adds and removes members with PATCH.
    const group = await scim('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Engineering',
      members: [],
    });
    expect(group.status).toBe(201);
    const groupId = group.body.id as string;
    const added = await scim(
      'PATCH',
      `/Groups/${groupId}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: id, display: email }] }),
    );
    expect(added.status).toBe(200);
    expect((await people.get(email))?.intent).toEqual({
      state: 'present',
      role: 'reader',
      groups: ['group_eng'],
    });
    await scim(
      'PATCH',
      `/Groups/${groupId}`,
      patchOp({ op: 'remove', path: 'members', value: [{ value: id }] }),
    );
    expect((await people.get(email))?.intent).toEqual({ state: 'present', role: 'reader' });
    expect((await scim('GET', `/Groups/${groupId}`)).body.members).toEqual([]);

    const history = (await people.history(email)).events.filter((event) => event.kind === 'declared');
    expect(history.map((event) => event.actor)).toEqual(['scim', 'scim', 'scim', 'scim', 'scim']);
    // Converged: a second run plans nothing.
    const again = await sweep();
    expect(again.actions.filter((action) => ACTING_KINDS.includes(action.kind))).toEqual([]);
  });

  it('Entra: create with externalId, string booleans, member remove by filter path, DELETE; offboarding by OFFBOARD_MEMBERS', async () => {
    const email = `grace@${domain}`;
    const created = await scim('POST', '/Users', {
      schemas: [
        'urn:ietf:params:scim:schemas:core:2.0:User',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      ],
      externalId: 'b4e1c0de-entra',
      userName: `Grace.Hopper@${domain}`,
      active: 'True',
      displayName: 'Grace Hopper',
      emails: [{ primary: true, type: 'work', value: email }],
      name: { formatted: 'Grace Hopper', familyName: 'Hopper', givenName: 'Grace' },
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
        department: 'Ops',
        employeeNumber: '42',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.active).toBe(true);
    const id = created.body.id as string;
    // Entra checks for the user by externalId first.
    const byExternal = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('externalId eq "b4e1c0de-entra"')}`,
    );
    expect(byExternal.body).toMatchObject({ totalResults: 1, Resources: [{ id }] });

    const group = await scim('POST', '/Groups', {
      displayName: 'Ops',
      externalId: 'entra-ops',
      members: [{ value: id }],
    });
    expect(group.status).toBe(201);
    expect((await people.get(email))?.intent).toEqual({
      state: 'present',
      role: 'reader',
      groups: ['group_ops'],
    });
    const removed = await scim(
      'PATCH',
      `/Groups/${group.body.id as string}`,
      patchOp({ op: 'Remove', path: `members[value eq "${id}"]` }),
    );
    expect(removed.status).toBe(200);
    expect((await people.get(email))?.intent).toEqual({ state: 'present', role: 'reader' });

    await sweep();
    simulator.accept(pending(email)[0]!.id);

    // Entra's PATCH: capitalised op, a path, a string boolean; and an attribute replaced by value path.
    const disabled = await scim(
      'PATCH',
      `/Users/${id}`,
      patchOp(
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: email },
        {
          op: 'Add',
          path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
          value: 'Left',
        },
      ),
    );
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({
      active: false,
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Left' },
    });
    expect(await people.get(email)).toMatchObject({
      intent: { state: 'absent' },
      declaredBy: { source: 'scim', removalAuthority: true },
    });

    // OFFBOARD_MEMBERS off: the member stays, listed for a person to remove.
    await sweep();
    expect(member(email)).toBeDefined();
    expect((await people.get(email))?.awaiting).toMatchObject({ code: 'revoke_needs_offboarding' });

    // On: the member the product invited is removed.
    process.env.OFFBOARD_MEMBERS = 'true';
    await sweep();
    expect(member(email)).toBeUndefined();

    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await scim('GET', `/Users/${id}`)).status).toBe(404);
    expect((await people.get(email))?.intent).toEqual({ state: 'absent' });
  });

  it('never removes an owner, even deactivated through SCIM with OFFBOARD_MEMBERS=true', async () => {
    const email = `founder@${domain}`;
    simulator.seedUser({ email, role: 'owner' });
    const created = await scim('POST', '/Users', { userName: email, active: true });
    await scim(
      'PATCH',
      `/Users/${created.body.id as string}`,
      patchOp({ op: 'replace', path: 'active', value: false }),
    );
    process.env.OFFBOARD_MEMBERS = 'true';
    await sweep();
    expect(member(email)?.role).toBe('owner');
    expect((await people.get(email))?.awaiting).toMatchObject({ code: 'owner_not_removed' });
  });

  it('keeps a person present while any active SCIM user stands for them, and declares nothing for a user without email', async () => {
    const email = `shared@${domain}`;
    const first = await scim('POST', '/Users', {
      userName: 'worker-1',
      emails: [{ type: 'work', value: email }],
    });
    const second = await scim('POST', '/Users', {
      userName: 'worker-2',
      emails: [{ type: 'work', value: email }],
    });
    expect([first.status, second.status]).toEqual([201, 201]);
    await scim(
      'PATCH',
      `/Users/${first.body.id as string}`,
      patchOp({ op: 'replace', value: { active: false } }),
    );
    expect((await people.get(email))?.intent).toEqual({ state: 'present', role: 'reader' });
    await scim('DELETE', `/Users/${second.body.id as string}`);
    expect((await people.get(email))?.intent).toEqual({ state: 'absent' });

    const nameless = await scim('POST', '/Users', {
      userName: `no-email-${run}`,
      emails: [{ value: 'emailName357', type: 'work' }],
    });
    expect(nameless.status).toBe(201);
    expect(await people.get('emailName357')).toBeUndefined();
  });
});
