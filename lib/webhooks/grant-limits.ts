/**
 * What an HR webhook may ask for. A webhook's signing secret is held by a vendor and its
 * integrations, so it must not equal an owner invite: events asking for more than
 * WEBHOOK_MAX_ROLE (default `reader`) or a project role above WEBHOOK_MAX_PROJECT_ROLE (default
 * `member`) are refused, with the reason in the webhook receipt.
 *
 * `webhookGrantRefusal` is THE place this is decided: whatever else should happen to a refusal
 * (for instance a line in the person's history) hangs off its one caller, lib/webhooks/mapping.ts.
 */
import type { InviteRequest } from '../openai/types';

export type ProjectRole = 'member' | 'owner';

export interface WebhookGrantLimits {
  /** The highest organization role a webhook invite may carry. */
  maxRole: 'reader' | 'owner';
  /** The highest project role a webhook invite may carry. */
  maxProjectRole: ProjectRole;
}

export const DEFAULT_WEBHOOK_GRANT_LIMITS: WebhookGrantLimits = {
  maxRole: 'reader',
  maxProjectRole: 'member',
};

/** Roles in increasing power; a role not listed (a future one) is above every cap: an allowlist. */
const ORGANIZATION_RANK: Readonly<Record<string, number>> = { reader: 0, owner: 1 };
const PROJECT_RANK: Readonly<Record<string, number>> = { member: 0, owner: 1 };

const within = (ranks: Readonly<Record<string, number>>, role: string, max: string): boolean =>
  Object.hasOwn(ranks, role) && ranks[role]! <= ranks[max]!;

/**
 * Why a webhook may not ask for `invite`, or undefined when it may.
 * @param invite - the invite the event asks for, after mapping (role and projects)
 * @param limits - WEBHOOK_MAX_ROLE and WEBHOOK_MAX_PROJECT_ROLE
 * @example webhookGrantRefusal({ email, role: 'owner' }, DEFAULT_WEBHOOK_GRANT_LIMITS)
 *   // → "role owner is above WEBHOOK_MAX_ROLE (reader)"
 */
export const webhookGrantRefusal = (
  invite: InviteRequest,
  limits: WebhookGrantLimits,
): string | undefined => {
  if (!within(ORGANIZATION_RANK, invite.role, limits.maxRole)) {
    return `role ${invite.role} is above WEBHOOK_MAX_ROLE (${limits.maxRole})`;
  }
  const above = (invite.projects ?? []).find(
    (project) => !within(PROJECT_RANK, project.role, limits.maxProjectRole),
  );
  if (above) {
    return `project role ${above.role} on ${above.id} is above WEBHOOK_MAX_PROJECT_ROLE (${limits.maxProjectRole})`;
  }
  return undefined;
};
