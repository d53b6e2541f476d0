/**
 * The people store on moto's DynamoDB (on a ledger table), in memory and in `npm start`'s SQLite
 * through one suite: all must answer alike, records written by the ledger before people existed
 * included. Each store is paired with the ledger it reads those records from.
 */
import { randomUUID } from 'node:crypto';
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import type { Ledger } from '../../lib/ledger/ledger';
import { MemoryLedger } from '../../lib/ledger/memory-ledger';
import { DynamoDbPersonStore } from '../../lib/people/dynamodb-store';
import { MemoryPersonStore } from '../../lib/people/memory-store';
import type { PersonStore } from '../../lib/people/store';
import type { Declaration, PersonEvent } from '../../lib/people/types';
import { SqliteLedger } from '../../local/sqlite-ledger';
import { SqlitePersonStore } from '../../local/sqlite-people';
import { StateStore } from '../../local/state-store';
import { createLedgerTable, dynamodb, ledgerClient } from '../support/dynamodb';

let table: string;
beforeAll(async () => {
  table = await createLedgerTable();
});

/** A clock the test moves. */
const clock = (start = '2026-11-01T00:00:00.000Z') => {
  let time = Date.parse(start);
  return {
    now: () => new Date(time),
    advance: (ms: number) => {
      time += ms;
    },
  };
};

interface Pair {
  store: PersonStore;
  ledger: Ledger;
}
type Clock = ReturnType<typeof clock>;

const STORES: [string, (clock: Clock) => Pair][] = [
  [
    'DynamoDbPersonStore (moto)',
    ({ now }) => ({
      store: new DynamoDbPersonStore(table, { client: ledgerClient, now }),
      ledger: new DynamoDbLedger(table, ledgerClient, now),
    }),
  ],
  [
    'MemoryPersonStore',
    ({ now }) => {
      const ledger = new MemoryLedger(now);
      return { store: new MemoryPersonStore({ ledger, now }), ledger };
    },
  ],
  [
    'SqlitePersonStore',
    ({ now }) => {
      const state = StateStore.inMemory();
      return { store: new SqlitePersonStore(state, { now }), ledger: new SqliteLedger(state, now) };
    },
  ],
];

const newEmail = () => `Person-${randomUUID().slice(0, 8)}@Example.com`;

const joiner = (email: string, at: string, extra: Partial<Declaration> = {}): Declaration => ({
  email,
  intent: { state: 'present', role: 'reader' },
  source: 'greenhouse',
  eventId: `hire-${at}`,
  at,
  ...extra,
});
const leaver = (email: string, at: string, extra: Partial<Declaration> = {}): Declaration => ({
  email,
  intent: { state: 'absent' },
  source: 'greenhouse',
  eventId: `unhire-${at}`,
  at,
  ...extra,
});

const event = (kind: PersonEvent['kind'], at: string, extra: Partial<PersonEvent> = {}): PersonEvent => ({
  kind,
  at,
  actor: 'sweep',
  ...extra,
});

describe.each(STORES)('%s', (_name, make) => {
  it('knows nobody it never heard of', async () => {
    const { store } = make(clock());
    const email = newEmail();
    expect(await store.get(email)).toBeUndefined();
    expect(await store.history(email)).toEqual({ events: [], hasMore: false });
  });

  it('applies a first declaration, with its provenance and a declared event, under any case of the email', async () => {
    const time = clock();
    const { store } = make(time);
    const email = newEmail();

    const result = await store.declare(
      joiner(email, '2026-10-31T12:00:00.000Z', {
        intent: { state: 'present', role: 'owner', projects: [] },
      }),
    );

    expect(result.outcome).toBe('applied');
    const person = await store.get(email.toUpperCase());
    expect(person).toEqual(result.person);
    expect(person).toMatchObject({
      email: email.toLowerCase(),
      intent: { state: 'present', role: 'owner', projects: [] },
      declaredBy: {
        source: 'greenhouse',
        eventId: 'hire-2026-10-31T12:00:00.000Z',
        at: '2026-10-31T12:00:00.000Z',
      },
      declaredEventIds: ['hire-2026-10-31T12:00:00.000Z'],
      productInviteIds: [],
      createdAt: '2026-11-01T00:00:00.000Z',
    });
    const { events } = await store.history(email);
    expect(events).toEqual([
      expect.objectContaining({ kind: 'declared', actor: 'greenhouse', at: '2026-11-01T00:00:00.000Z' }),
    ]);
    expect(events[0]!.detail).toContain('present');
  });

  it('keeps projects omitted apart from projects []', async () => {
    const { store } = make(clock());
    const email = newEmail();
    await store.declare(joiner(email, '2026-10-01T00:00:00.000Z'));
    expect((await store.get(email))!.intent).toEqual({ state: 'present', role: 'reader' });

    const result = await store.declare(
      joiner(email, '2026-10-02T00:00:00.000Z', {
        intent: { state: 'present', role: 'reader', projects: [] },
      }),
    );
    expect(result.outcome).toBe('applied');
    expect((await store.get(email))!.intent).toEqual({ state: 'present', role: 'reader', projects: [] });
  });

  it('keeps an exact intent with groups, and what the product granted (issue 25)', async () => {
    const { store } = make(clock());
    const email = newEmail();
    const intent = {
      state: 'present' as const,
      role: 'reader' as const,
      projects: [{ id: 'proj_a', role: 'member' as const }],
      groups: ['group_a'],
      exact: true,
    };
    await store.declare(joiner(email, '2026-10-01T00:00:00.000Z', { intent }));
    const granted = {
      role: 'reader',
      projects: [{ id: 'proj_a', role: 'member' as const }],
      groups: ['group_a'],
      blocked: ['proj_x'],
    };
    await store.update(email, { granted }, [
      { kind: 'granted', at: '2026-10-01T00:01:00.000Z', actor: 'api', detail: 'add group group_a' },
    ]);

    const person = (await store.get(email))!;
    expect(person.intent).toEqual(intent);
    expect(person.granted).toEqual(granted);
    expect((await store.history(email)).events.find((event) => event.kind === 'granted')).toMatchObject({
      kind: 'granted',
      detail: 'add group group_a',
    });
  });

  it('changes nothing for the same intent again: the first declarer stays, no second event', async () => {
    const time = clock();
    const { store } = make(time);
    const email = newEmail();
    await store.declare(joiner(email, '2026-10-01T00:00:00.000Z'));
    time.advance(1000);

    const again = await store.declare(joiner(email, '2026-10-02T00:00:00.000Z', { source: 'api' }));

    expect(again.outcome).toBe('unchanged');
    expect((await store.get(email))!.declaredBy).toMatchObject({
      source: 'greenhouse',
      at: '2026-10-01T00:00:00.000Z',
    });
    expect((await store.history(email)).events.map((e) => e.kind)).toEqual(['declared']);
  });

  it('refuses an older event after a newer one (superseded), and says so in the history', async () => {
    const time = clock();
    const { store } = make(time);
    const email = newEmail();
    await store.declare(leaver(email, '2026-10-05T00:00:00.000Z', { source: 'okta' }));
    time.advance(1000);

    const late = await store.declare(joiner(email, '2026-10-04T00:00:00.000Z'));

    expect(late.outcome).toBe('superseded');
    expect(late.person.intent).toEqual({ state: 'absent' });
    expect((await store.get(email))!.intent).toEqual({ state: 'absent' });
    const { events } = await store.history(email);
    expect(events.map((e) => [e.kind, e.reason])).toEqual([
      ['refused', 'superseded'],
      ['declared', undefined],
    ]);
  });

  it('never lets a replayed joiner undo a leaver, even one seen while the intent already stood', async () => {
    const time = clock();
    const { store, ledger } = make(time);
    const email = newEmail();
    // The product invited them before people existed: the joiner finds the intent already there.
    await ledger.recordInvite({
      email,
      outcome: 'created',
      source: 'api',
      inviteId: 'invite-r1',
      role: 'reader',
      status: 'pending',
      at: '2026-09-01T00:00:00.000Z',
    });
    expect((await store.declare(joiner(email, '2026-10-01T00:00:00.000Z'))).outcome).toBe('unchanged');
    expect((await store.declare(leaver(email, '2026-10-02T00:00:00.000Z'))).outcome).toBe('applied');
    time.advance(1000);

    const replay = await store.declare(
      joiner(email, '2026-10-03T00:00:00.000Z', { eventId: 'hire-2026-10-01T00:00:00.000Z' }),
    );

    expect(replay.outcome).toBe('replayed');
    expect((await store.get(email))!.intent).toEqual({ state: 'absent' });
    expect((await store.history(email)).events[0]).toMatchObject({ kind: 'refused', reason: 'replayed' });
  });

  it('takes the same leaver again from a source with the authority to remove', async () => {
    const { store } = make(clock());
    const email = newEmail();
    await store.declare(leaver(email, '2026-10-01T00:00:00.000Z'));
    expect((await store.get(email))!.declaredBy?.removalAuthority).toBeUndefined();

    const okta = await store.declare(
      leaver(email, '2026-10-02T00:00:00.000Z', { source: 'okta', eventId: 'okta-1' }),
    );

    expect(okta.outcome).toBe('applied');
    expect((await store.get(email))!.declaredBy).toEqual({
      source: 'okta',
      eventId: 'okta-1',
      at: '2026-10-02T00:00:00.000Z',
      removalAuthority: true,
    });
  });

  it('lets one declaration of several at once stand: the newest, whatever the order', async () => {
    const { store } = make(clock());
    const email = newEmail();
    const roles = ['reader', 'owner', 'reader', 'owner', 'reader'] as const;
    const declarations = roles.map((role, index) =>
      joiner(email, `2026-10-0${index + 1}T00:00:00.000Z`, {
        intent: { state: 'present', role, projects: [{ id: `proj_${index}`, role: 'member' }] },
      }),
    );
    for (const declaration of [
      declarations[3],
      declarations[1],
      declarations[4],
      declarations[0],
      declarations[2],
    ])
      await store.declare(declaration!);

    const person = await store.get(email);
    expect(person!.intent).toEqual(declarations[4]!.intent);
    expect(person!.declaredBy!.at).toBe('2026-10-05T00:00:00.000Z');
    const kinds = (await store.history(email)).events.map((e) => e.kind);
    expect(kinds.filter((kind) => kind === 'declared')).toHaveLength(2); // 4th, then 5th
    expect(kinds.filter((kind) => kind === 'refused')).toHaveLength(3);
  });

  it('creates a person from a patch, adds the product’s invites once, and sets and clears awaiting', async () => {
    const time = clock();
    const { store } = make(time);
    const email = newEmail();
    const observed = {
      invite: {
        id: 'invite-1',
        status: 'pending',
        role: 'reader',
        projects: [],
        createdAt: 1_761_955_200,
        expiresAt: null,
      },
      seenAt: '2026-11-01T00:00:00.000Z',
    };

    const created = await store.update(
      email,
      { observed, productInvite: { id: 'invite-1', at: '2026-11-01T00:00:00.000Z' } },
      [event('invited', '2026-11-01T00:00:00.000Z', { inviteId: 'invite-1', actor: 'api' })],
    );
    expect(created).toMatchObject({
      email: email.toLowerCase(),
      observed,
      productInviteIds: ['invite-1'],
      lastInvitedAt: '2026-11-01T00:00:00.000Z',
    });
    expect(created.intent).toBeUndefined();
    time.advance(1000);

    const awaiting = {
      code: 'revoke_needs_offboarding',
      reason: 'a member; offboarding is off',
      since: '2026-11-01T00:00:01.000Z',
    };
    await store.update(
      email,
      { productInvite: { id: 'invite-1', at: '2026-10-01T00:00:00.000Z' }, awaiting },
      [],
    );
    let person = await store.get(email);
    expect(person).toMatchObject({
      productInviteIds: ['invite-1'],
      lastInvitedAt: '2026-11-01T00:00:00.000Z',
      awaiting,
      observed,
    });
    expect((await store.listAwaiting()).map((p) => p.email)).toContain(email.toLowerCase());

    await store.update(email, {
      awaiting: null,
      observed: { member: { userId: 'user-1', role: 'reader' }, seenAt: '2026-11-02T00:00:00.000Z' },
    });
    person = await store.get(email);
    expect(person!.awaiting).toBeUndefined();
    expect(person!.observed).toEqual({
      member: { userId: 'user-1', role: 'reader' },
      seenAt: '2026-11-02T00:00:00.000Z',
    });
    expect((await store.listAwaiting()).map((p) => p.email)).not.toContain(email.toLowerCase());
  });

  it('keeps intent when a patch follows a declaration, and a declaration keeps what patches wrote', async () => {
    const { store } = make(clock());
    const email = newEmail();
    await store.declare(joiner(email, '2026-10-01T00:00:00.000Z'));
    await store.update(email, { productInvite: { id: 'invite-9', at: '2026-10-01T00:00:01.000Z' } });
    await store.declare(leaver(email, '2026-10-02T00:00:00.000Z'));
    expect(await store.get(email)).toMatchObject({
      intent: { state: 'absent' },
      productInviteIds: ['invite-9'],
    });
  });

  it('answers history newest first, at most 100 a read, and whether older events exist', async () => {
    const { store } = make(clock());
    const email = newEmail();
    const events = Array.from({ length: 103 }, (_, index) =>
      event('observed_gone', new Date(Date.parse('2026-10-01T00:00:00.000Z') + index * 1000).toISOString(), {
        reason: `#${index}`,
      }),
    );
    await store.append(email, events.slice(0, 50));
    await store.append(email, events.slice(50));

    const page = await store.history(email);
    expect(page.hasMore).toBe(true);
    expect(page.events).toHaveLength(100);
    expect(page.events[0]).toEqual(events[102]);
    expect(page.events[99]).toEqual(events[3]);
    expect(await store.history(email, { limit: 2 })).toEqual({
      events: [events[102], events[101]],
      hasMore: true,
    });
    expect((await store.history(email, { limit: 500 })).events).toHaveLength(100);

    const other = newEmail();
    await store.append(other, [events[0]!, events[1]!]);
    expect(await store.history(other, { limit: 2 })).toEqual({
      events: [events[1], events[0]],
      hasMore: false,
    });
  });

  it('keeps events of the same time in the order written (newest first)', async () => {
    const { store } = make(clock());
    const email = newEmail();
    const at = '2026-10-01T00:00:00.000Z';
    await store.update(email, {}, [
      event('observed_accepted', at),
      event('revoked', at),
      event('offboarded', at),
    ]);
    expect((await store.history(email)).events.map((e) => e.kind)).toEqual([
      'offboarded',
      'revoked',
      'observed_accepted',
    ]);
  });

  it('lists those awaiting a person newest first', async () => {
    const { store, ledger } = make(clock());
    const [first, second] = [newEmail(), newEmail()];
    await store.update(first, {
      awaiting: { code: 'owner_not_removed', reason: 'an owner', since: '2026-11-01T00:00:00.000Z' },
    });
    await store.update(second, {
      awaiting: {
        code: 'revoke_needs_offboarding',
        reason: 'offboarding is off',
        since: '2026-11-02T00:00:00.000Z',
      },
    });
    const listed = (await store.listAwaiting()).map((person) => person.email);
    expect(listed.indexOf(second.toLowerCase())).toBeGreaterThanOrEqual(0);
    expect(listed.indexOf(second.toLowerCase())).toBeLessThan(listed.indexOf(first.toLowerCase()));
    // The ledger's own list holds outcomes it recorded only, never a person it cannot read as one.
    const needing = await ledger.listNeedingAction();
    expect(needing.every((record) => record.lastOutcome !== undefined && record.source !== undefined)).toBe(
      true,
    );
    expect(needing.map((record) => record.email)).not.toContain(second.toLowerCase());
  });

  describe('records written by the ledger before people existed', () => {
    it('reads a created invite as a present intent the product made', async () => {
      const { store, ledger } = make(clock());
      const email = newEmail();
      await ledger.recordInvite({
        email,
        outcome: 'created',
        source: 'okta',
        inviteId: 'invite-legacy',
        status: 'pending',
        role: 'owner',
        projects: [{ id: 'proj_a', role: 'member' }],
        at: '2026-09-01T00:00:00.000Z',
      });

      expect(await store.get(email)).toEqual({
        email: email.toLowerCase(),
        intent: { state: 'present', role: 'owner', projects: [{ id: 'proj_a', role: 'member' }] },
        declaredBy: { source: 'okta', at: '2026-09-01T00:00:00.000Z' },
        declaredEventIds: [],
        observed: {
          invite: {
            id: 'invite-legacy',
            status: 'pending',
            role: 'owner',
            projects: [{ id: 'proj_a', role: 'member' }],
          },
          seenAt: '2026-09-01T00:00:00.000Z',
        },
        productInviteIds: ['invite-legacy'],
        lastInvitedAt: '2026-09-01T00:00:00.000Z',
        createdAt: '2026-09-01T00:00:00.000Z',
        updatedAt: '2026-09-01T00:00:00.000Z',
      });
    });

    it('keeps the legacy intent through a patch, and orders declarations after it', async () => {
      const { store, ledger } = make(clock());
      const email = newEmail();
      await ledger.recordInvite({
        email,
        outcome: 'already_invited',
        source: 'api',
        inviteId: 'invite-x',
        role: 'reader',
        at: '2026-09-01T00:00:00.000Z',
      });

      const patched = await store.update(email, { observed: { seenAt: '2026-11-01T00:00:00.000Z' } });
      expect(patched.intent).toEqual({ state: 'present', role: 'reader' });
      expect(patched.productInviteIds).toEqual([]);
      expect((await store.declare(leaver(email, '2026-08-01T00:00:00.000Z'))).outcome).toBe('superseded');
      expect((await store.declare(leaver(email, '2026-10-01T00:00:00.000Z'))).outcome).toBe('applied');
      expect(await store.get(email)).toMatchObject({
        intent: { state: 'absent' },
        observed: { seenAt: '2026-11-01T00:00:00.000Z' },
      });

      // The ledger's own record still reads as before: the person never overwrote it.
      expect(await ledger.getInvite(email)).toMatchObject({
        lastOutcome: 'already_invited',
        inviteId: 'invite-x',
        role: 'reader',
        source: 'api',
      });
    });

    it('reads a revoked record as absent, and a failure awaiting a person into the list', async () => {
      const { store, ledger } = make(clock());
      const [revoked, waiting] = [newEmail(), newEmail()];
      await ledger.recordInvite({
        email: revoked,
        outcome: 'revoked',
        source: 'greenhouse',
        inviteId: 'invite-r',
        status: 'revoked',
        at: '2026-09-01T00:00:00.000Z',
      });
      await ledger.recordInvite({
        email: waiting,
        outcome: 'failed',
        source: 'okta',
        code: 'revoke_needs_offboarding',
        message: 'a member; OFFBOARD_MEMBERS is off',
        at: '2026-09-02T00:00:00.000Z',
      });

      expect(await store.get(revoked)).toMatchObject({
        intent: { state: 'absent' },
        productInviteIds: [],
        observed: { seenAt: '2026-09-01T00:00:00.000Z' },
      });
      const person = await store.get(waiting);
      expect(person!.intent).toBeUndefined();
      expect(person!.awaiting).toEqual({
        code: 'revoke_needs_offboarding',
        reason: 'a member; OFFBOARD_MEMBERS is off',
        since: '2026-09-02T00:00:00.000Z',
      });
      const listed = await store.listAwaiting();
      expect(listed.find((p) => p.email === waiting.toLowerCase())?.awaiting?.code).toBe(
        'revoke_needs_offboarding',
      );
      expect(listed.map((p) => p.email)).not.toContain(revoked.toLowerCase());
    });

    it('lets the ledger keep recording for an email the people store wrote first', async () => {
      const { store, ledger } = make(clock());
      const email = newEmail();
      await store.declare(joiner(email, '2026-11-01T00:00:00.000Z'));
      await ledger.recordInvite({
        email,
        outcome: 'created',
        source: 'api',
        inviteId: 'invite-after',
        role: 'reader',
        status: 'pending',
        at: '2026-11-01T00:00:01.000Z',
      });
      expect(await ledger.getInvite(email)).toMatchObject({
        lastOutcome: 'created',
        inviteId: 'invite-after',
      });
      expect((await store.get(email))!.declaredBy!.source).toBe('greenhouse');
    });
  });
});

describe('DynamoDbPersonStore on the ledger item', () => {
  it('keeps history events for PERSON_HISTORY_DAYS (expiresAt) and the person on the email item', async () => {
    const store = new DynamoDbPersonStore(table, { client: ledgerClient, historyDays: 10 });
    const email = newEmail().toLowerCase();
    await store.declare(
      joiner(email, '2026-10-01T00:00:00.000Z', {
        intent: { state: 'present', role: 'reader', projects: [] },
      }),
    );
    await store.append(email, [event('drift', '2026-10-01T00:00:00.000Z')]);

    const events = await dynamodb.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': { S: `EMAIL#${email}` },
          ':prefix': { S: 'EVENT#2026-10-01T00:00:00.000Z#' },
        },
      }),
    );
    expect(events.Items).toHaveLength(1);
    expect(Number(events.Items![0]!.expiresAt!.N)).toBe(
      Date.parse('2026-10-01T00:00:00.000Z') / 1000 + 10 * 86_400,
    );
    const item = (
      await dynamodb.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: `EMAIL#${email}` }, sk: { S: 'INVITE' } } }),
      )
    ).Item!;
    expect(item.intent).toEqual({
      M: { state: { S: 'present' }, role: { S: 'reader' }, projects: { L: [] } },
    });
    expect(item.declared_at).toEqual({ S: '2026-10-01T00:00:00.000Z' });
    expect(item.person_version).toEqual({ N: '1' });
  });

  it('retries when another writer changed the person between its read and its write', async () => {
    const email = newEmail();
    const store = new DynamoDbPersonStore(table, { client: ledgerClient });
    await store.declare(joiner(email, '2026-10-01T00:00:00.000Z'));
    let interfered = false;
    // A client whose first write is preceded by another writer's declaration.
    const racing = new Proxy(ledgerClient, {
      get(target, property, receiver) {
        if (property === 'transactWriteItems')
          return async (input: Parameters<typeof ledgerClient.transactWriteItems>[0]) => {
            if (!interfered) {
              interfered = true;
              await store.declare(leaver(email, '2026-10-03T00:00:00.000Z', { source: 'okta' }));
            }
            return target.transactWriteItems(input);
          };
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });

    const result = await new DynamoDbPersonStore(table, { client: racing }).declare(
      joiner(email, '2026-10-02T00:00:00.000Z', { intent: { state: 'present', role: 'owner' } }),
    );

    expect(result.outcome).toBe('superseded');
    expect((await store.get(email))!.intent).toEqual({ state: 'absent' });
  });
});

describe('history retention where the store prunes (memory, SQLite)', () => {
  it.each([
    ['MemoryPersonStore', (now: () => Date) => new MemoryPersonStore({ now, historyDays: 30 })],
    [
      'SqlitePersonStore',
      (now: () => Date) => new SqlitePersonStore(StateStore.inMemory(), { now, historyDays: 30 }),
    ],
  ])('%s drops events older than the retention as it writes', async (_name, makeStore) => {
    const time = clock('2026-11-01T00:00:00.000Z');
    const store = makeStore(time.now);
    const email = newEmail();
    await store.append(email, [
      event('invited', '2026-09-01T00:00:00.000Z'),
      event('drift', '2026-10-15T00:00:00.000Z'),
    ]);
    expect((await store.history(email)).events.map((e) => e.kind)).toEqual(['drift']);
  });
});
