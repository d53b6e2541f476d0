/**
 * The acceptance check (issue 25): OpenAI sends no event when an invite is accepted, so on its
 * own schedule (`{"check": "acceptance"}`, context acceptanceCheckSchedule) the product reads the
 * invites, takes the people whose invite the product knows pending (or who are members with
 * grants still to apply), reads those emails' memberships in batches (OpenAI's `emails` filter:
 * one read for up to ACCEPTANCE_BATCH people, never the whole organization), records "observed
 * accepted", then applies what the invite could not carry (member-access.ts).
 */
import { logger } from '../commons/logger';
import type { OpenAIInvitesClient } from '../openai/client';
import { OpenAIAccessClient } from '../openai/access-client';
import type { Invite } from '../openai/types';
import { observationChange } from '../lifecycle/observe';
import type { PersonStore } from '../people/store';
import { normaliseEmail, type Person } from '../people/types';
import type { StepOutcome } from './apply';
import { reconcileMemberAccess } from './member-access';
import { accessPending } from './plan';

/** Emails one users read asks for. */
export const ACCEPTANCE_BATCH = 20;
export const ACCEPTANCE_ACTOR = 'acceptance-check';

export interface AcceptanceDeps {
  client: OpenAIInvitesClient;
  store: PersonStore;
  actor?: string;
  deadline?: number;
}

export interface AcceptanceReport {
  check: 'acceptance';
  invitesRead: number;
  /** People whose acceptance or grants were looked at. */
  candidates: number;
  /** Users reads (by email). */
  userReads: number;
  accepted: number;
  people: { email: string; userId?: string; steps: StepOutcome[] }[];
  applied: number;
  failed: number;
}

/** Known, intent present, and either not yet seen a member or with grants still to apply. */
const isCandidate = (person: Person | undefined): person is Person =>
  person?.intent?.state === 'present' && (!person.observed?.member || accessPending(person));

export const runAcceptanceCheck = async (deps: AcceptanceDeps): Promise<AcceptanceReport> => {
  const actor = deps.actor ?? ACCEPTANCE_ACTOR;
  const options = { deadline: deps.deadline };
  const invites = new Map<string, Invite[]>();
  let invitesRead = 0;
  for await (const invite of deps.client.listAllInvites(options)) {
    invitesRead += 1;
    if (invite.status !== 'pending' && invite.status !== 'accepted') continue;
    const email = normaliseEmail(invite.email);
    invites.set(email, [...(invites.get(email) ?? []), invite]);
  }
  const candidates: Person[] = [];
  for (const email of invites.keys()) {
    const person = await deps.store.get(email);
    if (isCandidate(person)) candidates.push(person);
  }
  const access = new OpenAIAccessClient(deps.client);
  const report: AcceptanceReport = {
    check: 'acceptance',
    invitesRead,
    candidates: candidates.length,
    userReads: 0,
    accepted: 0,
    people: [],
    applied: 0,
    failed: 0,
  };
  for (let start = 0; start < candidates.length; start += ACCEPTANCE_BATCH) {
    if (deps.deadline !== undefined && Date.now() >= deps.deadline) break;
    const batch = candidates.slice(start, start + ACCEPTANCE_BATCH);
    report.userReads += 1;
    const members = await access.usersByEmail(
      batch.map((person) => person.email),
      options,
    );
    for (const person of batch) {
      const member = members.find((user) => normaliseEmail(user.email) === person.email);
      if (!member) continue;
      const held = invites.get(person.email) ?? [];
      const now = new Date();
      const state = { email: person.email, person, invites: held, member };
      const change = observationChange(state, Math.floor(now.getTime() / 1000), now.toISOString(), actor);
      let current = person;
      if (change) {
        current = await deps.store.update(person.email, { observed: change.observed }, change.events);
        if (change.events.some((event) => event.kind === 'observed_accepted')) report.accepted += 1;
      }
      const accepted = held.find((invite) => invite.status === 'accepted');
      const steps = await reconcileMemberAccess(
        current,
        member,
        { access, store: deps.store, actor, deadline: deps.deadline },
        accepted,
      );
      report.applied += steps.filter((step) => step.result === 'done').length;
      report.failed += steps.filter((step) => step.result === 'failed').length;
      report.people.push({ email: person.email, userId: member.id, steps });
    }
  }
  logger.info('acceptance check', {
    invitesRead,
    candidates: report.candidates,
    accepted: report.accepted,
    applied: report.applied,
    failed: report.failed,
  });
  return report;
};
