/**
 * `npm start`'s state store on a real folder: what the queue, the ledger and the simulator's
 * organization hold is there again when the folder is opened anew (as the next `npm start`
 * does), and one folder serves one process at a time.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalQueue } from '../../local/local-queue';
import { InvitesSimulator } from '../../local/openai-simulator';
import { SqliteSimulatorOrganization } from '../../local/simulator-organization';
import { SqliteLedger } from '../../local/sqlite-ledger';
import {
  STATE_LAYOUT_VERSION,
  StateDirInUseError,
  StateDirUnreadableError,
  StateStore,
} from '../../local/state-store';
import { tempStateDir } from '../support/npm-start';

const opened: StateStore[] = [];
const open = (dir: string): StateStore => {
  const store = StateStore.open(dir);
  opened.push(store);
  return store;
};
/** What a Ctrl-C does to the store, then the next start's open. */
const reopen = (store: StateStore): StateStore => {
  store.close();
  return open(store.location);
};

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

const queuesIn = (store: StateStore) => {
  const deadLetterQueue = new LocalQueue({ name: 'invites-dlq', store });
  const queue = new LocalQueue({ name: 'invites', maxReceiveCount: 2, deadLetterQueue, store });
  return { queue, deadLetterQueue };
};

describe('StateStore', () => {
  it('refuses a second opener of a folder in use, names it, and frees it on close', () => {
    const dir = tempStateDir();
    const store = open(dir);

    expect(() => StateStore.open(dir)).toThrow(StateDirInUseError);
    expect(() => StateStore.open(dir)).toThrow(`${dir}/state.db is in use by another \`npm start\``);
    store.close();
    expect(open(dir).location).toBe(dir);
  });

  it('opens a folder written by the better-sqlite3 version (Node 20) with everything in it', async () => {
    const dir = tempStateDir();
    copyFileSync(
      fileURLToPath(new URL('../fixtures/state-better-sqlite3/state.db', import.meta.url)),
      join(dir, 'state.db'),
    );
    const store = open(dir);
    const { queue } = queuesIn(store);

    expect(queue.list()).toMatchObject([
      { body: '{"email":"queued@example.com","role":"reader"}', attributes: { job_id: 'wave-0' } },
    ]);
    expect(await new SqliteLedger(store).getJob('wave-0')).toMatchObject({
      job: { total: 2, counts: { created: 1 } },
    });
    expect(new InvitesSimulator({}, new SqliteSimulatorOrganization(store)).invites).toMatchObject([
      { email: 'done@example.com' },
    ]);
    expect(store.db.prepare('PRAGMA user_version').get()).toEqual({ user_version: STATE_LAYOUT_VERSION });
  });

  it('refuses a folder written by a newer layout, or not a database, and says what to do', () => {
    const newer = open(tempStateDir());
    newer.db.exec(`PRAGMA user_version = ${STATE_LAYOUT_VERSION + 1}`);
    newer.close();
    expect(() => StateStore.open(newer.location)).toThrow(StateDirUnreadableError);
    expect(() => StateStore.open(newer.location)).toThrow(
      `${newer.location}/state.db was written by a newer version of this project`,
    );
    expect(() => StateStore.open(newer.location)).toThrow(`mv ${newer.location} ${newer.location}.old`);

    const garbage = tempStateDir();
    writeFileSync(join(garbage, 'state.db'), 'not SQLite '.repeat(200));
    expect(() => StateStore.open(garbage)).toThrow(`${garbage}/state.db is not an SQLite database`);
  });

  it('runs a transaction whole or not at all; a nested one that throws undoes its own writes only', () => {
    const store = open(tempStateDir());
    store.db.exec('CREATE TABLE t (v TEXT)');
    const insert = (v: string) => store.db.prepare('INSERT INTO t (v) VALUES (?)').run(v);
    const values = () =>
      store.db
        .prepare('SELECT v FROM t ORDER BY rowid')
        .all()
        .map((row) => row.v);

    expect(() =>
      store.transaction(() => {
        insert('lost');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    store.transaction(() => {
      insert('outer');
      expect(() =>
        store.transaction(() => {
          insert('inner');
          throw new Error('inner boom');
        }),
      ).toThrow('inner boom');
      store.transaction(() => insert('nested'));
    });

    expect(values()).toEqual(['outer', 'nested']);
    expect(store.db.isTransaction).toBe(false);
  });

  it('keeps two folders apart', async () => {
    const one = queuesIn(open(tempStateDir()));
    const other = queuesIn(open(tempStateDir()));

    await one.queue.send({ body: '{"email":"a@example.com","role":"reader"}' });

    expect([one.queue.size, other.queue.size]).toEqual([1, 0]);
  });
});

describe('LocalQueue in a state folder', () => {
  it('keeps queued, in-flight and dead-lettered messages across a restart; in-flight ones are due at once', async () => {
    const store = open(tempStateDir());
    const { queue } = queuesIn(store);
    await queue.sendBatch([
      { id: '1', body: 'dead', attributes: { job_id: 'j' } },
      { id: '2', body: 'in-flight' },
      { id: '3', body: 'queued' },
    ]);
    for (let receive = 1; receive <= 2; receive += 1) {
      // 'dead' is received twice (maxReceiveCount 2) and comes straight back each time.
      await queue.changeVisibility((await queue.receive(1, 0))[0]!.receiptHandle, 0);
    }
    const inFlight = await queue.receive(1, 0); // 'dead' goes to the DLQ; 'in-flight' is taken

    expect(inFlight.map((message) => message.body)).toEqual(['in-flight']);
    const { queue: resumedQueue, deadLetterQueue } = queuesIn(reopen(store));

    expect(resumedQueue.list().map((message) => [message.body, message.receiveCount])).toEqual([
      ['in-flight', 1],
      ['queued', 0],
    ]);
    expect(resumedQueue.releaseInFlight()).toBe(1); // due now, not after its visibility timeout
    const resumed = await resumedQueue.receive(10, 0);
    expect(
      resumed.map((message) => [message.body, message.systemAttributes.ApproximateReceiveCount]),
    ).toEqual([
      ['in-flight', '2'],
      ['queued', '1'],
    ]);
    expect(deadLetterQueue.list()).toMatchObject([
      { body: 'dead', attributes: { job_id: 'j' }, receiveCount: 0 },
    ]);
  });

  it('moves the messages picked from one queue to another (a DLQ redrive), durably', async () => {
    let store = open(tempStateDir());
    let { queue, deadLetterQueue } = queuesIn(store);
    await deadLetterQueue.sendBatch([
      { id: '1', body: 'a', attributes: { job_id: 'keep' } },
      { id: '2', body: 'b', attributes: { job_id: 'move' } },
    ]);

    const moved = deadLetterQueue.moveTo(
      queue,
      (message) => message.attributes.job_id === 'move',
      (attributes) => ({ ...attributes, redriven: 'yes' }),
    );
    store = reopen(store);
    ({ queue, deadLetterQueue } = queuesIn(store));

    expect(moved).toBe(1);
    expect(queue.list()).toMatchObject([
      { body: 'b', attributes: { job_id: 'move', redriven: 'yes' }, receiveCount: 0 },
    ]);
    expect(deadLetterQueue.list().map((message) => message.body)).toEqual(['a']);
  });
});

describe('SqliteLedger in a state folder', () => {
  it('gives the same job progress and email record after a restart', async () => {
    let store = open(tempStateDir());
    const ledger = new SqliteLedger(store);
    await ledger.startJob({ jobId: 'wave-1', total: 3, source: 'api' });
    await ledger.recordItem({
      jobId: 'wave-1',
      index: 0,
      email: 'A@Example.com',
      outcome: 'created',
      source: 'api',
      inviteId: 'invite-a',
    });
    await ledger.recordItem({
      jobId: 'wave-1',
      index: 1,
      email: 'b@example.com',
      outcome: 'failed',
      source: 'api',
      code: 'invalid_invite',
      message: 'bad',
    });
    const before = [await ledger.getJob('wave-1'), await ledger.getInvite('a@example.com')];

    store = reopen(store);
    const after = new SqliteLedger(store);
    await after.recordItem({
      jobId: 'wave-1',
      index: 0,
      email: 'a@example.com',
      outcome: 'already_invited',
      source: 'api',
    });

    expect([await after.getJob('wave-1'), await after.getInvite('a@example.com')]).toEqual(before);
    expect(before[0]).toMatchObject({
      job: { total: 3, counts: { created: 1, failed: 1 } },
      failures: [{ index: 1 }],
    });
    expect(after.description).toBe(`SQLite in ${store.location} (kept across restarts)`);
  });
});

describe('the simulator’s organization in a state folder', () => {
  it('finds its invites, in list order and with their statuses, after a restart; reset empties it', async () => {
    let store = open(tempStateDir());
    const simulator = new InvitesSimulator({}, new SqliteSimulatorOrganization(store));
    const [first, second, third] = ['x@example.com', 'y@example.com', 'z@example.com'].map((email) =>
      simulator.seed(email),
    );
    simulator.accept(second!.id);
    simulator.expire(third!.id);
    const url = await simulator.start();
    const deleted = await fetch(`${url}/organization/invites/${first!.id}`, {
      method: 'DELETE',
      headers: { Authorization: 'Bearer sk-test' },
    });
    await simulator.stop();
    expect(deleted.status).toBe(200);

    store = reopen(store);
    const restarted = new InvitesSimulator({}, new SqliteSimulatorOrganization(store));

    expect(restarted.invites).toEqual(simulator.invites);
    expect(restarted.invites.map((invite) => [invite.email, invite.status])).toEqual([
      ['y@example.com', 'accepted'],
      ['z@example.com', 'expired'],
    ]);
    restarted.reset();
    expect(new InvitesSimulator({}, new SqliteSimulatorOrganization(reopen(store))).invites).toEqual([]);
  });

  it('keeps its members (an accepted invite, a seeded owner) across a restart, removals included', async () => {
    let store = open(tempStateDir());
    const simulator = new InvitesSimulator(
      { users: [{ email: 'boss@example.com', role: 'owner' }] },
      new SqliteSimulatorOrganization(store),
    );
    simulator.accept(simulator.seed('joined@example.com').id);
    const leaver = simulator.seedUser({ email: 'leaver@example.com' });
    const url = await simulator.start();
    const removed = await fetch(`${url}/organization/users/${leaver.id}`, {
      method: 'DELETE',
      headers: { Authorization: 'Bearer sk-test' },
    });
    await simulator.stop();
    expect(removed.status).toBe(200);

    store = reopen(store);
    // The same seed again, as `npm start` passes it at every start: the owner joins once.
    const restarted = new InvitesSimulator(
      { users: [{ email: 'boss@example.com', role: 'owner' }] },
      new SqliteSimulatorOrganization(store),
    );

    expect(restarted.users).toEqual(simulator.users);
    expect(restarted.users.map((user) => [user.email, user.role])).toEqual([
      ['boss@example.com', 'owner'],
      ['joined@example.com', 'reader'],
    ]);
    // Reset is back to how it was created: only the seeded owner.
    restarted.reset();
    const afterReset = new InvitesSimulator({}, new SqliteSimulatorOrganization(reopen(store)));
    expect(afterReset.users.map((user) => user.email)).toEqual(['boss@example.com']);
  });
});
