/**
 * A person as `GET /v1/people/{email}` answers it (README, "Routes"): snake_case like OpenAI's
 * objects, `null` for what is not known, history newest first with `has_more`.
 */
import type { InviteProject } from '../openai/types';
import type { HistoryPage, Intent, Observed, Person, PersonEvent } from './types';

export interface IntentView {
  state: Intent['state'];
  role?: string;
  projects?: InviteProject[];
  groups?: string[];
  exact?: boolean;
}

export interface ObservedView {
  invite?: {
    id: string;
    status: string;
    role: string;
    projects?: InviteProject[];
    created_at?: number;
    expires_at?: number | null;
  };
  member?: { user_id: string; role: string };
  seen_at: string;
}

export interface PersonEventView {
  kind: PersonEvent['kind'];
  at: string;
  actor: string;
  reason?: string;
  invite_id?: string;
  user_id?: string;
  detail?: string;
}

export interface PersonView {
  object: 'person';
  email: string;
  intent: IntentView | null;
  declared_by: { source: string; event_id?: string; at: string } | null;
  observed: ObservedView | null;
  awaiting: { code: string; reason: string; since: string } | null;
  product_invite_ids: string[];
  /** What the product granted (lib/access/): the only memberships it removes unless exact. */
  granted: { role?: string; projects: InviteProject[]; groups: string[] } | null;
  history: PersonEventView[];
  has_more: boolean;
}

const intentView = (intent: Intent): IntentView =>
  intent.state === 'absent'
    ? { state: 'absent' }
    : {
        state: 'present',
        role: intent.role,
        ...(intent.projects !== undefined ? { projects: intent.projects } : {}),
        ...(intent.groups !== undefined ? { groups: intent.groups } : {}),
        ...(intent.exact ? { exact: true } : {}),
      };

const observedView = ({ invite, member, seenAt }: Observed): ObservedView => ({
  ...(invite
    ? {
        invite: {
          id: invite.id,
          status: invite.status,
          role: invite.role,
          ...(invite.projects !== undefined ? { projects: invite.projects } : {}),
          ...(invite.createdAt !== undefined ? { created_at: invite.createdAt } : {}),
          ...(invite.expiresAt !== undefined ? { expires_at: invite.expiresAt } : {}),
        },
      }
    : {}),
  ...(member ? { member: { user_id: member.userId, role: member.role } } : {}),
  seen_at: seenAt,
});

const eventView = (event: PersonEvent): PersonEventView => ({
  kind: event.kind,
  at: event.at,
  actor: event.actor,
  ...(event.reason !== undefined ? { reason: event.reason } : {}),
  ...(event.inviteId !== undefined ? { invite_id: event.inviteId } : {}),
  ...(event.userId !== undefined ? { user_id: event.userId } : {}),
  ...(event.detail !== undefined ? { detail: event.detail } : {}),
});

/**
 * The API's answer for a person and a page of their history.
 * @example personView(await store.get(email), await store.history(email))
 */
export const personView = (person: Person, history: HistoryPage): PersonView => ({
  object: 'person',
  email: person.email,
  intent: person.intent ? intentView(person.intent) : null,
  declared_by: person.declaredBy
    ? {
        source: person.declaredBy.source,
        ...(person.declaredBy.eventId !== undefined ? { event_id: person.declaredBy.eventId } : {}),
        at: person.declaredBy.at,
      }
    : null,
  observed: person.observed ? observedView(person.observed) : null,
  awaiting: person.awaiting
    ? { code: person.awaiting.code, reason: person.awaiting.reason, since: person.awaiting.since }
    : null,
  product_invite_ids: [...person.productInviteIds],
  granted: person.granted
    ? {
        ...(person.granted.role !== undefined ? { role: person.granted.role } : {}),
        projects: person.granted.projects,
        groups: person.granted.groups,
      }
    : null,
  history: history.events.map(eventView),
  has_more: history.hasMore,
});
