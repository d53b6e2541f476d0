/**
 * The create claim (lib/people/claims.ts): the rule alone, then the same answers from every
 * PersonStore — DynamoDB on moto (the ledger table), in memory, and `npm start`'s SQLite.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { claimChange } from '../../lib/people/claims';
import { DynamoDbPersonStore } from '../../lib/people/dynamodb-store';
import { MemoryPersonStore } from '../../lib/people/memory-store';
import type { PersonStore } from '../../lib/people/store';
import { SqlitePersonStore } from '../../local/sqlite-people';
import { StateStore } from '../../local/state-store';
import type { DynamoDbJsonClient } from '../../lib/commons/dynamodb-json-client';
import { emailKey, type Item } from '../../lib/ledger/dynamodb-items';
import { createLedgerTable, ledgerClient } from '../support/dynamodb';

const START = '2026-11-01T00:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(START) + seconds * 1000).toISOString();

/** A clock the test moves. */
const clock = () => {
  let time = Date.parse(START);
  return {
    now: () => new Date(time),
    advance: (seconds: number) => {
      time += seconds * 1000;
    },
  };
};

describe('the claim rule', () => {
  it('grants a claim nobody holds, to a person the product never heard of', () => {
    const change = claimChange(undefined, 'ada@example.com', { token: 'a', until: at(30) }, START);

    expect(change.outcome).toMatchObject({ claimed: true });
    expect(change.outcome).not.toHaveProperty('unsettled');
    expect(change.person).toMatchObject({
      email: 'ada@example.com',
      createClaim: { token: 'a', at: START, until: at(30) },
    });
  });

  it('refuses a live claim of another holder, naming its expiry, and writes nothing', () => {
    const held = claimChange(undefined, 'ada@example.com', { token: 'a', until: at(30) }, START).person;

    const change = claimChange(held, 'ada@example.com', { token: 'b', until: at(40) }, at(10));

    expect(change).toEqual({ outcome: { claimed: false, heldUntil: at(30) } });
  });

  it('grants the holder its own claim again, extended, keeping when it was first taken', () => {
    const held = claimChange(undefined, 'ada@example.com', { token: 'a', until: at(30) }, START).person;

    const change = claimChange(held, 'ada@example.com', { token: 'a', until: at(60) }, at(10));

    expect(change.outcome).toEqual({ claimed: true, person: change.person });
    expect(change.person!.createClaim).toEqual({ token: 'a', at: START, until: at(60) });
  });

  it('grants an expired claim over, saying it was never settled (its create may have reached OpenAI)', () => {
    const held = claimChange(undefined, 'ada@example.com', { token: 'a', until: at(30) }, START).person;

    const change = claimChange(held, 'ada@example.com', { token: 'b', until: at(70) }, at(30));

    expect(change.outcome).toMatchObject({ claimed: true, unsettled: { token: 'a', at: START } });
    expect(change.person!.createClaim).toEqual({ token: 'b', at: at(30), until: at(70) });
  });
});

let table: string;
beforeAll(async () => {
  table = await createLedgerTable();
});

const STORES: [string, (now: () => Date) => PersonStore][] = [
  ['DynamoDbPersonStore (moto)', (now) => new DynamoDbPersonStore(table, { client: ledgerClient, now })],
  ['MemoryPersonStore', (now) => new MemoryPersonStore({ now })],
  ['SqlitePersonStore', (now) => new SqlitePersonStore(StateStore.inMemory(), { now })],
];

const newEmail = () => `Claim-${randomUUID().slice(0, 8)}@Example.com`;

describe.each(STORES)('%s', (_name, make) => {
  it('grants one claim, refuses another holder until it expires, then grants it as unsettled', async () => {
    const time = clock();
    const store = make(time.now);
    const email = newEmail();

    const first = await store.claimCreate(email, { token: 'a', until: at(30) });
    time.advance(10);
    const second = await store.claimCreate(email.toLowerCase(), { token: 'b', until: at(40) });
    time.advance(20);
    const third = await store.claimCreate(email, { token: 'b', until: at(70) });

    expect(first).toMatchObject({ claimed: true, person: { email: email.toLowerCase() } });
    expect(first).not.toHaveProperty('unsettled');
    expect(second).toEqual({ claimed: false, heldUntil: at(30) });
    expect(third).toMatchObject({ claimed: true, unsettled: { token: 'a', at: START } });
    expect((await store.get(email))!.createClaim).toEqual({ token: 'b', at: at(30), until: at(70) });
  });

  it('settles a claim with the update that records the invite; the next taker finds it settled', async () => {
    const time = clock();
    const store = make(time.now);
    const email = newEmail();
    await store.claimCreate(email, { token: 'a', until: at(30) });

    const recorded = await store.update(email, {
      productInvite: { id: 'invite-1', at: START },
      settleClaim: 'a',
    });
    const next = await store.claimCreate(email, { token: 'b', until: at(30) });

    expect(recorded.createClaim).toBeUndefined();
    expect(recorded.productInviteIds).toEqual(['invite-1']);
    expect(next).toMatchObject({ claimed: true, person: { productInviteIds: ['invite-1'] } });
    expect(next).not.toHaveProperty('unsettled');
  });

  it('leaves another holder’s claim alone when a stale holder settles', async () => {
    const time = clock();
    const store = make(time.now);
    const email = newEmail();
    await store.claimCreate(email, { token: 'a', until: at(30) });
    time.advance(31);
    await store.claimCreate(email, { token: 'b', until: at(90) });

    await store.update(email, { settleClaim: 'a' });

    expect((await store.get(email))!.createClaim).toMatchObject({ token: 'b' });
    expect(await store.claimCreate(email, { token: 'c', until: at(95) })).toEqual({
      claimed: false,
      heldUntil: at(90),
    });
  });

  it('keeps the person’s intent and invites when claimed, and the claim when declared', async () => {
    const time = clock();
    const store = make(time.now);
    const email = newEmail();
    await store.declare({
      email,
      intent: { state: 'present', role: 'reader' },
      source: 'api',
      eventId: 'e1',
      at: START,
    });

    const claim = await store.claimCreate(email, { token: 'a', until: at(30) });
    await store.declare({
      email,
      intent: { state: 'present', role: 'owner' },
      source: 'api',
      eventId: 'e2',
      at: at(1),
    });

    expect(claim).toMatchObject({ claimed: true, person: { intent: { role: 'reader' } } });
    expect(await store.get(email)).toMatchObject({
      intent: { role: 'owner' },
      createClaim: { token: 'a', until: at(30) },
    });
  });
});

// moto checks a condition and writes without a lock, so under concurrent requests two
// conditional writes can both pass (17–25 of 150 four-way races). DynamoDB's condition is atomic:
// there the race is played in order, with a taker whose read predates the holder's write.
describe.each(STORES.filter(([name]) => !name.startsWith('DynamoDb')))('%s', (_name, make) => {
  it('grants exactly one of several takers at once', async () => {
    const store = make(() => new Date(START));
    const email = newEmail();

    const outcomes = await Promise.all(
      ['a', 'b', 'c', 'd'].map((token) => store.claimCreate(email, { token, until: at(30) })),
    );

    expect(outcomes.filter((outcome) => outcome.claimed)).toHaveLength(1);
  });
});

/** The ledger client, except that its next GetItem answers `stale` (a read from before a write). */
const clientReadingOnce = (stale: { Item?: Item }): DynamoDbJsonClient => {
  let pending = true;
  return new Proxy(ledgerClient, {
    get(target, property, receiver) {
      if (property === 'getItem' && pending) {
        pending = false;
        return async () => stale;
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
};

describe('DynamoDbPersonStore (moto): a taker whose read predates the holder’s claim', () => {
  const now = () => new Date(START);
  const holder = () => new DynamoDbPersonStore(table, { client: ledgerClient, now });
  const itemOf = async (email: string) =>
    (
      await ledgerClient.getItem({
        TableName: table,
        Key: emailKey(email.toLowerCase()),
        ConsistentRead: true,
      })
    ).Item;

  /** What the late taker read: nothing (the person was new), or the person before the claim. */
  const staleReads: [string, (email: string) => Promise<{ Item?: Item }>][] = [
    ['was new', async () => ({})],
    [
      'existed unclaimed',
      async (email) => {
        await holder().claimCreate(email, { token: 'earlier', until: at(30) });
        await holder().update(email, { settleClaim: 'earlier' });
        return { Item: await itemOf(email) };
      },
    ],
  ];

  it.each(staleReads)(
    'loses on the condition when the person %s, reads again, and is refused',
    async (_case, readBefore) => {
      const email = newEmail();
      const stale = await readBefore(email);
      await holder().claimCreate(email, { token: 'a', until: at(30) });
      const late = new DynamoDbPersonStore(table, { client: clientReadingOnce(stale), now });

      expect(await late.claimCreate(email, { token: 'b', until: at(30) })).toEqual({
        claimed: false,
        heldUntil: at(30),
      });
      expect((await holder().get(email))!.createClaim).toMatchObject({ token: 'a' });
    },
  );
});

describe('SqlitePersonStore at the start of `npm start`', () => {
  it('ends the claims a gone run still held, so the next taker gets them at once, as unsettled', async () => {
    const time = clock();
    const store = new SqlitePersonStore(StateStore.inMemory(), { now: time.now });
    await store.claimCreate('held@example.com', { token: 'a', until: at(70) });
    await store.claimCreate('settled@example.com', { token: 'c', until: at(70) });
    await store.update('settled@example.com', { settleClaim: 'c' });
    time.advance(5);

    expect(store.expireCreateClaims()).toBe(1);
    const next = await store.claimCreate('held@example.com', { token: 'b', until: at(75) });

    expect(next).toMatchObject({ claimed: true, unsettled: { token: 'a', at: START } });
    expect((await store.get('settled@example.com'))!.createClaim).toBeUndefined();
  });
});
