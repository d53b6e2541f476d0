/**
 * From a provider's draft to a checked event: the role and projects mapping (README, "HR
 * webhooks"), then the same validation as the API's (lib/http/validation.ts).
 * - role: the event's own (only `standard` events carry one), else WEBHOOK_DEFAULT_ROLE.
 * - projects: the event's own, else WEBHOOK_DEPARTMENT_PROJECTS[department] (case-insensitive),
 *   else omitted (OpenAI's default project).
 */
import type { WebhookConfig } from './config';
import { InvitesError } from '../commons/errors';
import { UnprocessableWebhookEventError } from './errors';
import { parseInviteRequest } from '../http/validation';
import type { InviteDraft, ProviderName, RevokeDraft, WebhookEvent } from './types';

const checked = <T>(id: string, parse: () => T): T => {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof InvitesError)) throw error;
    throw new UnprocessableWebhookEventError(
      `Event ${id} cannot be used: ${error.message}`,
      'invalid_event',
      error.param,
    );
  }
};

export const toInviteEvent = (
  draft: InviteDraft,
  source: ProviderName,
  config: WebhookConfig,
): WebhookEvent => {
  const projects =
    draft.projects ??
    (draft.department ? config.departmentProjects.get(draft.department.trim().toLowerCase()) : undefined);
  const request = checked(draft.id, () =>
    parseInviteRequest({
      email: draft.email,
      role: draft.role ?? config.defaultRole,
      ...(projects ? { projects } : {}),
    }),
  );
  return { kind: 'invite', id: draft.id, replayKey: draft.replayKey, source, ...request };
};

export const toRevokeEvent = (draft: RevokeDraft, source: ProviderName): WebhookEvent => {
  // The invite schema checks the email as the API would; the role is only there to satisfy it.
  const { email } = checked(draft.id, () => parseInviteRequest({ email: draft.email, role: 'reader' }));
  return { kind: 'revoke', id: draft.id, replayKey: draft.replayKey, email, source };
};
