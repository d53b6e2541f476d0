/**
 * One reconciler run (README, "People and the reconciler"): read OpenAI's invites and members,
 * read the people they concern, declare a roster's intent when one is given, plan (plan.ts),
 * check the brakes, then apply (apply.ts) leavers first. The scheduled sweep is this run without
 * a roster; `openai-invites reconcile ROSTER` is this run with one.
 *
 * Brakes: a run that would revoke or remove more than `maxRemovals` people stops before it
 * writes or sends anything, and says why; an empty roster is refused. A dry run writes nothing.
 */
import { inLane } from '../budget/lanes';
import { randomUUID } from 'node:crypto';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from '../commons/logger';
import type { Ledger } from '../ledger/ledger';
import type { OpenAIInvitesClient } from '../openai/client';
import type { Invite, InviteRequest, OrganizationUser } from '../openai/types';
import { declarationChange } from '../people/changes';
import type { PersonStore } from '../people/store';
import { normaliseEmail, type Person } from '../people/types';
import { type ActionResult, applyAction } from './apply';
import { observationChange } from './observe';
import { type PeoplePlan, planPeople, removalsOf, statesOf } from './plan';
import type { PersonState, PlannedAction } from './plan-types';
import { rosterDeclarations } from './roster';

export interface ReconcileRequest {
  /** Declare this roster first; without one the run is the sweep. */
  roster?: InviteRequest[];
  /** With a roster: members off it are declared absent, with the authority to remove them. */
  offboard?: boolean;
  /** Carry the plan out; false = a dry run that writes nothing. */
  apply: boolean;
  /** Overrides the configured brake for this run. */
  maxRemovals?: number;
}

export interface ReconcileDeps {
  client: OpenAIInvitesClient;
  store: PersonStore;
  ledger?: Ledger;
  metrics?: Pick<Metrics, 'addMetric'>;
  actor: string;
  offboardMembers: boolean;
  reinviteExpired: boolean;
  maxReinvites: number;
  maxRemovals: number;
  /** Epoch ms after which no further action starts. */
  deadline?: number;
  now?: () => Date;
}

export interface ActionOutcome extends PlannedAction {
  result?: ActionResult;
}

export interface ReconcileReport {
  actor: string;
  dryRun: boolean;
  invitesRead: number;
  membersRead: number;
  /** A roster run: members off the roster left alone (no --offboard). */
  membersLeftAlone?: number;
  counts: PeoplePlan['counts'];
  actions: ActionOutcome[];
  /** Set when the run stopped before acting: why. */
  refused?: { code: 'brake' | 'empty_roster'; message: string };
  applied: number;
  failed: number;
}

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

/** Reads the people for these emails, a few at a time. */
const readPeople = async (store: PersonStore, emails: Iterable<string>): Promise<Map<string, Person>> => {
  const people = new Map<string, Person>();
  const queue = [...new Set([...emails].map(normaliseEmail))];
  const worker = async () => {
    for (let email = queue.shift(); email !== undefined; email = queue.shift()) {
      const person = await store.get(email);
      if (person) people.set(email, person);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return people;
};

const emptyReport = (
  deps: ReconcileDeps,
  request: ReconcileRequest,
  invites: Invite[],
  members: OrganizationUser[],
  plan: PeoplePlan,
) => ({
  actor: deps.actor,
  dryRun: !request.apply,
  invitesRead: invites.length,
  membersRead: members.length,
  counts: plan.counts,
  actions: plan.actions as ActionOutcome[],
  applied: 0,
  failed: 0,
});

/**
 * One reconciler run (a sweep or a roster). Its reads and its joiners' invites wait in the
 * budget's `bulk` lane; its revocations and removals go in the `leaver` lane (apply.ts).
 */
export const runReconcile = (request: ReconcileRequest, deps: ReconcileDeps): Promise<ReconcileReport> =>
  inLane('bulk', () => reconcileInLane(request, deps));

const reconcileInLane = async (request: ReconcileRequest, deps: ReconcileDeps): Promise<ReconcileReport> => {
  const now = deps.now ?? (() => new Date());
  const at = now().toISOString();
  const nowSeconds = Math.floor(now().getTime() / 1000);
  if (request.roster && request.roster.length === 0) {
    const empty = planPeople([], planOptions(deps, request, nowSeconds));
    return {
      ...emptyReport(deps, request, [], [], empty),
      refused: {
        code: 'empty_roster',
        message:
          'The roster names nobody: an empty roster would declare everyone absent. Nothing was planned.',
      },
    };
  }
  const [invites, members] = await Promise.all([
    collect(deps.client.listAllInvites({ deadline: deps.deadline })),
    collect(deps.client.listAllUsers({}, { deadline: deps.deadline })),
  ]);
  const awaiting = await deps.store.listAwaiting();
  const emails = [
    ...(request.roster ?? []).map((row) => row.email),
    ...invites.map((invite) => invite.email),
    ...members.map((member) => member.email),
    ...awaiting.map((person) => person.email),
  ];
  const people = await readPeople(deps.store, emails);
  const roster = request.roster
    ? rosterDeclarations(request.roster, invites, members, {
        offboard: request.offboard === true,
        at,
        runId: `roster-${randomUUID().slice(0, 8)}`,
      })
    : undefined;
  // A plan on the intents the roster would declare: checked against the brakes before any write.
  const proposed = new Map(people);
  for (const declaration of roster?.declarations ?? []) {
    const current = proposed.get(declaration.email);
    proposed.set(declaration.email, declarationChange(current, declaration, at).person!);
  }
  const options = planOptions(deps, request, nowSeconds);
  const plan = planPeople(statesOf(proposed, invites, members), options);
  const report: ReconcileReport = {
    ...emptyReport(deps, request, invites, members, plan),
    ...(roster ? { membersLeftAlone: roster.membersLeftAlone } : {}),
  };
  const maxRemovals = request.maxRemovals ?? deps.maxRemovals;
  const removals = removalsOf(plan);
  if (removals > maxRemovals) {
    deps.metrics?.addMetric('ReconcileBrakeEngaged', MetricUnit.Count, 1);
    logger.error('reconcile stopped by its brakes', { actor: deps.actor, removals, maxRemovals });
    report.refused = {
      code: 'brake',
      message: `This run would revoke or remove ${removals} people, more than the limit of ${maxRemovals} (RECONCILE_MAX_REMOVALS, --max-removals). Nothing was changed: check the plan, then raise the limit for this run if it is right.`,
    };
    return report;
  }
  if (!request.apply) return report;
  for (const declaration of roster?.declarations ?? []) await deps.store.declare(declaration);
  // Plan again on what the store now holds: a concurrent writer may have declared in between.
  const stored = roster ? await readPeople(deps.store, emails) : people;
  const states = statesOf(stored, invites, members);
  await recordObservations(states, nowSeconds, at, deps);
  const final = planPeople(states, options);
  report.counts = final.counts;
  report.actions = [];
  for (const action of final.actions) {
    const result = await applyAction(action, deps);
    report.actions.push({
      ...action,
      ...(result.status === 'skipped' && result.reason === 'nothing to apply' ? {} : { result }),
    });
    if (result.status === 'done') report.applied += 1;
    if (result.status === 'failed') report.failed += 1;
  }
  publish(report, deps.metrics);
  return report;
};

const planOptions = (deps: ReconcileDeps, request: ReconcileRequest, now: number) => ({
  offboardMembers: deps.offboardMembers,
  reinviteExpired: deps.reinviteExpired,
  maxReinvites: deps.maxReinvites,
  inviteDeclared: request.roster !== undefined,
  now,
});

/** Writes what OpenAI shows for each known person whose observation changed (with its events). */
const recordObservations = async (
  states: PersonState[],
  now: number,
  at: string,
  deps: ReconcileDeps,
): Promise<void> => {
  for (const state of states) {
    if (!state.person) continue;
    const change = observationChange(state, now, at, deps.actor);
    if (!change) continue;
    state.person = await deps.store.update(state.email, { observed: change.observed }, change.events);
  }
};

const publish = (report: ReconcileReport, metrics: ReconcileDeps['metrics']): void => {
  for (const [kind, count] of Object.entries(report.counts))
    if (count > 0) metrics?.addMetric(`Reconcile_${kind}`, MetricUnit.Count, count);
  metrics?.addMetric('ReconcileFailed', MetricUnit.Count, report.failed);
  logger.info('reconcile', {
    actor: report.actor,
    dryRun: report.dryRun,
    counts: report.counts,
    applied: report.applied,
    failed: report.failed,
  });
};
