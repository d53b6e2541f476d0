/**
 * A person's whole access (issue 25) on the simulator over real HTTP: PUT/DELETE
 * /v1/people/{email} through the route table, the acceptance check as the sweeper's
 * `{"check":"acceptance"}` event, leavers' API keys. The Admin key from moto.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readClientConfig } from '../../lib/openai/config';
import { setInvitesClient } from '../../lib/openai/runtime';
import { runSweepOrCheck, setSweepClientConfig } from '../../lib/lifecycle/runtime';
import { MemoryPersonStore } from '../../lib/people/memory-store';
import { setPersonStore } from '../../lib/people/runtime';
import { InvitesSimulator } from '../../local/openai-simulator';
import { ATTRIBUTE } from '../../lib/bulk/messages';
import { BulkInviteWorker } from '../../lib/bulk/worker';
import { createInvitesClient } from '../../lib/openai/runtime';
import { readWebhookConfig } from '../../lib/webhooks/config';
import { toInviteEvent } from '../../lib/webhooks/mapping';
import { enqueueInvites } from '../../lib/bulk/producer';
import type { WebhookEvent } from '../../lib/webhooks/types';
import { lambdaContext } from '../../local/lambda-context';
import { LocalQueue } from '../../local/local-queue';
import { sqsEvent, sqsRecord } from '../support/sqs-records';
import { invoke, jsonHeaders } from '../support/invoke';
import { TEST_ADMIN_KEY } from '../support/keys';
import { createSecret } from '../support/secrets';

const simulator = new InvitesSimulator({
  apiKeys: [TEST_ADMIN_KEY],
  users: [{ email: 'owner@example.com', role: 'owner' }],
});
let store: MemoryPersonStore;

const putPerson = (email: string, body: unknown, query?: Record<string, string>) =>
  invoke({
    method: 'PUT',
    path: `/people/${encodeURIComponent(email)}`,
    headers: jsonHeaders,
    body: JSON.stringify(body),
    ...(query ? { query } : {}),
  });
const deletePerson = (email: string) =>
  invoke({ method: 'DELETE', path: `/people/${encodeURIComponent(email)}` });
const acceptanceCheck = () => runSweepOrCheck({ check: 'acceptance' });
const kinds = async (email: string) =>
  (await store.history(email)).events.map((event) => event.kind).reverse();
const groupUsers = (id: string) => simulator.access.groupUsers.get(id) ?? [];
const projectUsers = (id: string) => Object.fromEntries(simulator.access.projectUsers.get(id) ?? []);
const userOf = (email: string) => simulator.users.find((user) => user.email === email)!;

beforeAll(async () => {
  await simulator.start();
  process.env.INVITES_UPSTREAM_URL = simulator.url;
  process.env.OPENAI_ADMIN_KEY_SECRET_ID = await createSecret(TEST_ADMIN_KEY);
  setInvitesClient(undefined);
  setSweepClientConfig({ ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY });
});

afterAll(async () => {
  await simulator.stop();
  setInvitesClient(undefined);
  setSweepClientConfig(undefined);
  setPersonStore(undefined);
  delete process.env.REVOKE_LEAVER_KEYS;
  delete process.env.OFFBOARD_MEMBERS;
});

beforeEach(() => {
  simulator.reset();
  store = new MemoryPersonStore();
  setPersonStore(store);
  simulator.access.seedGroup({ id: 'group_eng', name: 'Engineering' });
  simulator.access.seedGroup({ id: 'group_oncall', name: 'On call' });
  simulator.access.seedProject({ id: 'proj_web', name: 'Web' });
  simulator.access.seedProject({ id: 'proj_data', name: 'Data' });
  simulator.access.seedProject({ id: 'proj_ml', name: 'ML' });
  delete process.env.REVOKE_LEAVER_KEYS;
  delete process.env.OFFBOARD_MEMBERS;
});

describe('joiner on acceptance', () => {
  it('puts a joiner with two groups and a project not in the invite in both groups and the project after one acceptance check', async () => {
    const email = 'ada@example.com';
    const first = await putPerson(email, { role: 'reader', projects: [{ id: 'proj_web', role: 'member' }] });
    expect(first.statusCode).toBe(200);
    const invite = simulator.invites.find((candidate) => candidate.email === email)!;
    expect(invite.projects).toEqual([{ id: 'proj_web', role: 'member' }]);
    // Later the HR system of record adds a project and two groups while the invite is pending.
    const second = await store.declare({
      email,
      intent: {
        state: 'present',
        role: 'reader',
        projects: [
          { id: 'proj_web', role: 'member' },
          { id: 'proj_data', role: 'owner' },
        ],
        groups: ['group_eng', 'group_oncall'],
      },
      source: 'bamboohr',
      eventId: 'hr-1',
      at: new Date().toISOString(),
    });
    expect(second.outcome).toBe('applied');
    simulator.accept(
      simulator.invites.find((candidate) => candidate.email === email && candidate.status === 'pending')!.id,
    );
    const userId = userOf(email).id;
    const requestsBefore = simulator.requests.length;

    const report = await acceptanceCheck();

    expect(report).toMatchObject({ check: 'acceptance', accepted: 1, failed: 0 });
    expect(groupUsers('group_eng')).toEqual([userId]);
    expect(groupUsers('group_oncall')).toEqual([userId]);
    expect(projectUsers('proj_data')).toEqual({ [userId]: 'owner' });
    expect(projectUsers('proj_web')).toEqual({ [userId]: 'member' });
    const history = await kinds(email);
    expect(history.indexOf('observed_accepted')).toBeGreaterThan(-1);
    expect(history.slice(history.indexOf('observed_accepted'))).toEqual([
      'observed_accepted',
      'granted',
      'granted',
      'granted',
    ]);
    const reads = simulator.requests
      .slice(requestsBefore)
      .filter((request) => request.method === 'GET' && request.path.startsWith('/organization/users'));
    expect(reads).toHaveLength(1);
    // Converged: a second check applies nothing and reads no member.
    const again = await acceptanceCheck();
    expect(again).toMatchObject({ candidates: 0, applied: 0, userReads: 0 });
  });

  it('refuses an unknown group or project id with a 400 before anything is declared', async () => {
    const unknownGroup = await putPerson('bo@example.com', { role: 'reader', groups: ['group_nope'] });
    expect(unknownGroup.statusCode).toBe(400);
    expect(unknownGroup.body.error).toMatchObject({ code: 'unknown_group', param: 'groups[0]' });
    const unknownProject = await putPerson('bo@example.com', {
      role: 'reader',
      projects: [{ id: 'proj_nope', role: 'member' }],
    });
    expect(unknownProject.statusCode).toBe(400);
    expect(unknownProject.body.error).toMatchObject({ code: 'unknown_project', param: 'projects[0].id' });
    simulator.access.archive('proj_ml');
    const archived = await putPerson('bo@example.com', {
      role: 'reader',
      projects: [{ id: 'proj_ml', role: 'member' }],
    });
    expect(archived.body.error).toMatchObject({ code: 'archived_project' });
    const badRole = await putPerson('bo@example.com', { role: 'admin' });
    expect(badRole.statusCode).toBe(400);
    expect(await store.get('bo@example.com')).toBeUndefined();
    expect(simulator.invites).toHaveLength(0);
  });
});

describe('movers', () => {
  it('moves exactly the memberships the intent names, leaving a hand-added one alone', async () => {
    const email = 'grace@example.com';
    await putPerson(email, {
      role: 'reader',
      projects: [{ id: 'proj_web', role: 'member' }],
      groups: ['group_eng'],
    });
    simulator.accept(simulator.invites.find((invite) => invite.email === email)!.id);
    await acceptanceCheck();
    const userId = userOf(email).id;
    // Someone adds Grace to proj_ml and the on-call group by hand in the dashboard.
    simulator.access.projectUsers.get('proj_ml')!.set(userId, 'member');
    simulator.access.groupUsers.get('group_oncall')!.push(userId);

    const moved = await putPerson(email, {
      role: 'reader',
      projects: [{ id: 'proj_data', role: 'member' }],
      groups: [],
    });

    expect(moved.statusCode).toBe(200);
    expect(projectUsers('proj_web')).toEqual({});
    expect(projectUsers('proj_data')).toEqual({ [userId]: 'member' });
    expect(projectUsers('proj_ml')).toEqual({ [userId]: 'member' });
    expect(groupUsers('group_eng')).toEqual([]);
    expect(groupUsers('group_oncall')).toEqual([userId]);
    expect(moved.body.granted).toEqual({
      role: 'reader',
      projects: [{ id: 'proj_data', role: 'member' }],
      groups: [],
    });
    // Never removed and re-added: proj_data is added once, the user never left the organization.
    expect(
      simulator.requests.filter(
        (request) => request.method === 'DELETE' && request.path.startsWith('/organization/users'),
      ),
    ).toHaveLength(0);
  });

  it('with ?exact=true also removes what the product did not grant', async () => {
    const email = 'lin@example.com';
    const user = simulator.seedUser({ email });
    simulator.access.projectUsers.get('proj_ml')!.set(user.id, 'member');
    simulator.access.groupUsers.get('group_oncall')!.push(user.id);

    const answer = await putPerson(
      email,
      { role: 'reader', projects: [{ id: 'proj_web', role: 'member' }], groups: ['group_eng'] },
      { exact: 'true' },
    );

    expect(answer.statusCode).toBe(200);
    expect(projectUsers('proj_ml')).toEqual({});
    expect(groupUsers('group_oncall')).toEqual([]);
    expect(projectUsers('proj_web')).toEqual({ [user.id]: 'member' });
    expect(groupUsers('group_eng')).toEqual([user.id]);
  });

  it('counts "not a member" on a removal as done and keeps a failed grant with its reason for the next run', async () => {
    const email = 'kim@example.com';
    const user = simulator.seedUser({ email });
    await putPerson(email, { role: 'reader', projects: [{ id: 'proj_web', role: 'member' }] });
    simulator.access.projectUsers.get('proj_web')!.delete(user.id);
    simulator.inject({
      method: 'POST',
      pathPrefix: '/organization/groups/group_eng/users',
      kind: 'status',
      status: 400,
      body: {
        error: { message: 'Group is locked.', type: 'invalid_request_error', param: null, code: null },
      },
    });

    const answer = await putPerson(email, { role: 'reader', projects: [], groups: ['group_eng'] });

    expect(answer.body.granted).toMatchObject({ projects: [], groups: [] });
    const failed = answer.body.history.find((event: { kind: string }) => event.kind === 'failed');
    expect(failed.reason).toContain('Group is locked.');
    expect(groupUsers('group_eng')).toEqual([]);
  });
});

describe('movers from an HR webhook', () => {
  it('moves exactly the memberships the department mapping names on a department change, leaving a hand-added one alone', async () => {
    const config = readWebhookConfig({
      WEBHOOK_DEPARTMENT_PROJECTS: JSON.stringify({
        Engineering: [{ id: 'proj_web', role: 'member' }],
        Data: [{ id: 'proj_data', role: 'member' }],
      }),
    });
    const client = createInvitesClient({
      ...readClientConfig({}),
      baseUrl: simulator.url,
      adminKey: TEST_ADMIN_KEY,
    });
    const worker = new BulkInviteWorker({
      client,
      queue: new LocalQueue({ name: 'bulk' }),
      deadLetterQueue: new LocalQueue({ name: 'dlq' }),
      people: store,
    });
    const email = 'hal@example.com';
    let at = Date.now();
    const hrEvent = async (id: string, department: string) => {
      const event = toInviteEvent({ kind: 'invite', id, email, department }, 'bamboohr', config);
      const { role, projects } = event as unknown as { role: string; projects: unknown };
      await worker.handle(
        sqsEvent(
          sqsRecord(
            { email, role, projects },
            {
              attributes: { [ATTRIBUTE.source]: 'bamboohr', event_at: new Date((at += 1000)).toISOString() },
            },
          ),
        ),
        lambdaContext('bulk-invite-worker', 60_000),
      );
    };
    await hrEvent('hire-1', 'Engineering');
    simulator.accept(simulator.invites.find((invite) => invite.email === email)!.id);
    await acceptanceCheck();
    const userId = userOf(email).id;
    expect(projectUsers('proj_web')).toEqual({ [userId]: 'member' });
    simulator.access.projectUsers.get('proj_ml')!.set(userId, 'member');

    await hrEvent('move-1', 'Data');
    const report = await acceptanceCheck();

    expect(report).toMatchObject({ applied: 2, failed: 0 });
    expect(projectUsers('proj_web')).toEqual({});
    expect(projectUsers('proj_data')).toEqual({ [userId]: 'member' });
    expect(projectUsers('proj_ml')).toEqual({ [userId]: 'member' });
    expect(userOf(email).id).toBe(userId);
    const events = (await store.history(email)).events.filter((event) => event.kind.startsWith('grant'));
    expect(events.map((event) => `${event.kind} ${event.detail}`).sort()).toEqual([
      'grant_removed remove project proj_web',
      'granted add project proj_data (member)',
    ]);
  });
});

describe('department groups from an HR webhook (WEBHOOK_DEPARTMENT_GROUPS)', () => {
  it("puts a joiner in their department's two groups after acceptance, and moves them to the new department's on a change, leaving a hand-added group alone", async () => {
    for (const id of ['group_data', 'group_analytics', 'group_all_hands'])
      simulator.access.seedGroup({ id, name: id });
    const config = readWebhookConfig({
      WEBHOOK_DEPARTMENT_PROJECTS: JSON.stringify({ Engineering: [{ id: 'proj_web', role: 'member' }] }),
      WEBHOOK_DEPARTMENT_GROUPS: JSON.stringify({
        Engineering: ['group_eng', 'group_oncall'],
        Data: ['group_data', 'group_analytics'],
      }),
    });
    const client = createInvitesClient({
      ...readClientConfig({}),
      baseUrl: simulator.url,
      adminKey: TEST_ADMIN_KEY,
    });
    // The webhook's producer path: the message the HR webhook enqueues, received as SQS delivers it.
    const queue = new LocalQueue({ name: 'bulk' });
    const worker = new BulkInviteWorker({
      client,
      queue,
      deadLetterQueue: new LocalQueue({ name: 'dlq' }),
      people: store,
    });
    const email = 'ida@example.com';
    let at = Date.now();
    const attributesSeen: Record<string, string>[] = [];
    const hrEvent = async (id: string, department: string) => {
      const event = toInviteEvent({ kind: 'invite', id, email, department }, 'bamboohr', config);
      const { role, projects, groups } = event as Extract<WebhookEvent, { kind: 'invite' }>;
      await enqueueInvites(
        queue,
        [{ index: 0, invite: { email, role, ...(projects ? { projects } : {}) } }],
        {
          jobId: `bamboohr:${id}`,
          source: 'bamboohr',
          replacePending: true,
          ...(groups ? { groups } : {}),
          eventId: `bamboohr:${id}`,
          eventAt: new Date((at += 1000)).toISOString(),
        },
      );
      const [message] = await queue.receive(1, 0);
      attributesSeen.push(message!.attributes);
      await worker.handle(
        sqsEvent(
          sqsRecord(message!.body, { attributes: message!.attributes, messageId: message!.messageId }),
        ),
        lambdaContext('bulk-invite-worker', 60_000),
      );
      await queue.deleteBatch([message!.receiptHandle]);
    };

    await hrEvent('hire-1', 'engineering');

    expect(attributesSeen[0]![ATTRIBUTE.groups]).toBe('["group_eng","group_oncall"]');
    expect((await store.get(email))?.intent).toMatchObject({ groups: ['group_eng', 'group_oncall'] });
    const invite = simulator.invites.find((candidate) => candidate.email === email)!;
    expect(invite.projects).toEqual([{ id: 'proj_web', role: 'member' }]);
    simulator.accept(invite.id);
    const joined = await acceptanceCheck();
    const userId = userOf(email).id;
    expect(joined).toMatchObject({ accepted: 1, failed: 0 });
    expect(groupUsers('group_eng')).toEqual([userId]);
    expect(groupUsers('group_oncall')).toEqual([userId]);
    expect(projectUsers('proj_web')).toEqual({ [userId]: 'member' });
    // Someone adds Ida to the all-hands group by hand in the dashboard.
    simulator.access.groupUsers.get('group_all_hands')!.push(userId);

    await hrEvent('move-1', 'Data');
    const moved = await acceptanceCheck();

    // Out of Engineering's groups (and its project), into Data's; the hand-added group stays.
    expect(moved).toMatchObject({ failed: 0 });
    expect(groupUsers('group_eng')).toEqual([]);
    expect(groupUsers('group_oncall')).toEqual([]);
    expect(groupUsers('group_data')).toEqual([userId]);
    expect(groupUsers('group_analytics')).toEqual([userId]);
    expect(groupUsers('group_all_hands')).toEqual([userId]);
    expect(userOf(email).id).toBe(userId);
    const person = await store.get(email);
    expect(person?.granted?.groups.sort()).toEqual(['group_analytics', 'group_data']);
    const groupEvents = (await store.history(email)).events
      .filter((event) => event.kind.startsWith('grant') && event.detail?.includes('group'))
      .map((event) => `${event.kind} ${event.detail}`)
      .sort();
    expect(groupEvents).toEqual([
      'grant_removed remove group group_eng',
      'grant_removed remove group group_oncall',
      'granted add group group_analytics',
      'granted add group group_data',
      'granted add group group_eng',
      'granted add group group_oncall',
    ]);
    // Converged: a second check applies nothing.
    expect(await acceptanceCheck()).toMatchObject({ applied: 0, failed: 0 });
  });
});

describe("leavers' API keys", () => {
  const leaverWithKeys = async () => {
    const email = 'max@example.com';
    await putPerson(email, { role: 'reader', projects: [{ id: 'proj_web', role: 'member' }] });
    simulator.accept(simulator.invites.find((invite) => invite.email === email)!.id);
    const userId = userOf(email).id;
    const keys = [
      simulator.access.seedProjectKey('proj_web', { name: 'laptop', ownerUserId: userId }),
      simulator.access.seedProjectKey('proj_data', { name: 'notebook', ownerUserId: userId }),
    ];
    const service = simulator.access.seedProjectKey('proj_web', { name: 'ci' });
    const owner = userOf('owner@example.com');
    const productKey = simulator.access.seedAdminKey({ name: 'openai-invites', ownerUserId: owner.id });
    const leaverAdminKey = simulator.access.seedAdminKey({ name: 'max admin', ownerUserId: userId });
    return { email, userId, keys, service, productKey, leaverAdminKey };
  };
  const projectKeyIds = () => [...simulator.access.projectKeys.values()].flat().map((key) => key.id);

  it('lists the two project keys in the history (flag off) and deletes nothing', async () => {
    const { email, keys, leaverAdminKey } = await leaverWithKeys();

    const answer = await deletePerson(email);

    expect(answer.statusCode).toBe(200);
    const found = answer.body.history.find((event: { kind: string }) => event.kind === 'keys_found');
    for (const key of keys) expect(found.detail).toContain(key.id);
    expect(found.detail).toContain(leaverAdminKey.id);
    expect(found.detail).not.toMatch(/sk-/);
    expect(projectKeyIds()).toHaveLength(3);
    expect(answer.body.awaiting.reason).toContain(keys[0]!.id);
  });

  it('deletes them with REVOKE_LEAVER_KEYS=true, leaving the service-account key and every admin key', async () => {
    process.env.REVOKE_LEAVER_KEYS = 'true';
    process.env.OFFBOARD_MEMBERS = 'true';
    const { email, keys, service, productKey, leaverAdminKey } = await leaverWithKeys();

    const answer = await deletePerson(email);

    expect(answer.statusCode).toBe(200);
    expect(projectKeyIds()).toEqual([service.id]);
    expect(simulator.access.adminKeys.map((key) => key.id)).toEqual([productKey.id, leaverAdminKey.id]);
    const revoked = answer.body.history.filter((event: { kind: string }) => event.kind === 'key_revoked');
    expect(revoked.map((event: { detail: string }) => event.detail).sort()).toEqual(
      keys
        .map((key) => `project key ${key.id} in ${key.id === keys[0]!.id ? 'proj_web' : 'proj_data'}`)
        .sort(),
    );
    expect(simulator.users.find((user) => user.email === email)).toBeUndefined();
    expect(await kinds(email)).toContain('offboarded');
  });
});
