/**
 * `PUT /v1/people/{email}` and `DELETE /v1/people/{email}` (issue 25): an operator declares a
 * person's whole access, or that they leave. The body is checked like an invite (role, projects)
 * plus `groups`; every group and project id is checked once at OpenAI (cached for the
 * container) so an unknown or archived one is a 400 here, never a silent skip at apply time.
 * A member gets the difference applied now; someone not yet in the organization gets the
 * invite (the rest follows on acceptance); a leaver goes through the reconciler's rules for one
 * person (authority, OFFBOARD_MEMBERS, owners never), their API keys with them.
 */
import { audit } from '../commons/logger';
import { InvalidRequestError } from '../http/errors';
import { parseInviteRequest } from '../http/validation';
import { readSweepConfig } from '../lifecycle/config';
import { declareAndReconcile } from '../lifecycle/one-person';
import type { Ledger } from '../ledger/ledger';
import { OpenAIAccessClient } from '../openai/access-client';
import type { CallOptions, OpenAIInvitesClient } from '../openai/client';
import { observedInvite } from '../people/observed';
import { describeIntent, intentOf, type PresentIntent, requestOf } from '../people/intent';
import type { PersonStore } from '../people/store';
import type { Person } from '../people/types';
import { API_SOURCE } from '../people/api-intent';
import type { StepOutcome } from './apply';
import { reconcileMemberAccess } from './member-access';

export const MAX_GROUPS = 100;
const GROUP_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The body of a PUT: `{"role", "projects"?, "groups"?}`; `exact` from `?exact=true`. */
export const parsePersonIntent = (email: string, body: unknown, exact: string | undefined): PresentIntent => {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidRequestError('Expected a JSON object.');
  const { groups, email: _ignored, ...terms } = body as Record<string, unknown>;
  const request = parseInviteRequest({ ...terms, email });
  if (groups !== undefined && (!Array.isArray(groups) || groups.length > MAX_GROUPS))
    throw new InvalidRequestError(`'groups' must be an array of at most ${MAX_GROUPS} group ids.`, 'groups');
  const ids = (groups ?? []) as unknown[];
  for (const [index, id] of ids.entries())
    if (typeof id !== 'string' || !GROUP_ID.test(id))
      throw new InvalidRequestError(
        `Invalid value for 'groups[${index}]': a group id such as group_abc.`,
        `groups[${index}]`,
      );
  if (new Set(ids).size !== ids.length)
    throw new InvalidRequestError("'groups' lists a group twice.", 'groups');
  if (exact !== undefined && exact !== 'true' && exact !== 'false')
    throw new InvalidRequestError("'exact' must be true or false.", 'exact');
  return {
    ...intentOf(request),
    ...(groups !== undefined ? { groups: ids as string[] } : {}),
    ...(exact === 'true' ? { exact: true } : {}),
  };
};

/** Ids OpenAI confirmed, per container: checked once, then trusted (an apply still reports a refusal). */
const known = new Map<string, number>();
const KNOWN_FOR_MS = 10 * 60_000;

/** 400 for an id OpenAI does not know (or an archived project), before anything is declared. */
export const checkAccessIds = async (
  intent: PresentIntent,
  access: OpenAIAccessClient,
  options: CallOptions,
): Promise<void> => {
  const fresh = (key: string) => (known.get(key) ?? 0) > Date.now();
  for (const [index, project] of (intent.projects ?? []).entries()) {
    if (fresh(`p:${project.id}`)) continue;
    const status = await access.projectStatus(project.id, options);
    if (status === undefined)
      throw new InvalidRequestError(
        `No project found with id '${project.id}'.`,
        `projects[${index}].id`,
        'unknown_project',
      );
    if (status === 'archived')
      throw new InvalidRequestError(
        `Project '${project.id}' is archived.`,
        `projects[${index}].id`,
        'archived_project',
      );
    known.set(`p:${project.id}`, Date.now() + KNOWN_FOR_MS);
  }
  for (const [index, id] of (intent.groups ?? []).entries()) {
    if (fresh(`g:${id}`)) continue;
    if (!(await access.groupExists(id, options)))
      throw new InvalidRequestError(`No group found with id '${id}'.`, `groups[${index}]`, 'unknown_group');
    known.set(`g:${id}`, Date.now() + KNOWN_FOR_MS);
  }
};

export interface PersonApiDeps {
  client: OpenAIInvitesClient;
  store: PersonStore;
  ledger?: Ledger;
  requestId: string;
  /** ISO-8601: when the request arrived. */
  at: string;
  call: CallOptions;
}

/** Declares the intent, then brings OpenAI to it for this one person. */
export const putPerson = async (
  email: string,
  intent: PresentIntent,
  deps: PersonApiDeps,
): Promise<{ person: Person; steps: StepOutcome[] }> => {
  const access = new OpenAIAccessClient(deps.client);
  await checkAccessIds(intent, access, deps.call);
  const declared = await deps.store.declare({
    email,
    intent,
    source: API_SOURCE,
    eventId: deps.requestId,
    at: deps.at,
  });
  if (declared.outcome === 'superseded' || declared.outcome === 'replayed')
    return { person: declared.person, steps: [] };
  const member = await deps.client.findUserByEmail(email, deps.call);
  if (member) {
    const steps = await reconcileMemberAccess(declared.person, member, {
      access,
      store: deps.store,
      actor: API_SOURCE,
      deadline: deps.call.deadline,
    });
    return { person: (await deps.store.get(email)) ?? declared.person, steps };
  }
  const request = requestOf(email, intent);
  const made = await deps.client.createInviteIfAbsent(request, { ...deps.call, replacePending: true });
  if (!made) return { person: declared.person, steps: [] };
  audit('invite.created', API_SOURCE, { email, inviteId: made.id });
  const person = await deps.store.update(
    email,
    { productInvite: { id: made.id, at: deps.at }, observed: observedInvite(made, deps.at) },
    [{ kind: 'invited', at: deps.at, actor: API_SOURCE, inviteId: made.id, detail: describeIntent(intent) }],
  );
  return { person, steps: [] };
};

/** The leaver path: `absent` from an operator (authority to remove), the reconciler's rules for one person. */
export const deletePerson = async (email: string, deps: PersonApiDeps) =>
  declareAndReconcile(
    { email, intent: { state: 'absent' }, source: API_SOURCE, eventId: deps.requestId, at: deps.at },
    {
      client: deps.client,
      store: deps.store,
      ledger: deps.ledger,
      actor: API_SOURCE,
      offboardMembers: readSweepConfig().offboardMembers,
      deadline: deps.call.deadline,
    },
  );
