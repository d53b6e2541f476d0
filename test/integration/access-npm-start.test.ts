/**
 * A joiner's whole access under `npm start` (issue 25), as a newcomer runs it: `openai-invites
 * person --add-group/--add-project` against the local gateway (PUT /v1/people), the invite
 * accepted through the simulator's control API, one acceptance check at `POST
 * /local/acceptance-check`, and the person shown with what the product granted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../support/invoke';
import { runCli } from '../support/cli';
import { freePort } from '../support/moto';
import { kill, type Started, startNpm } from '../support/npm-start';

let started: Started | undefined;
let gateway: string;
let local: string;
let control: string;

beforeAll(async () => {
  const [port, simulatorPort] = [await freePort(), await freePort()];
  gateway = `http://127.0.0.1:${port}/v1`;
  local = `http://127.0.0.1:${port}/local`;
  control = `http://127.0.0.1:${simulatorPort}/_simulator`;
  started = await startNpm({ PORT: String(port), SIMULATOR_PORT: String(simulatorPort) });
}, 60_000);

afterAll(() => kill(started));

const post = async (url: string, body: unknown = {}) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
};

describe('access under npm start', () => {
  it('gives a joiner their groups and projects after one acceptance check, and shows them', async () => {
    const group = (await post(`${control}/groups`, { name: 'Engineering' })).body;
    await post(`${control}/projects`, { id: 'proj_web', name: 'Web' });
    expect(started!.output()).toContain('/local/acceptance-check');

    const put = await runCli([
      'person',
      'ada@example.com',
      '--set-role',
      'reader',
      '--add-project',
      'proj_web:member',
      '--add-group',
      group.id,
      '--gateway',
      gateway,
    ]);
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout).toContain(`groups       ${group.id}`);

    const state = (await (await fetch(`${control}/state`)).json()) as Json;
    const invite = state.invites.find((candidate: Json) => candidate.email === 'ada@example.com');
    expect(invite.projects).toEqual([{ id: 'proj_web', role: 'member' }]);
    await post(`${control}/invites/${invite.id}/accept`);

    const check = await post(`${local}/acceptance-check`);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ check: 'acceptance', accepted: 1, applied: 1, failed: 0 });
    const access = (await (await fetch(`${control}/access`)).json()) as Json;
    expect(access.groups.find((candidate: Json) => candidate.id === group.id).user_ids).toHaveLength(1);

    const shown = await runCli(['person', 'ada@example.com', '--gateway', gateway]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`granted +role reader, proj_web \\(member\\), ${group.id}`));
    expect(shown.stdout).toContain('observed_accepted');
  }, 120_000);

  it('refuses an unknown group with the API reason and exit code 2', async () => {
    const refused = await runCli([
      'person',
      'bo@example.com',
      '--set-role',
      'reader',
      '--add-group',
      'group_nope',
      '--gateway',
      gateway,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("No group found with id 'group_nope'.");
  }, 60_000);
});
