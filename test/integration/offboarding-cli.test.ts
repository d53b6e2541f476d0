/**
 * `openai-invites offboarding list|done` as an operator runs it (a child process): straight from
 * the ledger table in moto's DynamoDB (records written before people existed read as people), or
 * from the npm start gateway's local routes, which ask the simulator who is still a member.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import type { Ledger } from '../../lib/ledger/ledger';
import { MemoryLedger } from '../../lib/ledger/memory-ledger';
import { setLedger } from '../../lib/ledger/runtime';
import { setSweepClientConfig } from '../../lib/lifecycle/runtime';
import { readClientConfig } from '../../lib/openai/config';
import { MemoryPersonStore } from '../../lib/people/memory-store';
import { setPersonStore } from '../../lib/people/runtime';
import { LocalGateway } from '../../local/gateway';
import { InvitesSimulator } from '../../local/openai-simulator';
import { TEST_ADMIN_KEY } from '../support/keys';
import { createLedgerTable, ledgerClient } from '../support/dynamodb';
import { freePort } from '../support/moto';
import { offboardingDoneRoute, offboardingRoute } from '../../local/offboarding-route';

const cli = (
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) =>
    execFile(
      'node',
      ['dist/openai-invites.mjs', ...args],
      {
        timeout: 60_000,
        env: { ...process.env, INVITE_LEDGER_TABLE: undefined, INVITES_API_URL: undefined, ...env },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );

/** A leaver left in the organization, an owner kept, one offboarded since, one other failure. */
const seed = async (ledger: Ledger) => {
  const failed = (email: string, code: string, message: string, at: string) =>
    ledger.recordInvite({ email, outcome: 'failed', source: 'greenhouse', code, message, at });
  await failed(
    'ada@example.com',
    'revoke_needs_offboarding',
    'The invite was already accepted.',
    '2026-03-01T10:00:00.000Z',
  );
  await failed(
    'boss@example.com',
    'owner_not_removed',
    'Owners are never removed automatically.',
    '2026-03-02T10:00:00.000Z',
  );
  await failed(
    'gone@example.com',
    'revoke_needs_offboarding',
    'The invite was already accepted.',
    '2026-03-01T09:00:00.000Z',
  );
  await failed('typo@example', 'invalid_revocation', 'Not an email.', '2026-03-01T11:00:00.000Z');
  await ledger.recordInvite({
    email: 'gone@example.com',
    outcome: 'revoked',
    status: 'offboarded',
    source: 'greenhouse',
    at: '2026-03-03T00:00:00.000Z',
  });
};

describe('openai-invites offboarding list', () => {
  const gateway = new LocalGateway({ localRoutes: [offboardingRoute, offboardingDoneRoute] });
  // OpenAI's truth: ada and boss are still members; a leaver removed in the dashboard is not.
  const simulator = new InvitesSimulator({
    apiKeys: [TEST_ADMIN_KEY],
    users: [{ email: 'ada@example.com' }, { email: 'boss@example.com', role: 'owner' }],
  });
  let base: string;
  const memory = new MemoryLedger();
  const people = new MemoryPersonStore({ ledger: memory });

  beforeAll(async () => {
    await seed(memory);
    await memory.recordInvite({
      email: 'dashboard@example.com',
      outcome: 'failed',
      source: 'okta',
      code: 'revoke_needs_offboarding',
      message: 'Offboarding is off.',
      at: '2026-03-01T08:00:00.000Z',
    });
    setLedger(memory);
    setPersonStore(people);
    await simulator.start();
    setSweepClientConfig({ ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY });
    base = await gateway.start();
  });
  afterAll(async () => {
    await gateway.stop();
    await simulator.stop();
    setLedger(undefined);
    setPersonStore(undefined);
    setSweepClientConfig(undefined);
  });

  it('reads the ledger table straight from DynamoDB with --table, newest first', async () => {
    const table = await createLedgerTable();
    await seed(new DynamoDbLedger(table, ledgerClient));

    const { code, stdout } = await cli(['offboarding', 'list', '--table', table]);

    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SINCE\s+EMAIL\s+CODE\s+DECLARED BY\s+PERSON\s+REASON$/);
    expect(lines[1]).toMatch(
      /^2026-03-02T10:00:00.000Z\s+boss@example.com\s+owner_not_removed\s+\S*\s*\/people\/boss%40example.com\s+Owners/,
    );
    expect(lines[2]).toMatch(/ada@example.com\s+revoke_needs_offboarding/);
    expect(stdout).not.toContain('gone@example.com');
    expect(stdout).not.toContain('typo@example');
    expect(lines.at(-1)).toBe('2 awaiting a person.');
  }, 60_000);

  it('reads the npm start gateway’s local route as JSON; who left OpenAI leaves the list; done records a person handled it', async () => {
    const { code, stdout } = await cli(['offboarding', 'list', '--gateway', base, '--json']);

    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as { email: string; code: string; person: string }[];
    expect(listed.map((entry) => [entry.email, entry.code])).toEqual([
      ['boss@example.com', 'owner_not_removed'],
      ['ada@example.com', 'revoke_needs_offboarding'],
    ]);
    expect(listed[1]!.person).toBe('/people/ada%40example.com');
    // Removed in OpenAI's dashboard: off the list, and its history says so.
    expect((await people.get('dashboard@example.com'))?.awaiting).toBeUndefined();
    expect((await people.history('dashboard@example.com')).events[0]).toMatchObject({
      kind: 'observed_gone',
    });

    const done = await cli([
      'offboarding',
      'done',
      'ada@example.com',
      '--note',
      'kept as a contractor',
      '--gateway',
      base,
    ]);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('Recorded: ada@example.com was handled by a person.');
    expect((await people.history('ada@example.com')).events[0]).toMatchObject({
      kind: 'handled',
      reason: 'handled by a person: kept as a contractor',
    });
    const after = await cli(['offboarding', 'list', '--gateway', base, '--json']);
    expect((JSON.parse(after.stdout) as { email: string }[]).map((entry) => entry.email)).toEqual([
      'boss@example.com',
    ]);

    const again = await cli(['offboarding', 'done', 'ada@example.com', '--gateway', base]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('ada@example.com is not awaiting offboarding.');
  }, 60_000);

  it('says so when the ledger is empty', async () => {
    const { code, stdout } = await cli(['offboarding', 'list', '--table', await createLedgerTable()]);

    expect(code).toBe(0);
    expect(stdout.trim()).toBe('Nobody awaits offboarding.');
  }, 60_000);

  it('exits 1 naming npm start when no gateway answers, and 2 without the list subcommand', async () => {
    const unreachable = await cli([
      'offboarding',
      'list',
      '--gateway',
      `http://127.0.0.1:${await freePort()}/v1`,
    ]);
    const usage = await cli(['offboarding']);

    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('npm start');
    expect(usage.code).toBe(2);
    expect(usage.stdout).toContain('Usage: openai-invites offboarding list');
  }, 60_000);
});

describe('openai-invites offboarding list and terminal controls (issue 29, item 8)', () => {
  it('prints no escape sequence a queue message’s source or a reason carried', async () => {
    // Prepare: a source label from a queue message, with a title-changing and a clearing sequence.
    const table = await createLedgerTable();
    await new DynamoDbLedger(table, ledgerClient).recordInvite({
      email: 'esc@example.com',
      outcome: 'failed',
      source: 'hr\u001b]0;pwned\u0007\u001b[2J',
      code: 'revoke_needs_offboarding',
      message: 'accepted\u009b31m already',
      at: '2026-03-04T10:00:00.000Z',
    });

    // Act
    const { code, stdout } = await cli(['offboarding', 'list', '--table', table]);

    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('esc@example.com');
    const controls = [...stdout].filter((char) => {
      const at = char.codePointAt(0)!;
      return (at < 0x20 && char !== '\n') || (at >= 0x7f && at <= 0x9f);
    });
    expect(controls).toEqual([]);
  }, 60_000);
});
