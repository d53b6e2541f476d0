/**
 * `openai-invites reconcile` (issue 15, item 4) against the simulator's invites and users: the
 * plan for a roster that exercises every line, --apply through the local gateway and the bulk
 * queue (moto) drained by the worker, after which the organization matches and a second run plans
 * nothing. The command runs in-process (cli/reconcile.ts), its output captured.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SqsQueue } from '../../lib/bulk/queue';
import { setQueues } from '../../lib/bulk/runtime';
import { setInvitesClient } from '../../lib/openai/runtime';
import { reconcile } from '../../cli/reconcile';
import { LocalGateway } from '../../local/gateway';
import { InvitesSimulator } from '../../local/openai-simulator';
import { TEST_ADMIN_KEY } from '../support/keys';
import { type Listener, startListener } from '../support/listener';
import { createSecret } from '../support/secrets';
import { createQueuePair } from '../support/queues';
import { useSimulator } from '../support/simulator';
import { type RunningWorkers, startWorkers, waitFor } from '../support/workers';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);
const gateway = new LocalGateway();
let gatewayUrl: string;
let queue: SqsQueue;
let workers: RunningWorkers | undefined;

const roster = join(mkdtempSync(join(tmpdir(), 'reconcile-')), 'roster.csv');
writeFileSync(
  roster,
  [
    'Name,Email,Role,Projects',
    'New,new@example.com,reader,proj_a:member',
    'Expired,expired@example.com,reader,-',
    'Moved,moved@example.com,owner,-',
    'Same,same@example.com,reader,-',
    'Member,member@example.com,reader,',
  ].join('\n'),
);

beforeAll(async () => {
  gatewayUrl = await gateway.start();
});
afterAll(async () => {
  await gateway.stop();
  setQueues({});
  setInvitesClient(undefined);
  delete process.env.OPENAI_ADMIN_KEY;
  delete process.env.INVITES_UPSTREAM_URL;
  delete process.env.OPENAI_BASE_URL;
  delete process.env.OPENAI_ADMIN_KEY_SECRET_ID;
});
beforeEach(async () => {
  process.env.OPENAI_ADMIN_KEY = TEST_ADMIN_KEY;
  process.env.INVITES_UPSTREAM_URL = simulator.url;
  setInvitesClient(undefined);
  let deadLetterQueue: SqsQueue;
  ({ queue, deadLetterQueue } = await createQueuePair({ visibilityTimeoutSeconds: 5, maxReceiveCount: 3 }));
  setQueues({ queue, deadLetterQueue });
});
afterEach(async () => {
  await workers?.source.stop();
  workers = undefined;
});

/** The organization of the plan's every line. */
const seedOrganization = () => {
  simulator.expire(simulator.seed('expired@example.com').id);
  simulator.seed('moved@example.com', 'reader');
  simulator.seed('same@example.com', 'reader');
  simulator.seed('leaver@example.com', 'reader');
  simulator.seedUser({ email: 'member@example.com', role: 'reader' });
  simulator.seedUser({ email: 'former@example.com', role: 'reader' });
  simulator.seedUser({ email: 'boss@example.com', role: 'owner' });
};

const run = async (args: string[]) => {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)));
  const error = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void out.push(String(line)));
  try {
    const code = await reconcile(args);
    return { code, text: out.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
};

describe('openai-invites reconcile', () => {
  it('prints a plan with every line, and without --apply changes nothing', async () => {
    seedOrganization();
    const before = JSON.stringify({ invites: simulator.invites, users: simulator.users });

    const { code, text } = await run([roster, '--offboard']);

    expect(code).toBe(0);
    expect(text).toContain('+ invite     new@example.com  (role reader and projects [proj_a (member)])');
    expect(text).toContain('+ reinvite   expired@example.com');
    expect(text).toContain('~ replace    moved@example.com');
    expect(text).toContain('- revoke     leaver@example.com');
    expect(text).toContain('- offboard   former@example.com');
    expect(text).toContain('! owner_kept boss@example.com');
    expect(text).toContain(
      'Plan: 1 to invite, 1 to re-invite, 1 to replace, 1 to revoke, 1 to offboard, 1 owner kept, 2 unchanged.',
    );
    expect(text).toContain('Nothing changed (add --apply to carry it out).');
    expect(JSON.stringify({ invites: simulator.invites, users: simulator.users })).toBe(before);
    expect(simulator.requests.every((request) => request.method === 'GET')).toBe(true);
  });

  it('--json prints the plan for review', async () => {
    seedOrganization();
    const { text } = await run([roster, '--json']);

    const plan = JSON.parse(text);
    expect(plan.counts).toMatchObject({ invite: 1, reinvite: 1, replace: 1, revoke: 1, offboard: 0 });
    expect(plan.membersNotOnRoster).toBe(2);
  });

  it('--apply makes the organization match the roster, and a second run plans nothing', async () => {
    seedOrganization();
    workers = startWorkers({ queue, upstream: simulator.url, offboardMembers: true });

    const applied = await run([
      roster,
      '--offboard',
      '--apply',
      '--queue-url',
      queue.url,
      '--job-id',
      'roster-1',
    ]);
    expect(applied.code).toBe(0);
    expect(applied.text).toContain('3 invite(s) in job roster-1, 1 revocation(s), 1 offboarding(s) queued.');

    const pending = (email: string) =>
      simulator.invites.find((invite) => invite.email === email && invite.status === 'pending');
    await waitFor(
      () =>
        !!pending('new@example.com') &&
        !!pending('expired@example.com') &&
        pending('moved@example.com')?.role === 'owner' &&
        !pending('leaver@example.com') &&
        !simulator.users.some((user) => user.email === 'former@example.com'),
      30_000,
    );
    expect(pending('new@example.com')?.projects).toEqual([{ id: 'proj_a', role: 'member' }]);
    expect(simulator.users.some((user) => user.email === 'boss@example.com')).toBe(true);

    const again = await run([roster, '--offboard']);
    expect(again.text).toContain('Plan: 1 owner kept, 5 unchanged.');
    expect(again.text).toContain('Nothing to do.');
  });

  it('--apply through the gateway: one bulk job, revocations as DELETEs, offboarding refused', async () => {
    seedOrganization();
    workers = startWorkers({ queue, upstream: simulator.url });

    const applied = await run([
      roster,
      '--offboard',
      '--apply',
      '--gateway',
      gatewayUrl,
      '--job-id',
      'roster-2',
    ]);

    expect(applied.code).toBe(1);
    expect(applied.text).toContain('Not applied: offboard former@example.com: needs --queue-url');
    expect(applied.text).toContain('3 invite(s) in job roster-2, 1 revocation(s), 0 offboarding(s) queued.');
    // The replacement last: it deletes the pending invite before it makes the new one.
    await waitFor(
      () =>
        simulator.invites.some(
          (invite) =>
            invite.email === 'moved@example.com' && invite.status === 'pending' && invite.role === 'owner',
        ) && simulator.invites.filter((invite) => invite.status === 'pending').length === 4,
      30_000,
    );
    const again = await run([roster]);
    expect(again.text).toContain('Plan: 5 unchanged.');
  });
});

describe('openai-invites reconcile and its upstream (issue 29, item 1)', () => {
  let listener: Listener;

  beforeEach(async () => {
    listener = await startListener();
  });
  afterEach(async () => {
    delete process.env.OPENAI_BASE_URL;
    delete process.env.OPENAI_ADMIN_KEY_SECRET_ID;
    await listener.stop();
  });

  it('never sends the key from Secrets Manager to OPENAI_BASE_URL, and names the upstream before calling it', async () => {
    // Prepare: the command, with a listener where OPENAI_BASE_URL points.
    delete process.env.OPENAI_ADMIN_KEY;
    process.env.OPENAI_ADMIN_KEY_SECRET_ID = await createSecret(TEST_ADMIN_KEY);
    process.env.OPENAI_BASE_URL = listener.url;
    simulator.requests.length = 0;

    // Act
    const { code, text } = await run([roster]);

    // Assess
    expect(code).toBe(0);
    expect(listener.requests).toEqual([]);
    expect(text.split('\n')[0]).toBe(
      `openai-invites: upstream ${simulator.url} (Admin key from secret ${process.env.OPENAI_ADMIN_KEY_SECRET_ID})`,
    );
    expect(simulator.requests.length).toBeGreaterThan(0);
  });

  it('refuses a plain-http upstream that is not loopback before any call', async () => {
    process.env.INVITES_UPSTREAM_URL = 'http://openai.example.com/v1';
    simulator.requests.length = 0;

    const { code, text } = await run([roster]);

    expect(code).toBe(2);
    expect(text).toContain('INVITES_UPSTREAM_URL must be an https URL');
    expect(simulator.requests).toEqual([]);
  });
});
