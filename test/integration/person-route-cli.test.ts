/**
 * `GET /v1/people/{email}` and `openai-invites person` through `npm start` itself: real HTTP to
 * its local gateway (which serves the route from the route table), the function, and the SQLite
 * people store in its state folder. A leaver's whole story is written into that folder before
 * it starts (no path declares intent yet); an invite made through the API reads as a person from
 * the ledger alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonView } from '../../lib/people/view';
import { SqlitePersonStore } from '../../local/sqlite-people';
import { StateStore } from '../../local/state-store';
import { runCli } from '../support/cli';
import { freePort } from '../support/moto';
import { kill, type Started, startNpm, tempStateDir } from '../support/npm-start';

let started: Started | undefined;
let gateway: string;

/** declared → invited → observed accepted → declared absent → offboarded, a minute apart. */
const writeLeaverStory = async (dir: string) => {
  const state = StateStore.open(dir);
  let minute = 0;
  const store = new SqlitePersonStore(state, {
    now: () => new Date(Date.parse('2026-11-01T09:00:00.000Z') + minute * 60_000),
  });
  const at = () => new Date(Date.parse('2026-11-01T09:00:00.000Z') + minute * 60_000).toISOString();
  await store.declare({
    email: 'Ada@Example.com',
    intent: { state: 'present', role: 'reader', projects: [{ id: 'proj_ml', role: 'member' }] },
    source: 'okta',
    eventId: 'okta-hire-1',
    at: at(),
  });
  minute += 1;
  await store.update('ada@example.com', { productInvite: { id: 'invite-ada', at: at() } }, [
    { kind: 'invited', at: at(), actor: 'api', inviteId: 'invite-ada' },
  ]);
  minute += 1;
  await store.update(
    'ada@example.com',
    { observed: { member: { userId: 'user-ada', role: 'reader' }, seenAt: at() } },
    [{ kind: 'observed_accepted', at: at(), actor: 'sweep', inviteId: 'invite-ada', userId: 'user-ada' }],
  );
  minute += 1;
  await store.declare({
    email: 'ada@example.com',
    intent: { state: 'absent' },
    source: 'okta',
    eventId: 'okta-leave-1',
    at: at(),
  });
  minute += 1;
  await store.update('ada@example.com', { observed: { seenAt: at() } }, [
    {
      kind: 'offboarded',
      at: at(),
      actor: 'sweep',
      userId: 'user-ada',
      reason: 'okta deactivated; joined through the product',
    },
  ]);
  state.close();
};

beforeAll(async () => {
  const dir = tempStateDir();
  await writeLeaverStory(dir);
  const [port, simulatorPort] = [await freePort(), await freePort()];
  gateway = `http://127.0.0.1:${port}/v1`;
  started = await startNpm({
    PORT: String(port),
    SIMULATOR_PORT: String(simulatorPort),
    LOCAL_STATE_DIR: dir,
    INVITE_QUEUE_URL: '',
    INVITE_DLQ_URL: '',
  });
}, 60_000);

afterAll(() => kill(started));

const get = async (path: string) => {
  const response = await fetch(`${gateway}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('GET /v1/people/{email} through npm start', () => {
  it('says at start where people are kept', () => {
    expect(started!.output()).toMatch(/people +SQLite in \/.*invites-state-/);
  });

  it("answers a leaver's story newest first, each event with its actor, however the email is written", async () => {
    const encoded = await get('/people/ADA%40example.com');
    const plain = await get('/people/ada@Example.com');

    expect(encoded.status).toBe(200);
    expect(plain).toEqual(encoded);
    const person = encoded.body as unknown as PersonView;
    expect(person).toMatchObject({
      object: 'person',
      email: 'ada@example.com',
      intent: { state: 'absent' },
      declared_by: { source: 'okta', event_id: 'okta-leave-1', at: '2026-11-01T09:03:00.000Z' },
      observed: { seen_at: '2026-11-01T09:04:00.000Z' },
      awaiting: null,
      product_invite_ids: ['invite-ada'],
      has_more: false,
    });
    expect(person.observed).not.toHaveProperty('member');
    expect(person.history.map((event) => [event.kind, event.actor])).toEqual([
      ['offboarded', 'sweep'],
      ['declared', 'okta'],
      ['observed_accepted', 'sweep'],
      ['invited', 'api'],
      ['declared', 'okta'],
    ]);
    expect(person.history[3]).toEqual({
      kind: 'invited',
      at: '2026-11-01T09:01:00.000Z',
      actor: 'api',
      invite_id: 'invite-ada',
    });
  });

  it('shows an invite made through the API: declared present by the API, then invited', async () => {
    const created = await fetch(`${gateway}/organization/invites`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'Grace@Example.com', role: 'owner', projects: [] }),
    });
    expect(created.status).toBe(200);
    const invite = (await created.json()) as { id: string };

    const { status, body } = await get('/people/grace%40example.com');

    expect(status).toBe(200);
    expect(body).toMatchObject({
      email: 'grace@example.com',
      intent: { state: 'present', role: 'owner', projects: [] },
      declared_by: { source: 'api' },
      product_invite_ids: [invite.id],
    });
    expect(
      (body as { history: { kind: string; actor: string }[] }).history.map((event) => [
        event.kind,
        event.actor,
      ]),
    ).toEqual([
      ['invited', 'api'],
      ['declared', 'api'],
    ]);
  });

  it("answers 404 person_not_found in OpenAI's error shape for an email nobody declared", async () => {
    expect(await get('/people/nobody%40example.com')).toEqual({
      status: 404,
      body: {
        error: {
          message: "No person found with email 'nobody@example.com'.",
          type: 'invalid_request_error',
          param: 'email',
          code: 'person_not_found',
        },
      },
    });
  });

  it('answers 400 invalid_request for a path that is no email', async () => {
    const { status, body } = await get('/people/not-an-email');
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'email',
      code: 'invalid_request',
    });
  });
});

describe('openai-invites person', () => {
  it('prints intent, provenance, observed state and the history newest first', async () => {
    const { code, stdout } = await runCli(['person', 'ada@example.com', '--gateway', gateway]);

    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.slice(0, 6)).toEqual([
      'Person ada@example.com',
      '  intent       absent (should not be in the organization)',
      '  declared by  okta (event okta-leave-1) at 2026-11-01T09:03:00.000Z',
      '  observed     nothing there, seen 2026-11-01T09:04:00.000Z',
      '  awaiting     nobody',
      '  invites made invite-ada',
    ]);
    const history = lines.slice(lines.indexOf('History (newest first):') + 1);
    expect(history.map((line) => line.trim().split(/\s+/)[1])).toEqual([
      'offboarded',
      'declared',
      'observed_accepted',
      'invited',
      'declared',
    ]);
    expect(history[0]).toContain('by sweep user user-ada — okta deactivated; joined through the product');
    expect(history[4]).toContain('present, ');
  });

  it('prints the API body with --json, through INVITES_API_URL', async () => {
    const { code, stdout } = await runCli(['person', 'ADA@example.com', '--json'], {
      INVITES_API_URL: gateway,
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual((await get('/people/ada%40example.com')).body);
  });

  it('exits 1 and says so for a person the product never heard of', async () => {
    const { code, stdout, stderr } = await runCli(['person', 'nobody@example.com', '--gateway', gateway]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain("No person found with email 'nobody@example.com'.");
  });

  it('exits 2 for a bad email or no email at all', async () => {
    const bad = await runCli(['person', 'not-an-email', '--gateway', gateway]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid email');
    const missing = await runCli(['person', '--gateway', gateway]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Usage: openai-invites person EMAIL');
  });
});
