/**
 * The simulator's token bucket: one for every request by default, or one per endpoint
 * (`perEndpoint`), as OpenAI limits its Admin API (the budget bench uses it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InvitesSimulator } from '../../local/openai-simulator';

const KEY = 'sk-admin-test-0000-key';
let simulator: InvitesSimulator | undefined;

afterEach(async () => {
  await simulator?.stop();
  simulator = undefined;
});

const statuses = async (perEndpoint: boolean): Promise<number[]> => {
  simulator = new InvitesSimulator({
    apiKeys: [KEY],
    rateLimit: { ratePerSecond: 0.01, burst: 1, perEndpoint },
  });
  const base = await simulator.start();
  const headers = { Authorization: `Bearer ${KEY}` };
  const list = await fetch(`${base}/organization/invites`, { headers });
  const users = await fetch(`${base}/organization/users`, { headers });
  const again = await fetch(`${base}/organization/invites`, { headers });
  return [list.status, users.status, again.status];
};

describe('the simulator rate limit', () => {
  it('one bucket for every request by default', async () => {
    expect(await statuses(false)).toEqual([200, 429, 429]);
  });

  it('one bucket per endpoint with perEndpoint', async () => {
    expect(await statuses(true)).toEqual([200, 200, 429]);
  });
});
