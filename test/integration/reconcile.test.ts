/**
 * `openai-invites reconcile ROSTER` (issue 23): the roster declared as intent, then the same
 * reconciler as the sweep, run where `npm start` runs it (its local route), against the
 * simulator's invites and users over HTTP. Without --apply nothing is written or sent; with it the
 * organization matches and a second run plans nothing; a person left off the roster is declared
 * absent, so no sweep re-invites them; the brakes stop a mass removal before anything changes; an
 * empty roster is refused. The command runs in-process (cli/reconcile.ts), its output captured.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { reconcile } from '../../cli/reconcile';
import { sweep } from '../../cli/sweep';
import { MemoryLedger } from '../../lib/ledger/memory-ledger';
import { setLedger } from '../../lib/ledger/runtime';
import { setSweepClientConfig } from '../../lib/lifecycle/runtime';
import { readClientConfig } from '../../lib/openai/config';
import { MemoryPersonStore } from '../../lib/people/memory-store';
import { setPersonStore } from '../../lib/people/runtime';
import { LocalGateway } from '../../local/gateway';
import { InvitesSimulator } from '../../local/openai-simulator';
import { sweepRoute } from '../../local/sweep-route';
import { TEST_ADMIN_KEY } from '../support/keys';
import { useSimulator } from '../support/simulator';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);
const gateway = new LocalGateway({ localRoutes: [sweepRoute] });
let gatewayUrl: string;
let people: MemoryPersonStore;

const folder = mkdtempSync(join(tmpdir(), 'reconcile-'));
const file = (name: string, lines: string[]) => {
  const path = join(folder, name);
  writeFileSync(path, lines.join('\n'));
  return path;
};
const roster = file('roster.csv', [
  'Name,Email,Role,Projects',
  'New,new@example.com,reader,proj_a:member',
  'Expired,expired@example.com,reader,-',
  'Moved,moved@example.com,owner,-',
  'Same,same@example.com,reader,-',
  'Member,member@example.com,reader,',
]);

beforeAll(async () => {
  gatewayUrl = await gateway.start();
  setSweepClientConfig({ ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY });
});
afterAll(async () => {
  await gateway.stop();
  setSweepClientConfig(undefined);
  setLedger(undefined);
  setPersonStore(undefined);
});
beforeEach(() => {
  const ledger = new MemoryLedger();
  people = new MemoryPersonStore({ ledger });
  setLedger(ledger);
  setPersonStore(people);
});
afterEach(() => {
  delete process.env.OFFBOARD_MEMBERS;
});

/** Every kind of line: an expired invite, a pending one of other terms, one of the same, a member, people off the roster. */
const seedOrganization = () => {
  simulator.expire(simulator.seed('expired@example.com', 'reader').id);
  simulator.seed('moved@example.com', 'reader');
  simulator.seed('same@example.com', 'reader');
  simulator.seedUser({ email: 'member@example.com' });
  simulator.seed('gone@example.com', 'reader');
  simulator.expire(simulator.seed('lapsed@example.com', 'reader').id);
  simulator.seedUser({ email: 'contractor@example.com' });
  simulator.seedUser({ email: 'founder@example.com', role: 'owner' });
};

const capture = async (command: (args: string[]) => Promise<number>, args: string[]) => {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)));
  const error = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void out.push(String(line)));
  try {
    const code = await command([...args, '--gateway', gatewayUrl]);
    return { code, text: out.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
};
const run = (args: string[]) => capture(reconcile, args);
const organization = () => JSON.stringify({ invites: simulator.invites, users: simulator.users });
const pendingOf = (email: string) =>
  simulator.invites.filter((invite) => invite.email === email && invite.status === 'pending');

describe('openai-invites reconcile', () => {
  it('prints a plan with a reason on every line, and without --apply writes and sends nothing', async () => {
    seedOrganization();
    const before = organization();

    const { code, text } = await run([roster]);

    expect(code).toBe(0);
    expect(text).toMatch(/\+ invite +new@example\.com .*declared present; no invite yet/);
    expect(text).toMatch(/\+ invite +expired@example\.com \(expired, role reader/);
    expect(text).toMatch(/~ replace +moved@example\.com \(pending, role reader .* -> role owner/);
    expect(text).toMatch(/- revoke +gone@example\.com \(pending, role reader/);
    expect(text).toContain(
      'Plan (roster, 5 invites and 3 members read): 1 to revoke, 1 to replace, 2 to invite.',
    );
    expect(text).toContain('2 member(s) not on the roster are left alone (--offboard declares them absent).');
    expect(text).toContain('Nothing changed (add --apply to carry it out).');
    expect(organization()).toBe(before);
    expect(await people.get('new@example.com')).toBeUndefined();
    expect(await people.get('gone@example.com')).toBeUndefined();
  });

  it('--json prints the report for review', async () => {
    seedOrganization();
    const { code, text } = await run([roster, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(text) as { dryRun: boolean; counts: Record<string, number> };
    expect(report).toMatchObject({ dryRun: true, counts: { invite: 2, replace: 1, revoke: 1 } });
  });

  it('--apply makes the organization match, keeps it in each history, and a second run plans nothing', async () => {
    seedOrganization();

    const applied = await run([roster, '--apply']);

    expect(applied.code).toBe(0);
    expect(applied.text).toContain('4 applied, 0 failed.');
    expect(pendingOf('new@example.com')).toMatchObject([
      { role: 'reader', projects: [{ id: 'proj_a', role: 'member' }] },
    ]);
    expect(pendingOf('moved@example.com')).toMatchObject([{ role: 'owner' }]);
    expect(pendingOf('expired@example.com')).toHaveLength(1);
    expect(pendingOf('gone@example.com')).toHaveLength(0);
    expect(simulator.users.map((user) => user.email)).toContain('contractor@example.com');
    const history = (await people.history('gone@example.com')).events;
    expect(history.map((event) => [event.kind, event.actor])).toEqual([
      ['revoked', 'roster'],
      ['declared', 'roster'],
    ]);

    const again = await run([roster]);
    expect(again.text).toContain('nothing to do.');
  });

  it('declares a person left off the roster absent, so their expired invite is never re-invited by a sweep', async () => {
    seedOrganization();
    await run([roster, '--apply']);
    expect((await people.get('lapsed@example.com'))?.intent).toEqual({ state: 'absent' });

    const swept = await capture(sweep, []);
    expect(swept.code).toBe(0);
    expect(pendingOf('lapsed@example.com')).toHaveLength(0);
    expect((await run([roster])).text).toContain('nothing to do.');
  });

  it('with --offboard and OFFBOARD_MEMBERS=true removes members off the roster in one run, never an owner', async () => {
    process.env.OFFBOARD_MEMBERS = 'true';
    seedOrganization();

    const applied = await run([roster, '--offboard', '--apply']);

    expect(applied.code).toBe(0);
    expect(simulator.users.map((user) => user.email).sort()).toEqual([
      'founder@example.com',
      'member@example.com',
    ]);
    expect(applied.text).toMatch(/! await_person +founder@example\.com .*never removed automatically/);
    expect((await people.get('founder@example.com'))?.awaiting).toMatchObject({ code: 'owner_not_removed' });
    expect((await run([roster, '--offboard'])).text).toContain('nothing to do.');
  });

  it('stops before acting when the roster would remove more people than --max-removals', async () => {
    process.env.OFFBOARD_MEMBERS = 'true';
    seedOrganization();
    const before = organization();

    const braked = await run([roster, '--offboard', '--apply', '--max-removals', '1']);

    expect(braked.code).toBe(1);
    expect(braked.text).toContain(
      'Refused: This run would revoke or remove 2 people, more than the limit of 1',
    );
    expect(organization()).toBe(before);
    expect(await people.get('contractor@example.com')).toBeUndefined();
  });

  it('refuses an empty roster, and a roster with a bad line, before anything is sent', async () => {
    seedOrganization();
    const before = organization();
    const empty = await run([file('empty.csv', ['Email,Role']), '--offboard', '--apply']);
    expect(empty.code).toBe(2);
    expect(empty.text).toContain('the roster names nobody');
    const bad = await run([
      file('bad.csv', ['Email,Role', 'ada@example.com,reader', 'not-an-email,reader']),
      '--apply',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.text).toContain('Nothing was planned: fix the roster first.');
    expect(organization()).toBe(before);
  });
});
