/**
 * Pacing of the access endpoints (issue 25): every access call goes through the invites client's
 * one request path, so the reconciler's per-endpoint pacers see it; a 429 on the groups endpoint
 * pauses groups, not invites. The simulator over real HTTP.
 */
import { describe, expect, it } from 'vitest';
import { EndpointPacers, pacedFetch } from '../../lib/bulk/endpoint-pacers';
import { OpenAIAccessClient } from '../../lib/openai/access-client';
import { OpenAIInvitesClient } from '../../lib/openai/client';
import { StaticAdminKey } from '../../lib/secrets/admin-key';
import { InvitesSimulator } from '../../local/openai-simulator';
import { TEST_ADMIN_KEY } from '../support/keys';
import { useSimulator } from '../support/simulator';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);

describe('access calls and the per-endpoint pacers', () => {
  it('retries a 429 on the groups endpoint by the client policy, paced on its own endpoint, never the invites one', async () => {
    const pacers = new EndpointPacers(5);
    const client = new OpenAIInvitesClient({
      baseUrl: simulator.url,
      adminKey: new StaticAdminKey(TEST_ADMIN_KEY),
      beforeAttempt: (request) => pacers.for(request).take(),
      fetch: pacedFetch(pacers),
    });
    const access = new OpenAIAccessClient(client);
    const user = simulator.seedUser({ email: 'ada@example.com' });
    const group = simulator.access.seedGroup({ id: 'group_eng', name: 'Engineering' });
    simulator.inject({
      method: 'POST',
      pathPrefix: '/organization/groups/group_eng/users',
      kind: 'status',
      status: 429,
      headers: { 'retry-after-ms': '300' },
      body: {
        error: { message: 'Too many requests.', type: 'requests', param: null, code: 'rate_limit_exceeded' },
      },
    });

    await access.addGroupUser(group.id, user.id);

    expect(simulator.access.groupUsers.get(group.id)).toEqual([user.id]);
    const groups = simulator.requests.filter(
      (request) => request.path === '/organization/groups/group_eng/users',
    );
    expect(groups.map((request) => request.status)).toEqual([429, 200]);
    const endpoints = Object.fromEntries(pacers.entries());
    expect(Object.keys(endpoints)).toEqual(['POST /organization/groups/{id}/users']);
    const invites = pacers.for({ method: 'POST', url: `${simulator.url}/organization/invites` });
    expect(invites.waitMs()).toBe(0);
    expect(invites).not.toBe(endpoints['POST /organization/groups/{id}/users']);
  });
});
