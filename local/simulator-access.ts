/**
 * The simulator's access endpoints (issue 25), in the shapes of OpenAI's spec excerpt
 * (`openai-admin-people.openapi.yaml`): organization groups and their users, projects and
 * project users (a user must already be in the organization), a member's role change, project
 * API keys with their owner (a user or a service account), and admin API keys. Mounted by
 * `InvitesSimulator` (local/openai-simulator.ts), which keeps invites and members; this module
 * keeps access in memory (an `npm start` restart forgets groups, projects and keys, not members).
 *
 * Control API (outside `/v1`, under `/_simulator`): `GET /access` (state), `POST /groups`
 * `{name, id?}`, `POST /projects` `{name, id?}`, `POST /projects/{id}/archive`,
 * `POST /projects/{id}/keys` `{name?, owner_user_id?}` (no owner user: a service account's key),
 * `POST /admin_keys` `{name?, owner_user_id?}`.
 *
 * Answers OpenAI does not document are the ones users report: removing a project user who is not
 * there answers 400 "User … is not a member of proj_…"; a call on an archived project answers 400.
 */
import { randomBytes } from 'node:crypto';
import type { InviteProject } from '../lib/openai/types';

/** What the access endpoints need from the simulator that mounts them. */
export interface AccessHost {
  readonly users: { id: string; email: string; name: string; role: string; added_at: number }[];
  /** Persists a member whose role changed. */
  saveUser?(user: AccessHost['users'][number]): void;
}

export interface SimulatedGroup {
  object: 'group';
  id: string;
  name: string;
  created_at: number;
  is_scim_managed: boolean;
}

export interface SimulatedProject {
  object: 'organization.project';
  id: string;
  name: string;
  created_at: number;
  archived_at: number | null;
  status: 'active' | 'archived';
}

export type KeyOwner =
  | { type: 'user'; user: { id: string; name: string; email: string; role: string; created_at: number } }
  | {
      type: 'service_account';
      service_account: { id: string; name: string; role: string; created_at: number };
    };

export interface SimulatedProjectKey {
  object: 'organization.project.api_key';
  id: string;
  name: string;
  redacted_value: string;
  created_at: number;
  last_used_at: number | null;
  owner_project_access: 'active' | 'inactive';
  owner: KeyOwner;
}

export interface SimulatedAdminKey {
  object: 'organization.admin_api_key';
  id: string;
  name: string;
  redacted_value: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  owner: { type: 'user' | 'service_account'; id: string; name: string; role: string; created_at: number };
}

type Answer = [number, unknown];

const now = () => Math.floor(Date.now() / 1000);
const idOf = (prefix: string) => `${prefix}_${randomBytes(9).toString('base64url')}`;
const error = (message: string, param: string | null = null, code: string | null = null) => ({
  error: { message, type: 'invalid_request_error', param, code },
});
const parse = (body: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = body ? JSON.parse(body) : {};
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};
const INVALID_JSON: Answer = [400, error('We could not parse the JSON body of your request.')];
const PROJECT_ROLES = new Set(['owner', 'member']);

/** A page in the older list shape (`first_id`, `last_id`, `has_more`; cursor `after`). */
const idPage = <T extends { id: string }>(items: T[], query: URLSearchParams, max = 100): Answer => {
  const limit = Number(query.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > max)
    return [400, error(`limit must be between 1 and ${max}.`, 'limit')];
  const after = query.get('after');
  const start = after === null ? 0 : items.findIndex((item) => item.id === after) + 1;
  if (after !== null && start === 0) return [400, error(`No object found with id '${after}'.`, 'after')];
  const data = items.slice(start, start + limit);
  return [
    200,
    {
      object: 'list',
      data,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: start + limit < items.length,
    },
  ];
};

/** A page in the newer list shape (groups: `has_more`, `next`; limit up to 1000, default 100). */
const nextPage = <T extends { id: string }>(items: T[], query: URLSearchParams): Answer => {
  const limit = Number(query.get('limit') ?? 100);
  if (!Number.isInteger(limit) || limit < 0 || limit > 1000)
    return [400, error('limit must be between 0 and 1000.', 'limit')];
  const after = query.get('after');
  const start = after === null ? 0 : items.findIndex((item) => item.id === after) + 1;
  if (after !== null && start === 0) return [400, error(`No object found with id '${after}'.`, 'after')];
  const data = items.slice(start, start + limit);
  const hasMore = start + limit < items.length;
  return [200, { object: 'list', data, has_more: hasMore, next: hasMore ? (data.at(-1)?.id ?? null) : null }];
};

export class SimulatedAccess {
  readonly groups: SimulatedGroup[] = [];
  /** group id → user ids, in the order they were added. */
  readonly groupUsers = new Map<string, string[]>();
  readonly projects: SimulatedProject[] = [];
  /** project id → user id → role. */
  readonly projectUsers = new Map<string, Map<string, 'owner' | 'member'>>();
  /** project id → keys. */
  readonly projectKeys = new Map<string, SimulatedProjectKey[]>();
  readonly adminKeys: SimulatedAdminKey[] = [];

  constructor(
    readonly host: AccessHost,
    readonly defaultProjectId: string,
  ) {
    this.reset();
  }

  /** Back to an organization with only its default project. */
  reset(): void {
    this.groups.length = 0;
    this.groupUsers.clear();
    this.projects.length = 0;
    this.projectUsers.clear();
    this.projectKeys.clear();
    this.adminKeys.length = 0;
    this.seedProject({ id: this.defaultProjectId, name: 'Default project' });
  }

  seedGroup({ name, id }: { name: string; id?: string }): SimulatedGroup {
    const group: SimulatedGroup = {
      object: 'group',
      id: id ?? idOf('group'),
      name,
      created_at: now(),
      is_scim_managed: false,
    };
    this.groups.push(group);
    this.groupUsers.set(group.id, []);
    return group;
  }

  seedProject({ name, id }: { name: string; id?: string }): SimulatedProject {
    const project: SimulatedProject = {
      object: 'organization.project',
      id: id ?? idOf('proj'),
      name,
      created_at: now(),
      archived_at: null,
      status: 'active',
    };
    this.projects.push(project);
    this.projectUsers.set(project.id, new Map());
    this.projectKeys.set(project.id, []);
    return project;
  }

  archive(projectId: string): SimulatedProject | undefined {
    const project = this.#project(projectId);
    if (project) Object.assign(project, { archived_at: now(), status: 'archived' });
    return project;
  }

  /** A project key owned by this user, or (no user) by a new service account. */
  seedProjectKey(projectId: string, { name, ownerUserId }: { name?: string; ownerUserId?: string }) {
    const keys = this.projectKeys.get(projectId);
    if (!keys) throw new Error(`No project ${projectId}`);
    const user = ownerUserId === undefined ? undefined : this.#user(ownerUserId);
    if (ownerUserId !== undefined && !user) throw new Error(`No user ${ownerUserId}`);
    const owner: KeyOwner = user
      ? {
          type: 'user',
          user: {
            id: user.id,
            name: user.name,
            email: user.email,
            role: user.role,
            created_at: user.added_at,
          },
        }
      : {
          type: 'service_account',
          service_account: {
            id: idOf('sa'),
            name: name ?? 'service account',
            role: 'member',
            created_at: now(),
          },
        };
    const key: SimulatedProjectKey = {
      object: 'organization.project.api_key',
      id: idOf('key'),
      name: name ?? 'key',
      redacted_value: `sk-proj-...${randomBytes(2).toString('hex')}`,
      created_at: now(),
      last_used_at: null,
      owner_project_access: 'active',
      owner,
    };
    keys.push(key);
    return key;
  }

  seedAdminKey({ name, ownerUserId }: { name?: string; ownerUserId?: string }): SimulatedAdminKey {
    const user = ownerUserId === undefined ? undefined : this.#user(ownerUserId);
    const key: SimulatedAdminKey = {
      object: 'organization.admin_api_key',
      id: idOf('key'),
      name: name ?? 'admin key',
      redacted_value: `sk-admin...${randomBytes(2).toString('hex')}`,
      created_at: now(),
      expires_at: null,
      last_used_at: null,
      owner: user
        ? { type: 'user', id: user.id, name: user.name, role: user.role, created_at: user.added_at }
        : {
            type: 'service_account',
            id: idOf('sa'),
            name: 'service account',
            role: 'member',
            created_at: now(),
          },
    };
    this.adminKeys.push(key);
    return key;
  }

  /** Accepting an invite adds the new member to the invite's projects, as OpenAI does. */
  joined(userId: string, projects: readonly InviteProject[]): void {
    for (const { id, role } of projects) this.projectUsers.get(id)?.set(userId, role);
  }

  /** A member removed from the organization leaves its groups and projects. */
  left(userId: string): void {
    for (const [id, users] of this.groupUsers)
      this.groupUsers.set(
        id,
        users.filter((user) => user !== userId),
      );
    for (const users of this.projectUsers.values()) users.delete(userId);
  }

  state() {
    return {
      groups: this.groups.map((group) => ({ ...group, user_ids: this.groupUsers.get(group.id) ?? [] })),
      projects: this.projects.map((project) => ({
        ...project,
        users: Object.fromEntries(this.projectUsers.get(project.id) ?? []),
        api_keys: this.projectKeys.get(project.id) ?? [],
      })),
      admin_api_keys: this.adminKeys,
    };
  }

  #user(id: string) {
    return this.host.users.find((user) => user.id === id);
  }

  #project(id: string) {
    return this.projects.find((project) => project.id === id);
  }

  /** The control API's access actions (`action` is `METHOD /path` after `/_simulator`); undefined: not ours. */
  control(action: string, input: Record<string, unknown>): Answer | undefined {
    const archive = /^POST \/projects\/([^/]+)\/archive$/.exec(action);
    const keys = /^POST \/projects\/([^/]+)\/keys$/.exec(action);
    const name = typeof input.name === 'string' && input.name ? input.name : undefined;
    const id = typeof input.id === 'string' && input.id ? input.id : undefined;
    const ownerUserId = typeof input.owner_user_id === 'string' ? input.owner_user_id : undefined;
    if (action === 'GET /access') return [200, this.state()];
    if (action === 'POST /groups') {
      if (!name) return [400, error("Invalid 'name'.", 'name')];
      if (id && this.groupUsers.has(id)) return [409, error(`Group ${id} exists.`, 'id')];
      return [200, this.seedGroup({ name, id })];
    }
    if (action === 'POST /projects') {
      if (!name) return [400, error("Invalid 'name'.", 'name')];
      if (id && this.#project(id)) return [409, error(`Project ${id} exists.`, 'id')];
      return [200, this.seedProject({ name, id })];
    }
    if (archive) {
      const project = this.archive(decodeURIComponent(archive[1]!));
      return project ? [200, project] : [404, error('No such project.')];
    }
    if (keys) {
      const projectId = decodeURIComponent(keys[1]!);
      if (!this.#project(projectId)) return [404, error('No such project.')];
      if (ownerUserId !== undefined && !this.#user(ownerUserId)) return [404, error('No such user.')];
      return [200, this.seedProjectKey(projectId, { name, ownerUserId })];
    }
    if (action === 'POST /admin_keys') {
      if (ownerUserId !== undefined && !this.#user(ownerUserId)) return [404, error('No such user.')];
      return [200, this.seedAdminKey({ name, ownerUserId })];
    }
    return undefined;
  }

  /** `/v1` access endpoints (path after `/v1`); undefined: not an access path. */
  route(method: string, path: string, query: URLSearchParams, body: string): Answer | undefined {
    const user = /^\/organization\/users\/([^/]+)$/.exec(path);
    if (user && method === 'POST') return this.#changeRole(decodeURIComponent(user[1]!), body);
    if (path === '/organization/groups') {
      if (method === 'GET') return nextPage(this.groups, query);
      if (method === 'POST') return this.#createGroup(body);
    }
    const group = /^\/organization\/groups\/([^/]+)(\/users(?:\/([^/]+))?)?$/.exec(path);
    if (group) return this.#group(method, decodeURIComponent(group[1]!), group[2], group[3], query, body);
    if (path === '/organization/projects' && method === 'GET') {
      const all = query.get('include_archived') === 'true';
      return idPage(
        this.projects.filter((project) => all || project.status === 'active'),
        query,
      );
    }
    if (path === '/organization/projects' && method === 'POST') {
      const input = parse(body);
      if (!input) return INVALID_JSON;
      if (typeof input.name !== 'string' || !input.name) return [400, error("Invalid 'name'.", 'name')];
      return [200, this.seedProject({ name: input.name })];
    }
    const project = /^\/organization\/projects\/([^/]+)(?:\/(users|api_keys)(?:\/([^/]+))?)?$/.exec(path);
    if (project) {
      const found = this.#project(decodeURIComponent(project[1]!));
      if (!found) return [404, error(`No project found with id '${decodeURIComponent(project[1]!)}'.`)];
      const item = project[3] === undefined ? undefined : decodeURIComponent(project[3]);
      if (project[2] === 'users') return this.#projectUsers(method, found, item, query, body);
      if (project[2] === 'api_keys') return this.#projectKeys(method, found, item, query);
      if (method === 'GET') return [200, found];
    }
    if (path === '/organization/admin_api_keys' && method === 'GET') return idPage(this.adminKeys, query);
    return undefined;
  }

  #changeRole(id: string, body: string): Answer {
    const input = parse(body);
    if (!input) return INVALID_JSON;
    const user = this.#user(id);
    if (!user) return [404, error(`No user found with id '${id}'.`)];
    if (input.role !== 'owner' && input.role !== 'reader' && input.role !== 'member')
      return [400, error("Invalid 'role'.", 'role')];
    user.role = input.role === 'member' ? 'reader' : input.role;
    this.host.saveUser?.(user);
    return [200, { object: 'organization.user', ...user }];
  }

  #createGroup(body: string): Answer {
    const input = parse(body);
    if (!input) return INVALID_JSON;
    if (typeof input.name !== 'string' || !input.name.trim()) return [400, error("Invalid 'name'.", 'name')];
    return [200, this.seedGroup({ name: input.name })];
  }

  #group(
    method: string,
    groupId: string,
    users: string | undefined,
    userPart: string | undefined,
    query: URLSearchParams,
    body: string,
  ): Answer | undefined {
    const group = this.groups.find((candidate) => candidate.id === groupId);
    if (!group) return [404, error(`No group found with id '${groupId}'.`)];
    const members = this.groupUsers.get(groupId)!;
    if (!users) return method === 'GET' ? [200, group] : undefined;
    if (userPart === undefined) {
      if (method === 'GET') {
        const listed = members
          .map((id) => this.#user(id))
          .filter((user) => user !== undefined)
          .map((user) => ({ id: user.id, name: user.name, email: user.email }));
        return nextPage(listed, query);
      }
      if (method !== 'POST') return undefined;
      const input = parse(body);
      if (!input) return INVALID_JSON;
      const userId = input.user_id;
      if (typeof userId !== 'string' || !this.#user(userId))
        return [400, error('The user must be a member of the organization.', 'user_id')];
      if (members.includes(userId)) return [400, error(`User ${userId} is already a member of ${groupId}.`)];
      members.push(userId);
      return [200, { object: 'group.user', user_id: userId, group_id: groupId }];
    }
    const userId = decodeURIComponent(userPart);
    const user = this.#user(userId);
    if (method === 'GET')
      return user && members.includes(userId)
        ? [
            200,
            {
              id: user.id,
              name: user.name,
              email: user.email,
              picture: null,
              is_service_account: false,
              user_type: 'user',
            },
          ]
        : [404, error(`User ${userId} is not a member of ${groupId}.`)];
    if (method === 'DELETE') {
      if (!members.includes(userId)) return [400, error(`User ${userId} is not a member of ${groupId}.`)];
      members.splice(members.indexOf(userId), 1);
      return [200, { object: 'group.user.deleted', deleted: true }];
    }
    return undefined;
  }

  #projectUser(project: SimulatedProject, userId: string, role: string) {
    const user = this.#user(userId)!;
    return {
      object: 'organization.project.user',
      id: user.id,
      name: user.name,
      email: user.email,
      role,
      added_at: user.added_at,
    };
  }

  #projectUsers(
    method: string,
    project: SimulatedProject,
    userId: string | undefined,
    query: URLSearchParams,
    body: string,
  ): Answer | undefined {
    const users = this.projectUsers.get(project.id)!;
    if (project.status === 'archived') return [400, error(`Project ${project.id} is archived.`)];
    if (userId === undefined) {
      if (method === 'GET')
        return idPage(
          [...users].map(([id, role]) => this.#projectUser(project, id, role)),
          query,
        );
      if (method !== 'POST') return undefined;
      const input = parse(body);
      if (!input) return INVALID_JSON;
      const byEmail = typeof input.email === 'string' ? input.email.toLowerCase() : undefined;
      const user =
        typeof input.user_id === 'string'
          ? this.#user(input.user_id)
          : this.host.users.find((candidate) => candidate.email.toLowerCase() === byEmail);
      if (!user) return [400, error('Users must already be members of the organization.', 'user_id')];
      if (typeof input.role !== 'string' || !PROJECT_ROLES.has(input.role))
        return [400, error("Invalid 'role'.", 'role')];
      if (users.has(user.id)) return [400, error(`User ${user.id} is already a member of ${project.id}.`)];
      users.set(user.id, input.role as 'owner' | 'member');
      return [200, this.#projectUser(project, user.id, input.role)];
    }
    const role = users.get(userId);
    if (method === 'GET')
      return role
        ? [200, this.#projectUser(project, userId, role)]
        : [404, error(`No such user in ${project.id}.`)];
    if (method === 'POST') {
      const input = parse(body);
      if (!input) return INVALID_JSON;
      if (!role) return [400, error(`User ${userId} is not a member of ${project.id}.`)];
      if (typeof input.role !== 'string' || !PROJECT_ROLES.has(input.role))
        return [400, error("Invalid 'role'.", 'role')];
      users.set(userId, input.role as 'owner' | 'member');
      return [200, this.#projectUser(project, userId, input.role)];
    }
    if (method === 'DELETE') {
      if (!role) return [400, error(`User ${userId} is not a member of ${project.id}.`)];
      users.delete(userId);
      return [200, { object: 'organization.project.user.deleted', id: userId, deleted: true }];
    }
    return undefined;
  }

  #projectKeys(
    method: string,
    project: SimulatedProject,
    keyId: string | undefined,
    query: URLSearchParams,
  ): Answer | undefined {
    const keys = this.projectKeys.get(project.id)!;
    if (keyId === undefined) {
      if (method !== 'GET') return undefined;
      // Without owner_project_access=any, keys of owners no longer in the project are hidden.
      const any = query.get('owner_project_access') === 'any';
      const members = this.projectUsers.get(project.id)!;
      const visible = keys.filter(
        (key) => any || key.owner.type !== 'user' || members.has(key.owner.user.id),
      );
      return idPage(visible, query);
    }
    const key = keys.find((candidate) => candidate.id === keyId);
    if (!key) return [404, error(`No API key found with id '${keyId}'.`)];
    if (method === 'GET') return [200, key];
    if (method === 'DELETE') {
      if (key.owner.type === 'service_account')
        return [400, error('Service account keys are deleted with their service account.')];
      keys.splice(keys.indexOf(key), 1);
      return [200, { object: 'organization.project.api_key.deleted', id: keyId, deleted: true }];
    }
    return undefined;
  }
}
