/**
 * `openai-invites offboarding list` as an operator runs it (a child process): straight from the
 * ledger table in moto's DynamoDB, or from the npm start gateway's local route.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import type { Ledger } from '../../lib/ledger/ledger';
import { MemoryLedger } from '../../lib/ledger/memory-ledger';
import { setLedger } from '../../lib/ledger/runtime';
import { LocalGateway } from '../../local/gateway';
import { createLedgerTable, ledgerClient } from '../support/dynamodb';
import { freePort } from '../support/moto';
import { offboardingRoute } from '../../local/offboarding-route';

const cli = (
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) =>
    execFile(
      'node',
      ['cli/bin/openai-invites.mjs', ...args],
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
  const gateway = new LocalGateway({ localRoutes: [offboardingRoute] });
  let base: string;

  beforeAll(async () => {
    const memory = new MemoryLedger();
    await seed(memory);
    setLedger(memory);
    base = await gateway.start();
  });
  afterAll(async () => {
    await gateway.stop();
    setLedger(undefined);
  });

  it('reads the ledger table straight from DynamoDB with --table, newest first', async () => {
    const table = await createLedgerTable();
    await seed(new DynamoDbLedger(table, ledgerClient));

    const { code, stdout } = await cli(['offboarding', 'list', '--table', table]);

    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^UPDATED\s+EMAIL\s+CODE\s+SOURCE\s+REASON$/);
    expect(lines[1]).toMatch(
      /^2026-03-02T10:00:00.000Z\s+boss@example.com\s+owner_not_removed\s+greenhouse\s+Owners/,
    );
    expect(lines[2]).toMatch(/ada@example.com\s+revoke_needs_offboarding/);
    expect(stdout).not.toContain('gone@example.com');
    expect(stdout).not.toContain('typo@example');
    expect(lines.at(-1)).toBe('2 awaiting a person.');
  }, 60_000);

  it('reads the npm start gateway’s local route without a table, as JSON with --json', async () => {
    const { code, stdout } = await cli(['offboarding', 'list', '--gateway', base, '--json']);

    expect(code).toBe(0);
    expect(
      (JSON.parse(stdout) as { email: string; failureCode: string }[]).map((record) => [
        record.email,
        record.failureCode,
      ]),
    ).toEqual([
      ['boss@example.com', 'owner_not_removed'],
      ['ada@example.com', 'revoke_needs_offboarding'],
    ]);
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
