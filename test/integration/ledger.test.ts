/**
 * The ledger on moto's DynamoDB, the in-memory ledger and `npm start`'s SQLite ledger through the
 * same suite: all must count alike. Outcomes are redelivered, concurrently and out of order, as SQS and a DLQ redrive do.
 */
import { createServer, type Socket } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLedgerClient } from '../../lib/ledger/dynamodb-client';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import { JOB_RETENTION_DAYS } from '../../lib/ledger/dynamodb-items';
import type { Ledger } from '../../lib/ledger/ledger';
import { MemoryLedger } from '../../lib/ledger/memory-ledger';
import { jobProgress } from '../../lib/ledger/progress';
import type { ItemOutcome, Outcome } from '../../lib/ledger/types';
import { SqliteLedger } from '../../local/sqlite-ledger';
import { StateStore } from '../../local/state-store';
import { createLedgerTable, dynamodb, ledgerClient } from '../support/dynamodb';

let table: string;
beforeAll(async () => {
  table = await createLedgerTable();
});

/**
 * Writes at once. moto_server runs each request on its own thread without isolating conditional
 * writes, so concurrent deliveries of one item both pass their condition there (or lose an ADD)
 * where DynamoDB would serialise them: on moto the deliveries go one after another (still
 * redelivered and out of order), and test/unit/ledger-dynamodb-contention.test.ts plays
 * DynamoDB's answers to concurrent writes.
 */
const LEDGERS: [string, () => Ledger, number][] = [
  ['DynamoDbLedger (moto)', () => new DynamoDbLedger(table, ledgerClient), 1],
  ['MemoryLedger', () => new MemoryLedger(), 20],
  ['SqliteLedger', () => new SqliteLedger(StateStore.inMemory()), 20],
];

let jobs = 0;
const newJobId = () => `job_test-${Date.now()}-${(jobs += 1)}`;

/** An item outcome of `jobId` at `index` (email user<index>@example.com). */
const item = (
  jobId: string,
  index: number,
  outcome: Outcome,
  extra: Partial<ItemOutcome> = {},
): ItemOutcome => ({
  jobId,
  index,
  email: `User${index}@Example.com`,
  outcome,
  source: 'api',
  ...(outcome === 'failed' ? { code: 'invalid_invite', message: `invites[${index}].email: bad` } : {}),
  ...extra,
});

describe.each(LEDGERS)('%s', (_name, makeLedger, concurrency) => {
  it('lists the started jobs newest first, up to the limit, with their counts', async () => {
    const ledger = makeLedger();
    const [older, newer, newest] = [newJobId(), newJobId(), newJobId()];
    // Later than any other test's jobs on the shared table: these three are the newest.
    await ledger.startJob({ jobId: newer, total: 2, source: 'cli', at: '2099-01-02T00:00:00.000Z' });
    await ledger.startJob({ jobId: older, total: 1, source: 'cli', at: '2099-01-01T00:00:00.000Z' });
    await ledger.startJob({ jobId: newest, total: 3, source: 'api', at: '2099-01-03T00:00:00.000Z' });
    await ledger.recordItem(item(newer, 0, 'created'));

    const listed = await ledger.listJobs(2);

    expect(listed.map((job) => job.jobId)).toEqual([newest, newer]);
    expect(listed[1]).toMatchObject({ total: 2, counts: { created: 1, failed: 0 } });
  });

  it('counts an item without a usable email in its job once, with no email record and no person link', async () => {
    const ledger = makeLedger();
    const jobId = newJobId();
    await ledger.startJob({ jobId, total: 2, source: 'queue' });

    await ledger.recordItem(item(jobId, 0, 'created'));
    await ledger.recordItem(item(jobId, 1, 'failed', { email: '' }));
    await ledger.recordItem(item(jobId, 1, 'failed', { email: '' }));

    const progress = jobProgress((await ledger.getJob(jobId))!);
    expect(progress).toMatchObject({ status: 'completed', counts: { created: 1, failed: 1, pending: 0 } });
    expect(progress.failures).toEqual([
      { index: 1, email: '', code: 'invalid_invite', message: 'invites[1].email: bad' },
    ]);
    expect(await ledger.getInvite('')).toBeUndefined();
  });

  it('answers undefined for a job it never heard of, and keeps the first start of a job', async () => {
    const ledger = makeLedger();
    const jobId = newJobId();
    expect(await ledger.getJob(jobId)).toBeUndefined();

    await ledger.startJob({ jobId, total: 3, source: 'api' });
    await ledger.startJob({ jobId, total: 99, source: 'queue' });

    const snapshot = await ledger.getJob(jobId);
    expect(snapshot?.job).toMatchObject({ jobId, total: 3, source: 'api' });
    expect(jobProgress(snapshot!)).toMatchObject({ status: 'in_progress', counts: { pending: 3 } });
  });

  it('counts a redelivered outcome once, however often it arrives', async () => {
    const ledger = makeLedger();
    const jobId = newJobId();
    await ledger.startJob({ jobId, total: 3, source: 'api' });

    for (let delivery = 0; delivery < 5; delivery += concurrency) {
      await Promise.all(
        Array.from({ length: Math.min(concurrency, 5) }, () => ledger.recordItem(item(jobId, 0, 'created'))),
      );
    }
    await ledger.recordItem(item(jobId, 1, 'failed'));
    await ledger.recordItem(item(jobId, 1, 'failed'));
    // The invite made at the first delivery reads as already invited at the second: still created.
    await ledger.recordItem(item(jobId, 0, 'already_invited'));

    const progress = jobProgress((await ledger.getJob(jobId))!);
    expect(progress.counts).toEqual({ created: 1, already_invited: 0, revoked: 0, failed: 1, pending: 1 });
    expect(progress.status).toBe('in_progress');
  });

  it('moves the count of an item that failed and then succeeded (a DLQ redrive), never back', async () => {
    const ledger = makeLedger();
    const jobId = newJobId();
    await ledger.startJob({ jobId, total: 2, source: 'cli' });
    await ledger.recordItem(item(jobId, 0, 'failed', { code: 'rate_limit_exceeded', message: 'first' }));
    await ledger.recordItem(item(jobId, 0, 'failed', { code: 'server_error', message: 'second' }));
    await ledger.recordItem(item(jobId, 1, 'already_invited'));

    const before = jobProgress((await ledger.getJob(jobId))!);
    await ledger.recordItem(item(jobId, 0, 'created', { inviteId: 'invite-0' }));
    await ledger.recordItem(item(jobId, 0, 'failed'));

    expect(before.counts).toEqual({ created: 0, already_invited: 1, revoked: 0, failed: 1, pending: 0 });
    expect(before.failures).toEqual([
      {
        index: 0,
        email: 'user0@example.com',
        code: 'server_error',
        message: 'second',
        person: '/people/user0%40example.com',
      },
    ]);
    const after = jobProgress((await ledger.getJob(jobId))!);
    expect(after.counts).toEqual({ created: 1, already_invited: 1, revoked: 0, failed: 0, pending: 0 });
    expect(after.failures).toEqual([]);
    expect(after.status).toBe('completed');
    expect(await ledger.getInvite('user0@example.com')).toMatchObject({
      email: 'user0@example.com',
      inviteId: 'invite-0',
      lastOutcome: 'created',
      source: 'api',
      jobId,
      index: 0,
    });
    expect((await ledger.getInvite('user0@example.com'))?.failureCode).toBeUndefined();
  });

  it('lists the emails awaiting a person, newest first, until a later outcome settles them', async () => {
    const ledger = makeLedger();
    const run = newJobId();
    const email = (name: string) => `${name}-${run}@example.com`;
    const failed = (name: string, code: string, at: string) =>
      ledger.recordInvite({
        email: email(name),
        outcome: 'failed',
        source: 'greenhouse',
        code,
        message: code,
        at,
      });
    await failed('member', 'revoke_needs_offboarding', '2026-01-01T00:00:01.000Z');
    await failed('owner', 'owner_not_removed', '2026-01-01T00:00:02.000Z');
    await failed('settled', 'revoke_needs_offboarding', '2026-01-01T00:00:03.000Z');
    await failed('other', 'invalid_invite', '2026-01-01T00:00:04.000Z');
    await ledger.recordInvite({
      email: email('settled'),
      outcome: 'revoked',
      status: 'offboarded',
      source: 'greenhouse',
      at: '2026-01-01T00:00:05.000Z',
    });

    const ours = (await ledger.listNeedingAction()).filter((record) =>
      record.email.endsWith(`-${run}@example.com`),
    );

    expect(ours.map((record) => [record.email, record.failureCode])).toEqual([
      [email('owner'), 'owner_not_removed'],
      [email('member'), 'revoke_needs_offboarding'],
    ]);
    expect(ours[0]).toMatchObject({
      lastOutcome: 'failed',
      source: 'greenhouse',
      failureMessage: 'owner_not_removed',
    });
  });

  // About 900 DynamoDB calls, one after another on moto: 10–40 s on a loaded machine.
  it('gives exact counts and the failures by index for a job of 200 delivered out of order, with redeliveries', async () => {
    const ledger = makeLedger();
    const jobId = newJobId();
    const invalid = new Set([3, 57, 101, 150, 199]);
    const outcomeOf = (index: number): Outcome =>
      invalid.has(index) ? 'failed' : index % 7 === 0 ? 'already_invited' : 'created';
    await ledger.startJob({ jobId, total: 200, source: 'api' });
    // Every item once, every third one again (a redelivery), every eleventh valid one also
    // dead-lettered (then redriven: its success arrives before or after its failure); shuffled deterministically and written `concurrency` at a time, as workers would.
    const deliveries: ItemOutcome[] = [];
    for (let index = 0; index < 200; index += 1) {
      deliveries.push(item(jobId, index, outcomeOf(index)));
      if (index % 3 === 0) deliveries.push(item(jobId, index, outcomeOf(index)));
      if (index % 11 === 0 && !invalid.has(index)) {
        deliveries.push(item(jobId, index, 'failed', { code: 'rate_limit_exceeded', message: 'throttled' }));
      }
    }
    const order = deliveries.map((delivery, n) => ({ delivery, key: (n * 7919) % deliveries.length }));
    order.sort((a, b) => a.key - b.key);
    const shuffled = order.map(({ delivery }) => delivery);
    for (let start = 0; start < shuffled.length; start += concurrency) {
      await Promise.all(
        shuffled.slice(start, start + concurrency).map((delivery) => ledger.recordItem(delivery)),
      );
    }

    const progress = jobProgress((await ledger.getJob(jobId))!);

    const alreadyInvited = Array.from({ length: 200 }, (_, n) => n).filter(
      (n) => !invalid.has(n) && n % 7 === 0,
    ).length;
    expect(progress.counts).toEqual({
      created: 200 - 5 - alreadyInvited,
      already_invited: alreadyInvited,
      revoked: 0,
      failed: 5,
      pending: 0,
    });
    expect(progress.total).toBe(200);
    expect(progress.status).toBe('completed');
    expect(progress.failures).toEqual(
      [...invalid].map((index) => ({
        index,
        email: `user${index}@example.com`,
        code: 'invalid_invite',
        message: `invites[${index}].email: bad`,
        person: `/people/user${index}%40example.com`,
      })),
    );
  }, 120_000);
});

describe('DynamoDbLedger items', () => {
  it('expire jobs and their items after the retention, and keep an email’s record', async () => {
    const ledger = new DynamoDbLedger(table, ledgerClient);
    const jobId = newJobId();
    await ledger.startJob({ jobId, total: 1, source: 'greenhouse' });
    await ledger.recordItem(item(jobId, 42, 'created', { email: 'ttl@example.com', source: 'greenhouse' }));

    const get = async (pk: string, sk: string) =>
      (await dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } } })))
        .Item;
    const expected = Date.now() / 1000 + JOB_RETENTION_DAYS * 86_400;
    const job = await get(`JOB#${jobId}`, 'JOB');
    const jobItem = await get(`JOB#${jobId}`, 'ITEM#000042');
    const email = await get('EMAIL#ttl@example.com', 'INVITE');

    expect(Number(job?.expiresAt?.N)).toBeCloseTo(expected, -2);
    expect(Number(jobItem?.expiresAt?.N)).toBeCloseTo(expected, -2);
    expect(jobItem).toMatchObject({ outcome: { S: 'created' }, job_index: { N: '42' } });
    expect(email).toMatchObject({ source: { S: 'greenhouse' }, last_outcome: { S: 'created' } });
    expect(email?.expiresAt).toBeUndefined();
  });
});

describe('the ledger’s DynamoDB client', () => {
  it('gives up on a DynamoDB that takes the connection and never answers, within its bounded timeouts', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const ledger = new DynamoDbLedger('ledger', createLedgerClient({ endpoint: `http://127.0.0.1:${port}` }));
    const startedAt = Date.now();
    try {
      const failure = await ledger.getJob('wave-1').catch((error: unknown) => error as Error);

      // Two attempts of 2 s each, and the SDK's backoff between them.
      expect(failure).toBeInstanceOf(Error);
      expect(Date.now() - startedAt).toBeLessThan(8_000);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(3_900);
      expect(sockets.length).toBeGreaterThanOrEqual(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
