/**
 * OpenAI's access endpoints (groups, project users, a member's role, project and admin API keys),
 * every call through `OpenAIInvitesClient.request`: the same retry policy, Retry-After reading,
 * key refresh, deadline and per-endpoint pacing (`beforeAttempt`) as the invites, so a 429 on
 * groups slows groups only. Answers are read by hand like invite-shape.ts; the undocumented
 * refusals ("already a member", "not a member", archived) are recognised in upstream-answers.ts.
 */
import type { CallOptions, OpenAIInvitesClient, Query } from './client';
import { UpstreamApiError, UpstreamMalformedResponseError } from './errors';
import type { OrganizationUser } from './types';
import { isAlreadyMemberAnswer, isNotAMemberAnswer } from './upstream-answers';
import { readUser } from './user-shape';

export type ProjectRole = 'owner' | 'member';

export interface ProjectApiKey {
  id: string;
  name?: string;
  redactedValue?: string;
  /** `user`: a person's key; `service_account`: never deleted by the product. */
  ownerType: string;
  ownerUserId?: string;
  ownerEmail?: string;
}

export interface AdminApiKey {
  id: string;
  name?: string;
  redactedValue?: string;
  ownerType: string;
  ownerId?: string;
}

export interface ProjectSummary {
  id: string;
  name?: string;
  status: string;
}

interface RawPage {
  data: unknown[];
  has_more: boolean;
  next?: string | null;
  last_id?: string | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const readRawPage = (body: unknown, requestId?: string): RawPage => {
  if (!isRecord(body) || !Array.isArray(body.data) || typeof body.has_more !== 'boolean')
    throw new UpstreamMalformedResponseError('a list answer lacks data or has_more.', requestId);
  return body as unknown as RawPage;
};

const idOf = (item: unknown, what: string, requestId?: string): string => {
  if (!isRecord(item) || typeof item.id !== 'string' || !item.id)
    throw new UpstreamMalformedResponseError(`${what} has no id.`, requestId);
  return item.id;
};

const anything = (): true => true;

const readProjectKey = (item: unknown, requestId?: string): ProjectApiKey => {
  const id = idOf(item, 'a project API key', requestId);
  const record = item as Record<string, unknown>;
  const owner = isRecord(record.owner) ? record.owner : {};
  const user = isRecord(owner.user) ? owner.user : undefined;
  return {
    id,
    ...(typeof record.name === 'string' ? { name: record.name } : {}),
    ...(typeof record.redacted_value === 'string' ? { redactedValue: record.redacted_value } : {}),
    ownerType: typeof owner.type === 'string' ? owner.type : 'unknown',
    ...(typeof user?.id === 'string' ? { ownerUserId: user.id } : {}),
    ...(typeof user?.email === 'string' ? { ownerEmail: user.email } : {}),
  };
};

const readAdminKey = (item: unknown, requestId?: string): AdminApiKey => {
  const id = idOf(item, 'an admin API key', requestId);
  const record = item as Record<string, unknown>;
  const owner = isRecord(record.owner) ? record.owner : {};
  return {
    id,
    ...(typeof record.name === 'string' ? { name: record.name } : {}),
    ...(typeof record.redacted_value === 'string' ? { redactedValue: record.redacted_value } : {}),
    ownerType: typeof owner.type === 'string' ? owner.type : 'unknown',
    ...(typeof owner.id === 'string' ? { ownerId: owner.id } : {}),
  };
};

const readProject = (item: unknown, requestId?: string): ProjectSummary => {
  const id = idOf(item, 'a project', requestId);
  const record = item as Record<string, unknown>;
  return {
    id,
    ...(typeof record.name === 'string' ? { name: record.name } : {}),
    status: typeof record.status === 'string' ? record.status : 'active',
  };
};

const segment = encodeURIComponent;

/** "Not a member" (a removal) and "already a member" (an add) are what was wanted: done. */
const settled = async (call: Promise<unknown>, answer: (error: UpstreamApiError) => boolean) => {
  try {
    await call;
  } catch (error) {
    if (error instanceof UpstreamApiError && answer(error)) return;
    throw error;
  }
};

export class OpenAIAccessClient {
  constructor(readonly client: OpenAIInvitesClient) {}

  /** Every item of a list, pages of `limit`, following `next` (newer lists) or `last_id`. */
  async *#all<T>(
    path: string,
    read: (item: unknown, requestId?: string) => T,
    query: Query,
    options: CallOptions,
  ): AsyncGenerator<T> {
    let after: string | undefined;
    for (;;) {
      const page = await this.client.request(
        { method: 'GET', path, query: { ...query, after }, read: readRawPage },
        options,
      );
      for (const item of page.data) yield read(item);
      if (!page.has_more) return;
      const next = page.next ?? page.last_id ?? undefined;
      if (!next || next === after)
        throw new UpstreamMalformedResponseError('has_more is true but the page gives no new cursor.');
      after = next;
    }
  }

  /** Members of these emails in one read (OpenAI's `emails` filter takes several). */
  async usersByEmail(emails: readonly string[], options: CallOptions = {}): Promise<OrganizationUser[]> {
    if (emails.length === 0) return [];
    return (await this.client.listUsers({ emails: [...emails], limit: 100 }, options)).data;
  }

  /** A member's organization role (`POST /organization/users/{id}`). */
  async setOrganizationRole(userId: string, role: string, options: CallOptions = {}): Promise<void> {
    await this.client.request(
      {
        method: 'POST',
        path: `/organization/users/${segment(userId)}`,
        body: { role },
        read: (body, requestId) => readUser(body, requestId),
      },
      options,
    );
  }

  /** Whether a group exists (`GET /organization/groups/{id}`): the PUT's check of an id. */
  async groupExists(groupId: string, options: CallOptions = {}): Promise<boolean> {
    return this.#exists(`/organization/groups/${segment(groupId)}`, options);
  }

  /** A project's status (active, archived), undefined when OpenAI does not know it. */
  async projectStatus(projectId: string, options: CallOptions = {}): Promise<string | undefined> {
    try {
      return (
        await this.client.request(
          { method: 'GET', path: `/organization/projects/${segment(projectId)}`, read: readProject },
          options,
        )
      ).status;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  async #exists(path: string, options: CallOptions): Promise<boolean> {
    try {
      await this.client.request({ method: 'GET', path, read: anything }, options);
      return true;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return false;
      throw error;
    }
  }

  async addGroupUser(groupId: string, userId: string, options: CallOptions = {}): Promise<void> {
    await settled(
      this.client.request(
        {
          method: 'POST',
          path: `/organization/groups/${segment(groupId)}/users`,
          body: { user_id: userId },
          read: anything,
        },
        options,
      ),
      isAlreadyMemberAnswer,
    );
  }

  async removeGroupUser(groupId: string, userId: string, options: CallOptions = {}): Promise<void> {
    await settled(
      this.client.request(
        {
          method: 'DELETE',
          path: `/organization/groups/${segment(groupId)}/users/${segment(userId)}`,
          read: anything,
          notFoundAfterUnclearAttempt: true,
        },
        options,
      ),
      isNotAMemberAnswer,
    );
  }

  /** Is this user in the group (`GET …/users/{user_id}`)? One read, whatever the group's size. */
  async inGroup(groupId: string, userId: string, options: CallOptions = {}): Promise<boolean> {
    return this.#exists(`/organization/groups/${segment(groupId)}/users/${segment(userId)}`, options);
  }

  /** The user's role in the project, undefined when not a member. */
  async projectRole(
    projectId: string,
    userId: string,
    options: CallOptions = {},
  ): Promise<string | undefined> {
    try {
      return await this.client.request(
        {
          method: 'GET',
          path: `/organization/projects/${segment(projectId)}/users/${segment(userId)}`,
          read: (body) => (isRecord(body) && typeof body.role === 'string' ? body.role : 'member'),
        },
        options,
      );
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  async addProjectUser(
    projectId: string,
    userId: string,
    role: ProjectRole,
    options: CallOptions = {},
  ): Promise<void> {
    await settled(
      this.client.request(
        {
          method: 'POST',
          path: `/organization/projects/${segment(projectId)}/users`,
          body: { user_id: userId, role },
          read: anything,
        },
        options,
      ),
      isAlreadyMemberAnswer,
    );
  }

  async setProjectRole(
    projectId: string,
    userId: string,
    role: ProjectRole,
    options: CallOptions = {},
  ): Promise<void> {
    await this.client.request(
      {
        method: 'POST',
        path: `/organization/projects/${segment(projectId)}/users/${segment(userId)}`,
        body: { role },
        read: anything,
      },
      options,
    );
  }

  async removeProjectUser(projectId: string, userId: string, options: CallOptions = {}): Promise<void> {
    await settled(
      this.client.request(
        {
          method: 'DELETE',
          path: `/organization/projects/${segment(projectId)}/users/${segment(userId)}`,
          read: anything,
          notFoundAfterUnclearAttempt: true,
        },
        options,
      ),
      isNotAMemberAnswer,
    );
  }

  /** Every group of the organization (newer list shape: `next`). */
  listGroups(options: CallOptions = {}): AsyncGenerator<{ id: string }> {
    return this.#all(
      '/organization/groups',
      (item, requestId) => ({ id: idOf(item, 'a group', requestId) }),
      { limit: 100 },
      options,
    );
  }

  /** Every active project of the organization. */
  listProjects(options: CallOptions = {}): AsyncGenerator<ProjectSummary> {
    return this.#all('/organization/projects', readProject, { limit: 100 }, options);
  }

  /** Every enabled key of a project, its owner's access whatever it is (`owner_project_access=any`). */
  listProjectKeys(projectId: string, options: CallOptions = {}): AsyncGenerator<ProjectApiKey> {
    return this.#all(
      `/organization/projects/${segment(projectId)}/api_keys`,
      readProjectKey,
      { limit: 100, owner_project_access: 'any' },
      options,
    );
  }

  async deleteProjectKey(projectId: string, keyId: string, options: CallOptions = {}): Promise<void> {
    await this.client.request(
      {
        method: 'DELETE',
        path: `/organization/projects/${segment(projectId)}/api_keys/${segment(keyId)}`,
        read: anything,
        notFoundAfterUnclearAttempt: true,
      },
      options,
    );
  }

  listAdminKeys(options: CallOptions = {}): AsyncGenerator<AdminApiKey> {
    return this.#all('/organization/admin_api_keys', readAdminKey, { limit: 100 }, options);
  }
}
