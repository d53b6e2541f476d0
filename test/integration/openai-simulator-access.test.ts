/**
 * The simulator's access endpoints (local/simulator-access.ts) over real HTTP, in OpenAI's
 * shapes: groups (created by POST, as the SCIM helper will), group users, projects and project
 * users, a member's role, project and admin API keys with their owners, and the control API.
 */
import { describe, expect, it } from 'vitest';
import { InvitesSimulator } from '../../local/openai-simulator';
import { TEST_ADMIN_KEY } from '../support/keys';
import type { Json } from '../support/invoke';
import { useSimulator } from '../support/simulator';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);

const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${simulator.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${TEST_ADMIN_KEY}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Json };
};
const control = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${simulator.url.replace(/\/v1$/, '')}/_simulator${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Json };
};

describe('groups', () => {
  it('creates a group by POST, adds and removes a member, pages with has_more and next', async () => {
    const user = simulator.seedUser({ email: 'ada@example.com' });
    const created = await call('POST', '/organization/groups', { name: 'Support Team' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ object: 'group', name: 'Support Team', is_scim_managed: false });
    const id = created.body.id as string;

    const added = await call('POST', `/organization/groups/${id}/users`, { user_id: user.id });
    expect(added.body).toEqual({ object: 'group.user', user_id: user.id, group_id: id });
    expect((await call('POST', `/organization/groups/${id}/users`, { user_id: user.id })).status).toBe(400);
    expect((await call('GET', `/organization/groups/${id}/users`)).body).toMatchObject({
      object: 'list',
      data: [{ id: user.id, email: 'ada@example.com' }],
      has_more: false,
      next: null,
    });
    expect((await call('GET', `/organization/groups/${id}/users/${user.id}`)).status).toBe(200);
    expect((await call('DELETE', `/organization/groups/${id}/users/${user.id}`)).body).toMatchObject({
      object: 'group.user.deleted',
      deleted: true,
    });
    const again = await call('DELETE', `/organization/groups/${id}/users/${user.id}`);
    expect(again.body.error.message).toBe(`User ${user.id} is not a member of ${id}.`);

    await call('POST', '/organization/groups', { name: 'Second' });
    const page = await call('GET', '/organization/groups?limit=1');
    expect(page.body).toMatchObject({ has_more: true, next: id });
    expect((await call('POST', '/organization/groups', { name: ' ' })).status).toBe(400);
  });
});

describe('projects, roles and keys', () => {
  it('adds a member to a project (must be in the organization), changes the role, refuses on an archived project', async () => {
    const user = simulator.seedUser({ email: 'bo@example.com' });
    await control('POST', '/projects', { id: 'proj_web', name: 'Web' });
    expect(
      (
        await call('POST', '/organization/projects/proj_web/users', {
          user_id: 'user-nobody',
          role: 'member',
        })
      ).status,
    ).toBe(400);
    const added = await call('POST', '/organization/projects/proj_web/users', {
      user_id: user.id,
      role: 'member',
    });
    expect(added.body).toMatchObject({ object: 'organization.project.user', id: user.id, role: 'member' });
    expect(
      (await call('POST', `/organization/projects/proj_web/users/${user.id}`, { role: 'owner' })).body.role,
    ).toBe('owner');
    expect((await call('POST', `/organization/users/${user.id}`, { role: 'owner' })).body).toMatchObject({
      object: 'organization.user',
      role: 'owner',
    });
    await control('POST', '/projects/proj_web/archive');
    const archived = await call('GET', '/organization/projects/proj_web/users');
    expect(archived.status).toBe(400);
    expect(archived.body.error.message).toBe('Project proj_web is archived.');
    expect((await call('GET', '/organization/projects')).body.data.map((p: { id: string }) => p.id)).toEqual([
      'proj_default',
    ]);
  });

  it("lists a project's keys with their owners (owner_project_access=any shows a former member's), deletes a user's key, never a service account's", async () => {
    const user = simulator.seedUser({ email: 'cy@example.com' });
    const mine = (
      await control('POST', '/projects/proj_default/keys', { name: 'laptop', owner_user_id: user.id })
    ).body;
    const service = (await control('POST', '/projects/proj_default/keys', { name: 'ci' })).body;
    const admin = (await control('POST', '/admin_keys', { owner_user_id: user.id })).body;

    const visible = await call('GET', '/organization/projects/proj_default/api_keys');
    expect(visible.body.data.map((key: { id: string }) => key.id)).toEqual([service.id]);
    const any = await call('GET', '/organization/projects/proj_default/api_keys?owner_project_access=any');
    expect(any.body.data).toMatchObject([
      { id: mine.id, owner: { type: 'user', user: { id: user.id, email: 'cy@example.com' } } },
      { id: service.id, owner: { type: 'service_account' } },
    ]);
    expect((await call('DELETE', `/organization/projects/proj_default/api_keys/${service.id}`)).status).toBe(
      400,
    );
    expect(
      (await call('DELETE', `/organization/projects/proj_default/api_keys/${mine.id}`)).body,
    ).toMatchObject({
      object: 'organization.project.api_key.deleted',
      deleted: true,
    });
    expect((await call('GET', '/organization/admin_api_keys')).body.data).toMatchObject([
      { id: admin.id, object: 'organization.admin_api_key', owner: { type: 'user', id: user.id } },
    ]);
  });

  it("puts an accepted invite's member in its projects, and a removed member leaves them; reset forgets access", async () => {
    await control('POST', '/projects', { id: 'proj_ml', name: 'ML' });
    const invite = simulator.seed('di@example.com', 'reader', [{ id: 'proj_ml', role: 'owner' }]);
    simulator.accept(invite.id);
    const user = simulator.users.find((candidate) => candidate.email === 'di@example.com')!;
    expect(simulator.access.projectUsers.get('proj_ml')!.get(user.id)).toBe('owner');
    await call('DELETE', `/organization/users/${user.id}`);
    expect(simulator.access.projectUsers.get('proj_ml')!.has(user.id)).toBe(false);
    expect((await control('GET', '/access')).body.projects.map((p: { id: string }) => p.id)).toEqual([
      'proj_default',
      'proj_ml',
    ]);
    simulator.reset();
    expect(simulator.access.projects.map((project) => project.id)).toEqual(['proj_default']);
  });
});
