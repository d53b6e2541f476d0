/**
 * The reconciler's guarantees under random histories (issue 23, "Done when"): sequences of joiner
 * and leaver events from several sources (through the real worker), rosters, sweeps, invites
 * expiring or accepted, and changes made outside the product (an admin's invite, a member added
 * by hand), against the simulator over HTTP. After every step:
 * - no owner is ever removed; no member is removed without authority (or with offboarding off);
 * - nobody whose intent is absent is invited; every invite the product makes carries the intent's terms;
 * - a sweep right after any step plans nothing that acts, once the step's own run has applied.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTE, REVOKE_ACTION } from '../../lib/bulk/messages';
import { BulkInviteWorker } from '../../lib/bulk/worker';
import { MemoryLedger } from '../../lib/ledger/memory-ledger';
import { actingOf } from '../../lib/lifecycle/plan';
import { runReconcile, type ReconcileDeps } from '../../lib/lifecycle/reconcile-run';
import { REMOVABLE_MEMBER_ROLES } from '../../lib/lifecycle/rules';
import { readClientConfig } from '../../lib/openai/config';
import type { InviteProject } from '../../lib/openai/types';
import { createInvitesClient } from '../../lib/openai/runtime';
import { mayRemoveMember } from '../../lib/people/authority';
import { MemoryPersonStore } from '../../lib/people/memory-store';
import type { Person } from '../../lib/people/types';
import { lambdaContext } from '../../local/lambda-context';
import { LocalQueue } from '../../local/local-queue';
import { InvitesSimulator, type SimulatedInvite, type SimulatedUser } from '../../local/openai-simulator';
import { TEST_ADMIN_KEY } from '../support/keys';
import { sqsEvent, sqsRecord } from '../support/sqs-records';
import { useSimulator } from '../support/simulator';
import { runAcceptanceCheck } from '../../lib/access/acceptance-check';
import { putPerson } from '../../lib/access/person-api';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);

const EMAILS = ['ada@example.com', 'bo@example.com', 'cy@example.com', 'di@example.com'];
const PROJECTS: (InviteProject[] | undefined)[] = [undefined, [], [{ id: 'proj_a', role: 'member' }]];

const email = fc.constantFrom(...EMAILS);
const role = fc.constantFrom('reader' as const, 'owner' as const);
const terms = fc.record({ role, projects: fc.constantFrom(...PROJECTS) });

type Step =
  | {
      type: 'joiner';
      email: string;
      source: string;
      terms: { role: 'reader' | 'owner'; projects?: InviteProject[] };
    }
  | { type: 'leaver'; email: string; source: string }
  | { type: 'roster'; rows: { email: string; role: 'reader' | 'owner' }[]; offboard: boolean }
  | { type: 'sweep' }
  | { type: 'expire' | 'accept'; email: string }
  | { type: 'outside_invite'; email: string; role: 'reader' | 'owner' }
  | { type: 'outside_member'; email: string; role: 'reader' | 'owner' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    type: fc.constant('joiner' as const),
    email,
    source: fc.constantFrom('greenhouse', 'okta', 'api', 'queue'),
    terms,
  }),
  fc.record({
    type: fc.constant('leaver' as const),
    email,
    source: fc.constantFrom('greenhouse', 'okta', 'bamboohr', 'queue'),
  }),
  fc.record({
    type: fc.constant('roster' as const),
    rows: fc.uniqueArray(fc.record({ email, role }), {
      minLength: 1,
      maxLength: 3,
      selector: (row) => row.email,
    }),
    offboard: fc.boolean(),
  }),
  fc.constant({ type: 'sweep' as const }),
  fc.record({ type: fc.constantFrom('expire' as const, 'accept' as const), email }),
  fc.record({ type: fc.constant('outside_invite' as const), email, role }),
  fc.record({ type: fc.constant('outside_member' as const), email, role }),
);

/** The simulator's organization as it stands (copies, so a later change cannot alter them). */
const snapshot = () => ({
  invites: simulator.invites.map((invite) => ({ ...invite })),
  users: simulator.users.map((user) => ({ ...user })),
});

const projectKey = (projects: InviteProject[] | undefined) =>
  JSON.stringify([...(projects ?? [])].map((project) => `${project.id}:${project.role}`).sort());

describe('the reconciler under random histories', () => {
  it('never removes an owner or without authority, never invites an absent person, re-issues only the intent, converges', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        async (steps, offboardMembers) => {
          simulator.reset();
          const ledger = new MemoryLedger();
          const store = new MemoryPersonStore({ ledger });
          const config = { ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY };
          const client = createInvitesClient(config, { maxRetries: 0 });
          const queue = new LocalQueue({ name: 'bulk' });
          const deadLetterQueue = new LocalQueue({ name: 'dlq' });
          const worker = new BulkInviteWorker({
            client,
            queue,
            deadLetterQueue,
            ledger,
            people: store,
            offboardMembers,
          });
          const deps: ReconcileDeps = {
            client,
            store,
            ledger,
            actor: 'sweep',
            offboardMembers,
            reinviteExpired: true,
            maxReinvites: 2,
            maxRemovals: 1000,
          };
          // Events in real time, each strictly after the last, as senders stamp them.
          let last = 0;
          const tick = () => new Date((last = Math.max(Date.now(), last + 1))).toISOString();
          const outsideInvites = new Set<string>();
          const outsideUsers = new Set<string>();

          for (const current of steps) {
            const before = snapshot();
            const peopleBefore = new Map<string, Person | undefined>();
            for (const address of EMAILS) peopleBefore.set(address, await store.get(address));
            await apply(current);
            // The scheduled sweep after every step: what it does is checked with the step.
            const swept = await runReconcile({ apply: true }, deps);
            // Planned removals too: OpenAI itself may refuse some (the simulator keeps owners).
            for (const action of swept.actions.filter((planned) => planned.kind === 'offboard')) {
              const member = before.users.find((user) => user.id === action.userId);
              expect(
                REMOVABLE_MEMBER_ROLES,
                `${action.email} planned for removal as ${member?.role}`,
              ).toContain(member?.role ?? 'reader');
            }
            const after = snapshot();
            await checkRemovals(before.users, after.users, peopleBefore);
            await checkInvites(before.invites, after.invites);
            // Converges: once a run has applied, the next plans nothing that acts.
            const again = await runReconcile({ apply: false }, deps);
            expect(actingOf({ actions: again.actions, counts: again.counts })).toEqual([]);
          }

          async function apply(current: Step): Promise<void> {
            const context = lambdaContext('bulk-invite-worker', 60_000);
            const attributes = (source: string) => ({ [ATTRIBUTE.source]: source, event_at: tick() });
            switch (current.type) {
              case 'joiner':
                await worker.handle(
                  sqsEvent(
                    sqsRecord(
                      { email: current.email, ...current.terms },
                      { attributes: attributes(current.source) },
                    ),
                  ),
                  context,
                );
                return;
              case 'leaver':
                await worker.handle(
                  sqsEvent(
                    sqsRecord(
                      { email: current.email },
                      { attributes: { ...attributes(current.source), [ATTRIBUTE.action]: REVOKE_ACTION } },
                    ),
                  ),
                  context,
                );
                return;
              case 'roster':
                await runReconcile(
                  { roster: current.rows, offboard: current.offboard, apply: true },
                  { ...deps, actor: 'roster', now: () => new Date(Date.parse(tick())) },
                );
                return;
              case 'sweep':
                await runReconcile({ apply: true }, deps);
                return;
              case 'expire':
              case 'accept': {
                const pending = simulator.invites.find(
                  (invite) => invite.email === current.email && invite.status === 'pending',
                );
                if (pending && current.type === 'expire') simulator.expire(pending.id);
                if (pending && current.type === 'accept') simulator.accept(pending.id);
                return;
              }
              case 'outside_invite':
                // An admin replaces whatever is pending (OpenAI holds one pending invite an email).
                for (const pending of simulator.invites.filter(
                  (invite) => invite.email === current.email && invite.status === 'pending',
                ))
                  simulator.invites.splice(simulator.invites.indexOf(pending), 1);
                outsideInvites.add(simulator.seed(current.email, current.role).id);
                return;
              case 'outside_member':
                if (!simulator.users.some((user) => user.email === current.email))
                  outsideUsers.add(simulator.seedUser({ email: current.email, role: current.role }).id);
                return;
            }
          }

          async function checkRemovals(
            usersBefore: SimulatedUser[],
            usersAfter: SimulatedUser[],
            people: Map<string, Person | undefined>,
          ): Promise<void> {
            for (const removed of usersBefore.filter(
              (user) => !usersAfter.some((kept) => kept.id === user.id),
            )) {
              expect(offboardMembers, `${removed.email} removed with offboarding off`).toBe(true);
              expect(REMOVABLE_MEMBER_ROLES, `${removed.email} removed as ${removed.role}`).toContain(
                removed.role,
              );
              const person = (await store.get(removed.email)) ?? people.get(removed.email);
              expect(person?.intent?.state, `${removed.email} removed without intent absent`).toBe('absent');
              const accepted = simulator.invites.find(
                (invite) => invite.email === removed.email && invite.status === 'accepted',
              );
              expect(
                mayRemoveMember(person?.declaredBy, person!, accepted?.id),
                `${removed.email} removed without authority`,
              ).toBe(true);
            }
          }

          async function checkInvites(
            invitesBefore: SimulatedInvite[],
            invitesAfter: SimulatedInvite[],
          ): Promise<void> {
            for (const made of invitesAfter.filter(
              (invite) => !invitesBefore.some((old) => old.id === invite.id),
            )) {
              if (outsideInvites.has(made.id)) continue;
              const person = await store.get(made.email);
              expect(person?.intent?.state, `${made.email} invited while absent`).toBe('present');
              if (person?.intent?.state !== 'present') return;
              expect(made.role).toBe(person.intent.role);
              if (person.intent.projects !== undefined)
                expect(projectKey(made.projects)).toBe(projectKey(person.intent.projects));
            }
          }
        },
      ),
      {
        numRuns: 100,
        examples: [
          [
            [
              { type: 'roster', rows: [{ email: 'ada@example.com', role: 'reader' }], offboard: false },
              { type: 'expire', email: 'ada@example.com' },
              { type: 'roster', rows: [{ email: 'di@example.com', role: 'reader' }], offboard: false },
              { type: 'roster', rows: [{ email: 'ada@example.com', role: 'reader' }], offboard: false },
            ],
            false,
          ],
          [
            [
              { type: 'outside_member', email: 'bo@example.com', role: 'reader' },
              { type: 'leaver', email: 'bo@example.com', source: 'greenhouse' },
            ],
            true,
          ],
          [
            [
              { type: 'leaver', email: 'cy@example.com', source: 'bamboohr' },
              { type: 'outside_member', email: 'cy@example.com', role: 'owner' },
            ],
            true,
          ],
        ],
      },
    );
  }, 240_000);
});

/** Grants (issue 25): access intents, acceptance checks, movers and hand-made memberships. */
const GROUPS = ['group_a', 'group_b'];
const ACCESS_PROJECTS = ['proj_a', 'proj_b'];

type GrantStep =
  | {
      type: 'access';
      email: string;
      groups: string[];
      projects: string[];
      exact: boolean;
    }
  | { type: 'leaver'; email: string; source: string }
  | { type: 'accept'; email: string }
  | { type: 'check' }
  | { type: 'hand'; email: string; group?: string; project?: string };

const grantStep: fc.Arbitrary<GrantStep> = fc.oneof(
  fc.record({
    type: fc.constant('access' as const),
    email,
    groups: fc.subarray(GROUPS),
    projects: fc.subarray(ACCESS_PROJECTS),
    exact: fc.boolean(),
  }),
  fc.record({ type: fc.constant('leaver' as const), email, source: fc.constantFrom('greenhouse', 'okta') }),
  fc.record({ type: fc.constant('accept' as const), email }),
  fc.constant({ type: 'check' as const }),
  fc.record({
    type: fc.constant('hand' as const),
    email,
    group: fc.option(fc.constantFrom(...GROUPS), { nil: undefined }),
    project: fc.option(fc.constantFrom(...ACCESS_PROJECTS), { nil: undefined }),
  }),
);

/** Every membership as `user|group:id` / `user|project:id`. */
const memberships = (): Set<string> => {
  const all = new Set<string>();
  for (const [id, users] of simulator.access.groupUsers)
    for (const user of users) all.add(`${user}|group:${id}`);
  for (const [id, users] of simulator.access.projectUsers)
    for (const user of users.keys()) all.add(`${user}|project:${id}`);
  return all;
};

describe('grants under random histories', () => {
  it('never grants access to an absent person, never removes a membership the product has no authority over, converges', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(grantStep, { minLength: 1, maxLength: 10 }), async (steps) => {
        simulator.reset();
        for (const id of GROUPS) simulator.access.seedGroup({ id, name: id });
        for (const id of ACCESS_PROJECTS) simulator.access.seedProject({ id, name: id });
        const ledger = new MemoryLedger();
        const store = new MemoryPersonStore({ ledger });
        const config = { ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY };
        const client = createInvitesClient(config, { maxRetries: 0 });
        const queue = new LocalQueue({ name: 'bulk' });
        const worker = new BulkInviteWorker({
          client,
          queue,
          deadLetterQueue: new LocalQueue({ name: 'dlq' }),
          ledger,
          people: store,
          offboardMembers: false,
        });
        let last = 0;
        const tick = () => new Date((last = Math.max(Date.now(), last + 1))).toISOString();
        let request = 0;

        for (const current of steps) {
          const before = memberships();
          const users = new Map(simulator.users.map((user) => [user.id, user.email]));
          const peopleBefore = new Map<string, Person | undefined>();
          for (const address of EMAILS) peopleBefore.set(address, await store.get(address));
          const acceptedProjects = new Set<string>();
          await apply(current);
          await runAcceptanceCheck({ client, store });
          const after = memberships();
          for (const user of simulator.users) users.set(user.id, user.email);
          for (const added of [...after].filter((membership) => !before.has(membership))) {
            if (acceptedProjects.has(added) || current.type === 'hand') continue;
            const person = await store.get(users.get(added.split('|')[0]!)!);
            expect(person?.intent?.state, `${added} granted while absent`).toBe('present');
          }
          for (const removed of [...before].filter((membership) => !after.has(membership))) {
            const [userId, grant] = removed.split('|') as [string, string];
            const person = peopleBefore.get(users.get(userId)!);
            const [kind, id] = grant.split(':') as ['group' | 'project', string];
            const granted =
              kind === 'group'
                ? person?.granted?.groups.includes(id)
                : person?.granted?.projects.some((project) => project.id === id);
            const exact = current.type === 'access' && current.exact;
            expect(granted || exact, `${removed} removed without authority`).toBe(true);
          }
          // Converges: a second check right after applies nothing.
          const again = await runAcceptanceCheck({ client, store });
          expect(again.applied + again.failed, JSON.stringify(again.people)).toBe(0);

          async function apply(step: GrantStep): Promise<void> {
            switch (step.type) {
              case 'access':
                await putPerson(
                  step.email,
                  {
                    state: 'present',
                    role: 'reader',
                    projects: step.projects.map((id) => ({ id, role: 'member' as const })),
                    groups: step.groups,
                    ...(step.exact ? { exact: true } : {}),
                  },
                  { client, store, ledger, requestId: `req-${(request += 1)}`, at: tick(), call: {} },
                );
                return;
              case 'leaver':
                await worker.handle(
                  sqsEvent(
                    sqsRecord(
                      { email: step.email },
                      {
                        attributes: {
                          [ATTRIBUTE.source]: step.source,
                          event_at: tick(),
                          [ATTRIBUTE.action]: REVOKE_ACTION,
                        },
                      },
                    ),
                  ),
                  lambdaContext('bulk-invite-worker', 60_000),
                );
                return;
              case 'accept': {
                const pending = simulator.invites.find(
                  (invite) => invite.email === step.email && invite.status === 'pending',
                );
                if (!pending) return;
                simulator.accept(pending.id);
                const userId = simulator.users.find((user) => user.email === step.email)!.id;
                for (const project of pending.projects)
                  acceptedProjects.add(`${userId}|project:${project.id}`);
                return;
              }
              case 'check':
                return;
              case 'hand': {
                const user =
                  simulator.users.find((candidate) => candidate.email === step.email) ??
                  simulator.seedUser({ email: step.email });
                if (step.group && !simulator.access.groupUsers.get(step.group)!.includes(user.id))
                  simulator.access.groupUsers.get(step.group)!.push(user.id);
                if (step.project) simulator.access.projectUsers.get(step.project)!.set(user.id, 'member');
                return;
              }
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  }, 240_000);
});
