/**
 * The reconciler's scheduled run, the sweep (issue 23), against the simulator over HTTP, with
 * people and the ledger on moto's DynamoDB and in memory: an expired invite the product made is
 * re-invited with the intent's terms, up to REINVITE_MAX_TIMES; one made elsewhere, or of other
 * terms, is drift and never re-issued; nobody absent is invited; two sweeps at once re-invite once;
 * the brakes stop a run that would remove too many people before it changes anything.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as sweeperHandler } from '../../functions/invite-sweeper';
import { sweep } from '../../cli/sweep';
import { setLedger } from '../../lib/ledger/runtime';
import { setSweepClientConfig } from '../../lib/lifecycle/runtime';
import { readClientConfig } from '../../lib/openai/config';
import { LocalGateway } from '../../local/gateway';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import type { Ledger } from '../../lib/ledger/ledger';
import { MemoryLedger } from '../../lib/ledger/memory-ledger';
import { readSweepConfig } from '../../lib/lifecycle/config';
import { runReconcile, type ReconcileDeps } from '../../lib/lifecycle/reconcile-run';
import { OpenAIInvitesClient } from '../../lib/openai/client';
import type { InviteProject } from '../../lib/openai/types';
import { DynamoDbPersonStore } from '../../lib/people/dynamodb-store';
import { MemoryPersonStore } from '../../lib/people/memory-store';
import { setPersonStore } from '../../lib/people/runtime';
import type { PersonStore } from '../../lib/people/store';
import { StaticAdminKey } from '../../lib/secrets/admin-key';
import { InvitesSimulator } from '../../local/openai-simulator';
import { capturedLogLines } from '../support/captured-output';
import { createLedgerTable, ledgerClient } from '../support/dynamodb';
import { TEST_ADMIN_KEY } from '../support/keys';
import { useSimulator } from '../support/simulator';
import { sweepRoute } from '../../local/sweep-route';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);

let table: string;
beforeAll(async () => {
  table = await createLedgerTable();
});

const STORES: [string, () => { ledger: Ledger; store: PersonStore }][] = [
  [
    'DynamoDB (moto)',
    () => ({
      ledger: new DynamoDbLedger(table, ledgerClient),
      store: new DynamoDbPersonStore(table, { client: ledgerClient }),
    }),
  ],
  [
    'memory',
    () => {
      const ledger = new MemoryLedger();
      return { ledger, store: new MemoryPersonStore({ ledger }) };
    },
  ],
];

const PROJECTS: InviteProject[] = [{ id: 'proj_a', role: 'member' }];

/** A person the API declared present and invited, whose invite then expired at OpenAI. */
const expiredInviteWeMade = async (
  { store, ledger }: { store: PersonStore; ledger: Ledger },
  email: string,
  role: 'reader' | 'owner' = 'reader',
) => {
  const at = new Date(Date.now() - 60_000).toISOString();
  await store.declare({ email, intent: { state: 'present', role, projects: PROJECTS }, source: 'api', at });
  const invite = simulator.seed(email, role, PROJECTS);
  await store.update(email, { productInvite: { id: invite.id, at } });
  // As the API records it: the ledger's email record, which re-invite claims are made on.
  await ledger.recordInvite({
    email,
    outcome: 'created',
    source: 'api',
    inviteId: invite.id,
    status: 'pending',
    role,
    projects: PROJECTS,
  });
  simulator.expire(invite.id);
  return invite;
};

/** `openai-invites sweep` in-process: its exit code, what it printed and what it said on stderr. */
const sweepCli = async (args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)));
  const error = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void err.push(String(line)));
  try {
    return { code: await sweep(args), text: out.join('\n'), errors: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
};
let people = 0;

describe.each(STORES)('the sweep with people in %s', (_name, makeStores) => {
  let ledger: Ledger;
  let store: PersonStore;
  let deps: ReconcileDeps;
  let email: string;

  beforeEach(() => {
    ({ ledger, store } = makeStores());
    const client = new OpenAIInvitesClient({
      adminKey: new StaticAdminKey(TEST_ADMIN_KEY),
      baseUrl: simulator.url,
    });
    const config = readSweepConfig({});
    deps = {
      client,
      store,
      ledger,
      actor: 'sweep',
      offboardMembers: false,
      reinviteExpired: config.reinviteExpired,
      maxReinvites: config.maxTimes,
      maxRemovals: config.maxRemovals,
    };
    // A fresh person per test: the moto table is shared by the tests of this file.
    email = `ada${(people += 1)}-${Date.now()}@example.com`;
  });

  const sweepNow = (extra: Partial<ReconcileDeps> = {}, apply = true) =>
    runReconcile({ apply }, { ...deps, ...extra });
  const posts = () => simulator.requests.filter((request) => request.method === 'POST').length;
  const pendingOf = (address: string) =>
    simulator.invites.filter((invite) => invite.email === address && invite.status === 'pending');
  const actionOf = (report: Awaited<ReturnType<typeof sweepNow>>, address: string) =>
    report.actions.find((action) => action.email === address);

  it("re-invites an expired invite it made, with the intent's terms, up to REINVITE_MAX_TIMES, each in the history", async () => {
    const first = await expiredInviteWeMade({ store, ledger }, email);

    const one = await sweepNow();
    const [second] = pendingOf(email);
    expect(second).toMatchObject({ role: 'reader', projects: PROJECTS });
    expect(actionOf(one, email)).toMatchObject({
      kind: 'reinvite',
      inviteId: first.id,
      result: { status: 'done', inviteId: second!.id },
    });
    expect((await store.history(email)).events[0]).toMatchObject({
      kind: 'reinvited',
      actor: 'sweep',
      inviteId: second!.id,
    });
    const audit = capturedLogLines().findLast((line) => line.message === 'audit');
    expect(audit?.audit).toMatchObject({
      action: 'invite.reinvited',
      caller: 'sweep',
      email,
      inviteId: second!.id,
    });

    // The new invite is live: a sweep now plans nothing for the email.
    expect(actionOf(await sweepNow(), email)).toMatchObject({ kind: 'unchanged' });

    simulator.expire(second!.id);
    const third = await sweepNow();
    expect(actionOf(third, email)).toMatchObject({ kind: 'reinvite', result: { status: 'done' } });
    simulator.expire(pendingOf(email)[0]!.id);
    const before = posts();
    const limited = await sweepNow();
    expect(actionOf(limited, email)).toMatchObject({ kind: 'unchanged' });
    expect(actionOf(limited, email)?.reason).toContain('REINVITE_MAX_TIMES=2');
    expect(posts()).toBe(before);
  });

  it('reports an expired invite made elsewhere as drift, and never re-issues it', async () => {
    await store.declare({
      email,
      intent: { state: 'present', role: 'reader' },
      source: 'okta',
      at: new Date(Date.now() - 60_000).toISOString(),
    });
    simulator.expire(simulator.seed(email, 'reader').id);
    const before = posts();
    const report = await sweepNow();
    expect(actionOf(report, email)).toMatchObject({
      kind: 'drift',
      reason: expect.stringContaining('did not make'),
    });
    expect(posts()).toBe(before);
  });

  it('never re-issues an owner invite an admin replaced with a reader invite that expired (other terms: drift)', async () => {
    const owner = await expiredInviteWeMade({ store, ledger }, email, 'owner');
    simulator.invites.splice(
      simulator.invites.indexOf(simulator.invites.find((invite) => invite.id === owner.id)!),
      1,
    );
    simulator.expire(simulator.seed(email, 'reader', PROJECTS).id);
    const before = posts();
    const report = await sweepNow();
    expect(actionOf(report, email)?.kind).toBe('drift');
    expect(posts()).toBe(before);
    expect(
      simulator.invites.filter((invite) => invite.email === email && invite.role === 'owner'),
    ).toHaveLength(0);
  });

  it('never invites someone whose intent is absent', async () => {
    await expiredInviteWeMade({ store, ledger }, email);
    await store.declare({
      email,
      intent: { state: 'absent' },
      source: 'bamboohr',
      at: new Date().toISOString(),
    });
    const before = posts();
    expect(actionOf(await sweepNow(), email)?.kind).toBe('unchanged');
    expect(posts()).toBe(before);
  });

  it('as a dry run, or with REINVITE_EXPIRED=false, changes nothing', async () => {
    await expiredInviteWeMade({ store, ledger }, email);
    const before = posts();
    expect(actionOf(await sweepNow({}, false), email)).toMatchObject({ kind: 'reinvite' });
    expect(actionOf(await sweepNow({ reinviteExpired: false }), email)?.kind).toBe('unchanged');
    expect(posts()).toBe(before);
    expect(pendingOf(email)).toHaveLength(0);
  });

  it('gives the claim back when OpenAI fails, so the next sweep re-invites', async () => {
    await expiredInviteWeMade({ store, ledger }, email);
    simulator.inject({ kind: 'status', status: 400, times: 1, method: 'POST' });
    const failed = await sweepNow();
    expect(actionOf(failed, email)?.result).toMatchObject({ status: 'failed' });
    expect(failed.failed).toBe(1);
    expect((await store.history(email)).events[0]).toMatchObject({ kind: 'failed', actor: 'sweep' });
    expect(actionOf(await sweepNow(), email)?.result).toMatchObject({ status: 'done' });
    expect(pendingOf(email)).toHaveLength(1);
  });

  it('stops before acting when it would revoke or remove more people than the brake allows', async () => {
    const leavers = [1, 2, 3].map((n) => `leaver${n}-${email}`);
    for (const leaver of leavers) {
      simulator.seed(leaver, 'reader');
      await store.declare({
        email: leaver,
        intent: { state: 'absent' },
        source: 'okta',
        at: new Date().toISOString(),
      });
    }
    const before = simulator.requests.filter((request) => request.method === 'DELETE').length;
    const braked = await sweepNow({ maxRemovals: 2 });
    expect(braked.refused).toMatchObject({ code: 'brake' });
    expect(braked.refused?.message).toContain('3 people, more than the limit of 2');
    expect(simulator.requests.filter((request) => request.method === 'DELETE').length).toBe(before);
    for (const leaver of leavers) expect(pendingOf(leaver)).toHaveLength(1);

    const applied = await sweepNow({ maxRemovals: 3 });
    expect(applied.refused).toBeUndefined();
    for (const leaver of leavers) expect(pendingOf(leaver)).toHaveLength(0);
  });
});

describe('two sweeps at once', () => {
  it('re-invite an expired invite once', async () => {
    const ledger = new DynamoDbLedger(table, ledgerClient);
    const store = new DynamoDbPersonStore(table, { client: ledgerClient });
    const email = `race-${Date.now()}@example.com`;
    await expiredInviteWeMade({ store, ledger }, email);
    const client = new OpenAIInvitesClient({
      adminKey: new StaticAdminKey(TEST_ADMIN_KEY),
      baseUrl: simulator.url,
    });
    const deps: ReconcileDeps = {
      client,
      store,
      ledger,
      actor: 'sweep',
      offboardMembers: false,
      reinviteExpired: true,
      maxReinvites: 2,
      maxRemovals: 25,
    };
    const reports = await Promise.all([
      runReconcile({ apply: true }, deps),
      runReconcile({ apply: true }, deps),
    ]);
    const done = reports
      .flatMap((report) => report.actions)
      .filter((action) => action.email === email && action.result?.status === 'done');
    expect(done).toHaveLength(1);
    expect(
      simulator.invites.filter((invite) => invite.email === email && invite.status === 'pending'),
    ).toHaveLength(1);
  });
});

describe('openai-invites sweep on the local gateway (POST /local/sweep)', () => {
  const gateway = new LocalGateway({ localRoutes: [sweepRoute] });
  let gatewayUrl: string;
  const ledger = new MemoryLedger();
  const store = new MemoryPersonStore({ ledger });

  beforeAll(async () => {
    gatewayUrl = await gateway.start();
    setLedger(ledger);
    setPersonStore(store);
    setSweepClientConfig({ ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY });
  });
  afterAll(async () => {
    await gateway.stop();
    setLedger(undefined);
    setPersonStore(undefined);
    setSweepClientConfig(undefined);
  });

  const run = (args: string[]) => sweepCli([...args, '--gateway', gatewayUrl]);

  it('prints the plan; --dry-run changes nothing, a sweep re-invites', async () => {
    const email = 'local-sweep@example.com';
    await expiredInviteWeMade({ store, ledger }, email);

    const dry = await run(['--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.text).toMatch(new RegExp(`\\+ reinvite +${email} \\(expired, role reader`));
    expect(dry.text).toContain('Plan (sweep, 1 invites and 0 members read): 1 to re-invite.');
    expect(dry.text).toMatch(new RegExp(`\\+ reinvite +${email} .*\\[would re-invite\\]`));
    expect(dry.text).not.toContain('dry_run');
    expect(simulator.invites).toHaveLength(1);

    const swept = await run([]);
    const fresh = simulator.invites.find((candidate) => candidate.status === 'pending')!;
    expect(swept.code).toBe(0);
    expect(swept.text).toContain(`[done ${fresh.id}]`);
    expect(swept.text).toContain('1 applied, 0 failed.');
  });

  it('refuses a cross-site request and a non-POST, as the gateway does', async () => {
    const origin = gatewayUrl.replace(/\/v1$/, '');
    const crossSite = await fetch(`${origin}/local/sweep`, {
      method: 'POST',
      headers: { Origin: 'https://attacker.example', 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(crossSite.status).toBe(403);
    expect((await fetch(`${origin}/local/sweep`)).status).toBe(405);
    expect(
      (
        await fetch(`${origin}/local/nope`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
        })
      ).status,
    ).toBe(404);
    expect(simulator.requests).toHaveLength(0);
  });
});

describe('openai-invites sweep --function (a deployed sweeper, through Lambda’s Invoke API)', () => {
  const ledger = new MemoryLedger();
  const store = new MemoryPersonStore({ ledger });
  const invoked: { name: string; payload: unknown }[] = [];
  let failNext = false;
  // Lambda's Invoke API on 127.0.0.1, running the function's real handler as Lambda would.
  const lambda = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const name = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? '')?.[1];
      const payload: unknown = JSON.parse(body || '{}');
      invoked.push({ name: decodeURIComponent(name ?? ''), payload });
      if (failNext) {
        failNext = false;
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Amz-Function-Error': 'Unhandled' });
        res.end(JSON.stringify({ errorType: 'Error', errorMessage: 'The Admin key could not be read.' }));
        return;
      }
      void sweeperHandler(
        payload as { dryRun?: boolean },
        { getRemainingTimeInMillis: () => 300_000 } as Context,
      ).then((summary) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(summary));
      });
    });
  });
  const saved = { endpoint: process.env.AWS_ENDPOINT_URL_LAMBDA, region: process.env.AWS_REGION };

  beforeAll(async () => {
    await new Promise<void>((resolve) => lambda.listen(0, '127.0.0.1', resolve));
    process.env.AWS_ENDPOINT_URL_LAMBDA = `http://127.0.0.1:${(lambda.address() as AddressInfo).port}`;
    process.env.AWS_REGION ??= 'us-east-1';
    setLedger(ledger);
    setPersonStore(store);
    setSweepClientConfig({ ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY });
  });
  afterAll(async () => {
    await new Promise((resolve) => lambda.close(resolve));
    if (saved.endpoint === undefined) delete process.env.AWS_ENDPOINT_URL_LAMBDA;
    else process.env.AWS_ENDPOINT_URL_LAMBDA = saved.endpoint;
    setLedger(undefined);
    setPersonStore(undefined);
    setSweepClientConfig(undefined);
  });

  const run = sweepCli;

  it('invokes the named function with the dry-run flag and prints the report it answers', async () => {
    const email = 'deployed-sweep@example.com';
    const invite = await expiredInviteWeMade({ store, ledger }, email);

    const dry = await run(['--function', 'stack-InviteSweeper-abc', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(invoked.at(-1)).toEqual({ name: 'stack-InviteSweeper-abc', payload: { dryRun: true } });
    expect(dry.text).toContain('Plan (sweep, 1 invites and 0 members read): 1 to re-invite.');

    const swept = await run(['--function', 'stack-InviteSweeper-abc']);
    expect(swept.code).toBe(0);
    expect(invoked.at(-1)?.payload).toEqual({ dryRun: false });
    expect(swept.text).toMatch(new RegExp(`reinvite +${email} .*\\[done invite-`));
    expect(swept.text).not.toContain(invite.id + ']');
  });

  it('exits 1 and says why when the function fails', async () => {
    failNext = true;
    const failed = await run(['--function', 'stack-InviteSweeper-abc']);
    expect(failed.code).toBe(1);
    expect(failed.errors).toContain('The run failed (Unhandled): ');
    expect(failed.errors).toContain('The Admin key could not be read.');
    expect(failed.text).toBe('');
  });
});
