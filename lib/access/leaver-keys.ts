/**
 * A leaver's credentials (issue 25): the project API keys they own in every project (listed with
 * `owner_project_access=any`, so keys of an owner who already lost access are seen) and the admin
 * API keys they own. Found keys are kept in the person's history (`keys_found`, ids and names,
 * never a key's value). `revokeLeaverKeys` deletes the project keys a user owns, each with an
 * audit line and a `key_revoked` event, only with REVOKE_LEAVER_KEYS=true; it never deletes a
 * service account's key, and admin keys (the product's own included) are only ever reported.
 */
import { audit, logger } from '../commons/logger';
import { recordSafely } from '../ledger/record-safely';
import type { AdminApiKey, OpenAIAccessClient } from '../openai/access-client';
import type { CallOptions } from '../openai/client';
import type { PersonStore } from '../people/store';
import type { PersonEvent } from '../people/types';

export interface LeaverKey {
  projectId: string;
  keyId: string;
  name?: string;
}

export interface LeaverKeys {
  projectKeys: LeaverKey[];
  adminKeys: Pick<AdminApiKey, 'id' | 'name'>[];
}

export interface LeaverKeysDeps {
  access: OpenAIAccessClient;
  store: PersonStore;
  actor: string;
  deadline?: number;
}

/** Every project key this user owns (user-owned only) and the admin keys they own. */
export const findLeaverKeys = async (
  userId: string,
  access: OpenAIAccessClient,
  options: CallOptions = {},
): Promise<LeaverKeys> => {
  const projectKeys: LeaverKey[] = [];
  for await (const project of access.listProjects(options))
    for await (const key of access.listProjectKeys(project.id, options))
      if (key.ownerType === 'user' && key.ownerUserId === userId)
        projectKeys.push({ projectId: project.id, keyId: key.id, ...(key.name ? { name: key.name } : {}) });
  const adminKeys: LeaverKeys['adminKeys'] = [];
  for await (const key of access.listAdminKeys(options))
    if (key.ownerType === 'user' && key.ownerId === userId)
      adminKeys.push({ id: key.id, ...(key.name ? { name: key.name } : {}) });
  return { projectKeys, adminKeys };
};

export const describeKeys = ({ projectKeys, adminKeys }: LeaverKeys): string =>
  [
    ...projectKeys.map(
      (key) => `project key ${key.keyId}${key.name ? ` "${key.name}"` : ''} in ${key.projectId}`,
    ),
    ...adminKeys.map((key) => `admin key ${key.id}${key.name ? ` "${key.name}"` : ''} (reported only)`),
  ].join('; ');

/**
 * THE leaver key revocation: deletes each project key the leaver owns (found by
 * `findLeaverKeys`, user-owned only), one audit line and history event a key. A key already gone
 * counts as done; a failure is kept in the history and left for the next run.
 */
export const revokeLeaverKeys = async (
  email: string,
  userId: string,
  keys: readonly LeaverKey[],
  deps: LeaverKeysDeps,
): Promise<{ revoked: number; failed: number }> => {
  let revoked = 0;
  let failed = 0;
  for (const key of keys) {
    const at = new Date().toISOString();
    const base = { at, actor: deps.actor, userId, detail: `project key ${key.keyId} in ${key.projectId}` };
    try {
      await deps.access.deleteProjectKey(key.projectId, key.keyId, { deadline: deps.deadline });
    } catch (error) {
      if ((error as { status?: number }).status !== 404) {
        failed += 1;
        logger.warn('leaver key not revoked', { email, keyId: key.keyId, projectId: key.projectId });
        await keep(deps, email, {
          kind: 'failed',
          ...base,
          reason: `revoke key: ${(error as Error).message}`,
        });
        continue;
      }
    }
    revoked += 1;
    audit('key.revoked', deps.actor, { email, userId, keyId: key.keyId, projectId: key.projectId });
    await keep(deps, email, {
      kind: 'key_revoked',
      ...base,
      reason: 'the owner left (REVOKE_LEAVER_KEYS=true)',
    });
  }
  return { revoked, failed };
};

/**
 * A leaver's keys: found, kept in the history, and revoked when `revoke` is set. Never throws:
 * a failure to list is a `failed` event (offboarding goes on), tried again next run.
 */
export const handleLeaverKeys = async (
  email: string,
  userId: string,
  deps: LeaverKeysDeps & { revoke: boolean },
): Promise<LeaverKeys | undefined> => {
  let keys: LeaverKeys;
  try {
    keys = await findLeaverKeys(userId, deps.access, { deadline: deps.deadline });
  } catch (error) {
    await keep(deps, email, {
      kind: 'failed',
      at: new Date().toISOString(),
      actor: deps.actor,
      userId,
      reason: `list the leaver's API keys: ${(error as Error).message}`,
    });
    return undefined;
  }
  if (keys.projectKeys.length === 0 && keys.adminKeys.length === 0) return keys;
  await keep(deps, email, {
    kind: 'keys_found',
    at: new Date().toISOString(),
    actor: deps.actor,
    userId,
    reason: deps.revoke
      ? 'the leaver owns API keys: project keys are revoked (REVOKE_LEAVER_KEYS=true), admin keys reported'
      : 'the leaver owns API keys: delete them in OpenAI (REVOKE_LEAVER_KEYS=false)',
    detail: describeKeys(keys),
  });
  if (deps.revoke) await revokeLeaverKeys(email, userId, keys.projectKeys, deps);
  return keys;
};

const keep = (deps: LeaverKeysDeps, email: string, event: PersonEvent) =>
  recordSafely(() => deps.store.append(email, [event]), { what: { action: `person.${event.kind}` } });
