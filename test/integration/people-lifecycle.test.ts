/**
 * Issue 23's defects, each on real parts: the worker handling SQS records, the simulator over
 * HTTP, people and the ledger on moto's DynamoDB (and on npm start's SQLite store), the person
 * answered by GET /v1/people/{email} through the local gateway. Each test failed on the product
 * before people existed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ATTRIBUTE, REVOKE_ACTION } from '../../lib/bulk/messages';
import { BulkInviteWorker } from '../../lib/bulk/worker';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import type { Ledger } from '../../lib/ledger/ledger';
import { readClientConfig } from '../../lib/openai/config';
import { createInvitesClient } from '../../lib/openai/runtime';
import { DynamoDbPersonStore } from '../../lib/people/dynamodb-store';
import { setPersonStore } from '../../lib/people/runtime';
import type { PersonStore } from '../../lib/people/store';
import { LocalGateway } from '../../local/gateway';
import { lambdaContext } from '../../local/lambda-context';
import { LocalQueue } from '../../local/local-queue';
import { InvitesSimulator } from '../../local/openai-simulator';
import { SqliteLedger } from '../../local/sqlite-ledger';
import { SqlitePersonStore } from '../../local/sqlite-people';
import { StateStore } from '../../local/state-store';
import { capturedLogLines } from '../support/captured-output';
import { createLedgerTable, ledgerClient } from '../support/dynamodb';
import { TEST_ADMIN_KEY } from '../support/keys';
import { sqsEvent, sqsRecord } from '../support/sqs-records';
import { useSimulator } from '../support/simulator';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);

let table: string;
beforeAll(async () => {
  table = await createLedgerTable();
});

const STORES: [string, () => { ledger: Ledger; people: PersonStore }][] = [
  [
    'DynamoDB (moto)',
    () => ({
      ledger: new DynamoDbLedger(table, ledgerClient),
      people: new DynamoDbPersonStore(table, { client: ledgerClient }),
    }),
  ],
  [
    'SQLite (npm start)',
    () => {
      const state = StateStore.inMemory();
      return { ledger: new SqliteLedger(state), people: new SqlitePersonStore(state) };
    },
  ],
];

let run = 0;

describe.each(STORES)('people with %s', (_name, makeStores) => {
  let ledger: Ledger;
  let people: PersonStore;
  let prefix: string;
  const workerWith = (offboardMembers = false) => {
    const config = { ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY };
    return new BulkInviteWorker({
      client: createInvitesClient(config, { maxRetries: 0 }),
      queue: new LocalQueue({ name: 'bulk' }),
      deadLetterQueue: new LocalQueue({ name: 'dlq' }),
      ledger,
      people,
      offboardMembers,
    });
  };
  const handle = (worker: BulkInviteWorker, records: ReturnType<typeof sqsRecord>[]) =>
    worker.handle(sqsEvent(...records), lambdaContext('bulk-invite-worker', 60_000));
  const joiner = (email: string, attributes: Record<string, string>) =>
    sqsRecord({ email, role: 'reader' }, { attributes });
  const leaver = (email: string, attributes: Record<string, string>) =>
    sqsRecord({ email }, { attributes: { ...attributes, [ATTRIBUTE.action]: REVOKE_ACTION } });
  const lastOutcome = () => capturedLogLines().findLast((line) => line.message === 'bulk record')?.outcome;
  const invitesOf = (email: string) => simulator.invites.filter((invite) => invite.email === email);

  beforeEach(() => {
    ({ ledger, people } = makeStores());
    prefix = `r${(run += 1)}-${Date.now()}`;
  });

  it('a resubmitted job of 36 creates 36 invites, even where OpenAI would accept a duplicate', async () => {
    simulator.options.acceptDuplicates = true;
    const jobId = `${prefix}-wave`;
    const items = () =>
      Array.from({ length: 36 }, (_, index) =>
        joiner(`p${index}-${prefix}@example.com`, {
          [ATTRIBUTE.jobId]: jobId,
          [ATTRIBUTE.index]: String(index),
          [ATTRIBUTE.source]: 'api',
        }),
      );
    const worker = workerWith();
    await handle(worker, items());
    await handle(worker, items());

    expect(simulator.invites).toHaveLength(36);
    expect((await ledger.getJob(jobId))?.job.counts).toMatchObject({ created: 36, failed: 0 });
  });

  it('a leaver who joined before the product, with offboarding off, is listed for a person, never counted revoked', async () => {
    const email = `oldtimer-${prefix}@example.com`;
    simulator.seedUser({ email });
    const jobId = `${prefix}-leaver`;

    await handle(workerWith(false), [
      leaver(email, { [ATTRIBUTE.source]: 'okta', [ATTRIBUTE.jobId]: jobId }),
    ]);

    expect(lastOutcome()).toBe('revoke_needs_offboarding');
    expect((await ledger.getJob(jobId))?.job.counts).toMatchObject({ revoked: 0, failed: 1 });
    expect((await people.get(email))?.awaiting).toMatchObject({ code: 'revoke_needs_offboarding' });
    expect((await people.listAwaiting()).map((person) => person.email)).toContain(email);
  });

  it('a Greenhouse hire replayed after the leaver invites nobody; a second identical deactivation after a rehire is taken', async () => {
    const email = `candidate-${prefix}@example.com`;
    const worker = workerWith();
    const hire = { [ATTRIBUTE.source]: 'greenhouse', event_id: `greenhouse:${prefix}-hire` };
    const unhire = { [ATTRIBUTE.source]: 'greenhouse', event_id: `greenhouse:${prefix}-unhire` };

    await handle(worker, [joiner(email, hire)]);
    await handle(worker, [leaver(email, unhire)]);
    expect(invitesOf(email).filter((invite) => invite.status === 'pending')).toHaveLength(0);

    await handle(worker, [joiner(email, hire)]);
    expect(lastOutcome()).toBe('refused');
    expect(invitesOf(email).filter((invite) => invite.status === 'pending')).toHaveLength(0);
    expect((await people.get(email))?.intent).toEqual({ state: 'absent' });
    expect((await people.history(email)).events[0]).toMatchObject({ kind: 'refused', reason: 'replayed' });

    // A real rehire (a new event), then the same deactivation body again: it is taken.
    await handle(worker, [joiner(email, { ...hire, event_id: `greenhouse:${prefix}-rehire` })]);
    expect(invitesOf(email).filter((invite) => invite.status === 'pending')).toHaveLength(1);
    await handle(worker, [leaver(email, unhire)]);
    expect((await people.get(email))?.intent).toEqual({ state: 'absent' });
    expect(invitesOf(email).filter((invite) => invite.status === 'pending')).toHaveLength(0);
  });

  it('an older event never overrides a newer one: a hire signed before the leaver invites nobody', async () => {
    const email = `late-${prefix}@example.com`;
    const worker = workerWith();
    await handle(worker, [
      leaver(email, { [ATTRIBUTE.source]: 'standard', event_at: '2026-06-02T10:00:00.000Z' }),
    ]);
    await handle(worker, [
      joiner(email, { [ATTRIBUTE.source]: 'standard', event_at: '2026-06-01T10:00:00.000Z' }),
    ]);

    expect(lastOutcome()).toBe('refused');
    expect(invitesOf(email)).toHaveLength(0);
    expect((await people.history(email)).events[0]).toMatchObject({ kind: 'refused', reason: 'superseded' });
  });
});

describe('GET /v1/people/{email}: a leaver who was a product-invited member, told whole', () => {
  const gateway = new LocalGateway();
  let base: string;
  let people: DynamoDbPersonStore;

  beforeAll(async () => {
    people = new DynamoDbPersonStore(table, { client: ledgerClient });
    setPersonStore(people);
    base = await gateway.start();
  });
  afterAll(async () => {
    await gateway.stop();
    setPersonStore(undefined);
  });

  it('shows declared → invited → observed accepted → declared absent → offboarded, each with its source', async () => {
    const email = `leaver-${Date.now()}@example.com`;
    const config = { ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY };
    const worker = new BulkInviteWorker({
      client: createInvitesClient(config, { maxRetries: 0 }),
      queue: new LocalQueue({ name: 'bulk' }),
      deadLetterQueue: new LocalQueue({ name: 'dlq' }),
      ledger: new DynamoDbLedger(table, ledgerClient),
      people,
      offboardMembers: true,
    });
    const context = lambdaContext('bulk-invite-worker', 60_000);
    // Greenhouse hires; the person accepts; Greenhouse unhires: the product made the membership.
    await worker.handle(
      sqsEvent(sqsRecord({ email, role: 'reader' }, { attributes: { [ATTRIBUTE.source]: 'greenhouse' } })),
      context,
    );
    simulator.accept(simulator.invites.find((invite) => invite.email === email)!.id);
    await worker.handle(
      sqsEvent(
        sqsRecord(
          { email },
          { attributes: { [ATTRIBUTE.source]: 'greenhouse', [ATTRIBUTE.action]: REVOKE_ACTION } },
        ),
      ),
      context,
    );

    const response = await fetch(`${base}/people/${encodeURIComponent(email)}`);
    const body = (await response.json()) as { intent: unknown; history: { kind: string; actor: string }[] };

    expect(response.status).toBe(200);
    expect(body).toMatchObject({ object: 'person', email, intent: { state: 'absent' } });
    expect(body.history.map((event) => event.kind).reverse()).toEqual([
      'declared',
      'invited',
      'declared',
      'observed_accepted',
      'offboarded',
    ]);
    expect(body.history.map((event) => event.actor).reverse()).toEqual([
      'greenhouse',
      'bulk:greenhouse',
      'greenhouse',
      'bulk:greenhouse',
      'bulk:greenhouse',
    ]);
    expect(simulator.users.some((user) => user.email === email)).toBe(false);
  });
});
