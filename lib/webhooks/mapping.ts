/**
 * From a provider's draft to a checked event: the role and projects mapping (README, "HR
 * webhooks"), then the same validation as the API's (lib/http/validation.ts).
 * - role: the event's own (only `standard` events carry one), else WEBHOOK_DEFAULT_ROLE.
 * - projects: the event's own, else WEBHOOK_DEPARTMENT_PROJECTS[department] (case-insensitive),
 *   else omitted (OpenAI's default project).
 * - groups: WEBHOOK_DEPARTMENT_GROUPS[department] (case-insensitive), else omitted. Not part of
 *   the invite (OpenAI's invites carry no groups): the person's intended groups, granted once they
 *   are a member (lib/access/), moved when the department changes.
 * - then the caps: an invite above WEBHOOK_MAX_ROLE or WEBHOOK_MAX_PROJECT_ROLE is refused
 *   (lib/webhooks/grant-limits.ts), never lowered.
 */
import type { WebhookConfig } from './config';
import { InvitesError } from '../commons/errors';
import { UnprocessableWebhookEventError, WebhookGrantRefusedError } from './errors';
import { webhookGrantRefusal } from './grant-limits';
import { parseInviteRequest } from '../http/validation';
import type { EventTime, EventTiming, InviteDraft, ProviderName, RevokeDraft, WebhookEvent } from './types';

/** The draft's signed time, if any, and whether there is one. */
const timingOf = ({ occurredAt }: EventTime): EventTiming =>
  occurredAt !== undefined ? { occurredAt, timeSigned: true } : { timeSigned: false };

/**
 * The email is not a field the sender wrote but one read from the vendor's payload: an error about
 * it names the JSON path that was read (`payload.application.candidate.email_addresses[…]`), so a
 * payload of the wrong shape says where the email was looked for.
 */
const checked = <T>(draft: InviteDraft | RevokeDraft, parse: () => T): T => {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof InvitesError)) throw error;
    const path = error.param === 'email' ? draft.emailPath : undefined;
    const reason = !path
      ? error.message
      : draft.email.trim() === ''
        ? `No email at ${path}.`
        : error.message.replace(`'email'`, `'${path}'`);
    throw new UnprocessableWebhookEventError(
      `Event ${draft.id} cannot be used: ${reason}`,
      'invalid_event',
      path ?? error.param,
    );
  }
};

export const toInviteEvent = (
  draft: InviteDraft,
  source: ProviderName,
  config: WebhookConfig,
): WebhookEvent => {
  const department = draft.department?.trim().toLowerCase();
  const projects = draft.projects ?? (department ? config.departmentProjects.get(department) : undefined);
  const groups = department ? config.departmentGroups.get(department) : undefined;
  const request = checked(draft, () =>
    parseInviteRequest({
      email: draft.email,
      role: draft.role ?? config.defaultRole,
      ...(projects ? { projects } : {}),
    }),
  );
  // The one place a webhook's grant is refused (WEBHOOK_MAX_ROLE, WEBHOOK_MAX_PROJECT_ROLE).
  const refusal = webhookGrantRefusal(request, config.grantLimits);
  if (refusal) throw new WebhookGrantRefusedError(`Event ${draft.id} refused: ${refusal}.`);
  return {
    kind: 'invite',
    id: draft.id,
    replayKey: draft.replayKey,
    source,
    ...request,
    ...(groups ? { groups: [...groups] } : {}),
    ...timingOf(draft),
  };
};

export const toRevokeEvent = (draft: RevokeDraft, source: ProviderName): WebhookEvent => {
  // The invite schema checks the email as the API would; the role is only there to satisfy it.
  const { email } = checked(draft, () => parseInviteRequest({ email: draft.email, role: 'reader' }));
  return { kind: 'revoke', id: draft.id, replayKey: draft.replayKey, email, source, ...timingOf(draft) };
};
