/**
 * The invite sweeper (issue 15, item 2) against the simulator over HTTP, with the ledger on moto's
 * DynamoDB and in memory: expired invites the product made are re-invited with their terms, up to
 * REINVITE_MAX_TIMES; others are only reported; two sweeps at once re-invite once.
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
import { sweepInvites, type SweepOptions } from '../../lib/lifecycle/sweeper';
import { OpenAIInvitesClient } from '../../lib/openai/client';
import type { InviteProject } from '../../lib/openai/types';
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

const LEDGERS: [string, () => Ledger][] = [
  ['DynamoDbLedger (moto)', () => new DynamoDbLedger(table, ledgerClient)],
  ['MemoryLedger', () => new MemoryLedger()],
];

const PROJECTS: InviteProject[] = [{ id: 'proj_a', role: 'member' }];

/** An invite the product made (the ledger knows it, with its terms), expired at OpenAI. */
const expiredInviteWeMade = async (ledger: Ledger, email: string) => {
  const invite = simulator.seed(email, 'reader', PROJECTS);
  await ledger.recordInvite({
    email,
    outcome: 'created',
    source: 'api',
    inviteId: invite.id,
    status: 'pending',
    role: 'reader',
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

describe.each(LEDGERS)('the invite sweeper with %s', (_name, makeLedger) => {
  let ledger: Ledger;
  let client: OpenAIInvitesClient;
  let email: string;

  beforeEach(() => {
    ledger = makeLedger();
    client = new OpenAIInvitesClient({
      adminKey: new StaticAdminKey(TEST_ADMIN_KEY),
      baseUrl: simulator.url,
    });
    // A fresh person per test: the moto table is shared by the tests of this file.
    email = `ada${(people += 1)}-${Date.now()}@example.com`;
  });

  const sweep = (extra: Partial<SweepOptions> = {}) =>
    sweepInvites({ ...readSweepConfig({}), client, ledger, ...extra });

  const expiredInviteOfOurs = (address = email) => expiredInviteWeMade(ledger, address);

  const posts = () => simulator.requests.filter((request) => request.method === 'POST').length;
  const pendingOf = (address: string) =>
    simulator.invites.filter((invite) => invite.email === address && invite.status === 'pending');

  it('re-invites an expired invite it made, with its terms, once per sweep up to REINVITE_MAX_TIMES', async () => {
    const first = await expiredInviteOfOurs();

    const one = await sweep();
    expect(one).toMatchObject({ expiredSeen: 1, reinvited: 1, failed: 0 });
    const [second] = pendingOf(email);
    expect(second).toMatchObject({ role: 'reader', projects: PROJECTS });
    expect(one.results).toEqual([
      { email, expiredInviteId: first.id, action: 'reinvited', inviteId: second!.id, count: 1 },
    ]);
    expect(await ledger.getInvite(email)).toMatchObject({
      inviteId: second!.id,
      source: 'sweep',
      lastOutcome: 'created',
      reinviteCount: 1,
    });
    const audit = capturedLogLines().findLast((line) => line.message === 'audit');
    expect(audit?.audit).toMatchObject({
      action: 'invite.reinvited',
      caller: 'sweep',
      email,
      inviteId: second!.id,
      expiredInviteId: first.id,
    });

    // The new invite is live: a sweep now leaves the email alone.
    const idle = await sweep();
    expect(idle).toMatchObject({ reinvited: 0, skipped: { superseded: 1 } });

    simulator.expire(second!.id);
    expect(await sweep()).toMatchObject({ reinvited: 1 });
    const [third] = pendingOf(email);
    simulator.expire(third!.id);
    const before = posts();
    const limited = await sweep();
    expect(limited).toMatchObject({ reinvited: 0, skipped: { limit_reached: 1 } });
    expect(posts()).toBe(before);
    expect((await ledger.getInvite(email))?.reinviteCount).toBe(2);
  });

  it('only reports an expired invite made elsewhere, in its metrics and one summary line', async () => {
    const elsewhere = simulator.seed(email, 'owner');
    simulator.expire(elsewhere.id);
    const metrics = { addMetric: vi.fn() };

    const summary = await sweep({ metrics });

    const counted = Object.fromEntries(metrics.addMetric.mock.calls.map(([name, , value]) => [name, value]));
    expect(counted).toEqual({
      ExpiredSeen: 1,
      Reinvited: 0,
      ReinviteFailed: 0,
      Skipped: 1,
      SkippedUnknown: 1,
    });
    const line = capturedLogLines().findLast((entry) => entry.message === 'invite sweep');
    expect(line?.sweep).toMatchObject({ expiredSeen: 1, reinvited: 0, skipped: { unknown: 1 } });

    expect(summary).toMatchObject({ expiredSeen: 1, reinvited: 0, skipped: { unknown: 1 } });
    expect(summary.results).toEqual([
      { email, expiredInviteId: elsewhere.id, action: 'skipped', reason: 'unknown' },
    ]);
    expect(posts()).toBe(0);
    expect(await ledger.getInvite(email)).toBeUndefined();
  });

  it('does not re-invite one the ledger says was revoked', async () => {
    await expiredInviteOfOurs();
    await ledger.recordInvite({ email, outcome: 'revoked', source: 'api', status: 'revoked' });

    expect(await sweep()).toMatchObject({ reinvited: 0, skipped: { revoked: 1 } });
    expect(posts()).toBe(0);
  });

  it('with REINVITE_EXPIRED=false, or as a dry run, changes nothing', async () => {
    await expiredInviteOfOurs();
    const recordBefore = await ledger.getInvite(email);
    const config = readSweepConfig({ REINVITE_EXPIRED: 'false' });

    expect(await sweep(config)).toMatchObject({ expiredSeen: 1, reinvited: 0, skipped: { disabled: 1 } });
    expect(await sweep({ dryRun: true })).toMatchObject({ reinvited: 0, skipped: { dry_run: 1 } });

    expect(posts()).toBe(0);
    expect(await ledger.getInvite(email)).toEqual(recordBefore);
  });

  it('gives the claim back when OpenAI fails, so the next sweep re-invites', async () => {
    await expiredInviteOfOurs();
    simulator.inject({
      kind: 'status',
      method: 'POST',
      pathPrefix: '/organization/invites',
      status: 400,
      body: {
        error: { message: 'Invalid project.', type: 'invalid_request_error', code: null, param: null },
      },
    });

    const failed = await sweep();
    expect(failed).toMatchObject({ reinvited: 0, failed: 1 });
    expect((await ledger.getInvite(email))?.reinviteCount ?? 0).toBe(0);

    expect(await sweep()).toMatchObject({ reinvited: 1 });
    expect(pendingOf(email)).toHaveLength(1);
  });

  it('grants one claim per expired invite, however often it is asked', async () => {
    const invite = await expiredInviteOfOurs();
    const claim = { email, expiredInviteId: invite.id, max: 2 };

    expect(await ledger.claimReinvite(claim)).toEqual({ claimed: true, count: 1 });
    expect(await ledger.claimReinvite(claim)).toEqual({ claimed: false, reason: 'already_claimed' });
    expect(await ledger.claimReinvite({ ...claim, email: 'nobody@example.com' })).toEqual({
      claimed: false,
      reason: 'unknown',
    });
  });
});

describe('two sweeps at once', () => {
  it('re-invite an expired invite once', async () => {
    // MemoryLedger: moto does not isolate concurrent conditional writes (see ledger.test.ts);
    // the DynamoDB condition is the one claim-per-invite rule tested above.
    const ledger = new MemoryLedger();
    const client = new OpenAIInvitesClient({
      adminKey: new StaticAdminKey(TEST_ADMIN_KEY),
      baseUrl: simulator.url,
    });
    const email = 'twice@example.com';
    await expiredInviteWeMade(ledger, email);

    const [a, b] = await Promise.all([
      sweepInvites({ ...readSweepConfig({}), client, ledger }),
      sweepInvites({ ...readSweepConfig({}), client, ledger }),
    ]);

    expect(a.reinvited + b.reinvited).toBe(1);
    expect({ ...a.skipped, ...b.skipped }).toEqual({ already_claimed: 1 });
    expect(simulator.invites.filter((candidate) => candidate.status === 'pending')).toHaveLength(1);
    expect((await ledger.getInvite(email))?.reinviteCount).toBe(1);
  });
});

describe('openai-invites sweep on the local gateway (POST /local/sweep)', () => {
  const gateway = new LocalGateway({ localRoutes: [sweepRoute] });
  let gatewayUrl: string;
  const ledger = new MemoryLedger();

  beforeAll(async () => {
    gatewayUrl = await gateway.start();
    setLedger(ledger);
    setSweepClientConfig({ ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY });
  });
  afterAll(async () => {
    await gateway.stop();
    setLedger(undefined);
    setSweepClientConfig(undefined);
  });

  const run = (args: string[]) => sweepCli([...args, '--gateway', gatewayUrl]);

  it('prints the summary; --dry-run changes nothing, a sweep re-invites', async () => {
    const email = 'local-sweep@example.com';
    const invite = await expiredInviteWeMade(ledger, email);

    const dry = await run(['--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.text).toContain(
      'Sweep (dry run): 1 invites read, 1 expired, 0 re-invited, 0 failed, skipped: 1 dry_run.',
    );
    expect(simulator.invites).toHaveLength(1);

    const swept = await run([]);
    const fresh = simulator.invites.find((candidate) => candidate.status === 'pending')!;
    expect(swept.text).toContain(`reinvited ${email} (${invite.id}) -> ${fresh.id}, re-invite 1 of 2`);
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
    setSweepClientConfig({ ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY });
  });
  afterAll(async () => {
    await new Promise((resolve) => lambda.close(resolve));
    if (saved.endpoint === undefined) delete process.env.AWS_ENDPOINT_URL_LAMBDA;
    else process.env.AWS_ENDPOINT_URL_LAMBDA = saved.endpoint;
    setLedger(undefined);
    setSweepClientConfig(undefined);
  });

  const run = sweepCli;

  it('invokes the named function with the dry-run flag and prints the summary it answers', async () => {
    const email = 'deployed-sweep@example.com';
    const invite = await expiredInviteWeMade(ledger, email);

    const dry = await run(['--function', 'stack-InviteSweeper-abc', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(invoked.at(-1)).toEqual({ name: 'stack-InviteSweeper-abc', payload: { dryRun: true } });
    expect(dry.text).toContain('Sweep (dry run): 1 invites read, 1 expired, 0 re-invited');

    const swept = await run(['--function', 'stack-InviteSweeper-abc']);
    expect(swept.code).toBe(0);
    expect(invoked.at(-1)?.payload).toEqual({ dryRun: false });
    expect(swept.text).toMatch(new RegExp(`reinvited +${email} \\(${invite.id}\\) -> invite-`));
  });

  it('exits 1 and says why when the function fails', async () => {
    failNext = true;
    const failed = await run(['--function', 'stack-InviteSweeper-abc']);
    expect(failed.code).toBe(1);
    expect(failed.errors).toContain('The sweep failed (Unhandled): ');
    expect(failed.errors).toContain('The Admin key could not be read.');
    expect(failed.text).toBe('');
  });
});
