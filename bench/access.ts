/**
 * Calls per joiner (the acceptance check) and per mover (PUT /v1/people/{email}) against the
 * organization's size, on the simulator over 127.0.0.1 (issue 25). The check reads members by
 * email in batches (OpenAI's `emails` filter), never the whole organization: its member reads do
 * not grow with the organization. Its one listing is of invites (to know who was pending), which
 * grows with the invites OpenAI keeps (accepted ones stay listed): reported on its own row.
 *
 * Alone: `npx tsx -e "import('./bench/access.ts').then(async (m) => console.log(m.accessRows(await m.measureAccess())))"`
 */
import { runAcceptanceCheck } from '../lib/access/acceptance-check';
import { putPerson } from '../lib/access/person-api';
import { OpenAIInvitesClient } from '../lib/openai/client';
import { MemoryPersonStore } from '../lib/people/memory-store';
import { StaticAdminKey } from '../lib/secrets/admin-key';
import { InvitesSimulator } from '../local/openai-simulator';
import type { FigureRow } from './report';

const KEY = 'sk-admin-bench-0000-key';
export const ACCESS_SIZES = [100, 1_000, 10_000];
export const JOINERS = 20;
/** Reads per person per acceptance check, however large the organization (issue 25). */
export const READS_PER_PERSON_TARGET = 3;

export interface AccessFigure {
  members: number;
  /** Old invites OpenAI still lists (accepted ones stay): 0, or one per member. */
  listedInvites: number;
  joiners: number;
  readsPerJoiner: number;
  memberReadsPerJoiner: number;
  writesPerJoiner: number;
  moverReads: number;
  moverWrites: number;
}

const count = (simulator: InvitesSimulator, from: number) => {
  const requests = simulator.requests.slice(from);
  return {
    reads: requests.filter((request) => request.method === 'GET').length,
    memberReads: requests.filter(
      (request) => request.method === 'GET' && request.path === '/organization/users',
    ).length,
    writes: requests.filter((request) => request.method !== 'GET').length,
  };
};

const measureOne = async (
  simulator: InvitesSimulator,
  client: OpenAIInvitesClient,
  members: number,
  withOldInvites: boolean,
): Promise<AccessFigure> => {
  simulator.reset();
  simulator.access.seedGroup({ id: 'group_eng', name: 'Engineering' });
  simulator.access.seedGroup({ id: 'group_ops', name: 'Ops' });
  simulator.access.seedProject({ id: 'proj_web', name: 'Web' });
  simulator.access.seedProject({ id: 'proj_data', name: 'Data' });
  for (let n = 0; n < members; n += 1) {
    if (withOldInvites) simulator.accept(simulator.seed(`member${n}@example.com`).id);
    else simulator.seedUser({ email: `member${n}@example.com` });
  }
  const store = new MemoryPersonStore();
  let request = 0;
  const deps = () => ({
    client,
    store,
    requestId: `bench-${(request += 1)}`,
    at: new Date().toISOString(),
    call: {},
  });
  const joiner = (n: number) => `joiner${n}@example.com`;
  for (let n = 0; n < JOINERS; n += 1)
    await putPerson(
      joiner(n),
      {
        state: 'present',
        role: 'reader',
        projects: [{ id: 'proj_web', role: 'member' }],
        groups: ['group_eng'],
      },
      deps(),
    );
  // The intent grows after the invite: a project and a group the invite does not carry.
  for (let n = 0; n < JOINERS; n += 1)
    await store.declare({
      email: joiner(n),
      intent: {
        state: 'present',
        role: 'reader',
        projects: [
          { id: 'proj_web', role: 'member' },
          { id: 'proj_data', role: 'member' },
        ],
        groups: ['group_eng', 'group_ops'],
      },
      source: 'bamboohr',
      at: new Date().toISOString(),
    });
  for (const invite of simulator.invites.filter((candidate) => candidate.email.startsWith('joiner')))
    simulator.accept(invite.id);
  const before = simulator.requests.length;
  const report = await runAcceptanceCheck({ client, store });
  if (report.applied !== JOINERS * 3)
    throw new Error(`expected ${JOINERS * 3} grants, got ${report.applied}`);
  const check = count(simulator, before);
  const moverStart = simulator.requests.length;
  await putPerson(
    joiner(0),
    {
      state: 'present',
      role: 'reader',
      projects: [{ id: 'proj_data', role: 'owner' }],
      groups: ['group_ops'],
    },
    deps(),
  );
  const mover = count(simulator, moverStart);
  return {
    members,
    listedInvites: withOldInvites ? members : 0,
    joiners: JOINERS,
    readsPerJoiner: check.reads / JOINERS,
    memberReadsPerJoiner: check.memberReads / JOINERS,
    writesPerJoiner: check.writes / JOINERS,
    moverReads: mover.reads,
    moverWrites: mover.writes,
  };
};

export const measureAccess = async (sizes = ACCESS_SIZES): Promise<AccessFigure[]> => {
  const simulator = new InvitesSimulator({ apiKeys: [KEY] });
  const client = new OpenAIInvitesClient({
    baseUrl: await simulator.start(),
    adminKey: new StaticAdminKey(KEY),
  });
  const figures: AccessFigure[] = [];
  try {
    for (const members of sizes) figures.push(await measureOne(simulator, client, members, false));
    for (const members of sizes) figures.push(await measureOne(simulator, client, members, true));
  } finally {
    await simulator.stop();
  }
  return figures;
};

export const accessRows = (figures: AccessFigure[]): FigureRow[] =>
  figures.flatMap((row) => {
    const size = row.members.toLocaleString('en-US');
    const old =
      row.listedInvites > 0 ? `, ${row.listedInvites.toLocaleString('en-US')} old invites listed` : '';
    return [
      {
        figure: `reads per joiner, acceptance check, ${size} members${old}`,
        result:
          `${row.readsPerJoiner.toFixed(2)} (member reads ${row.memberReadsPerJoiner.toFixed(2)}, the rest the invite listing); ` +
          `writes ${row.writesPerJoiner.toFixed(2)} (${row.joiners} joiners, 3 grants each)`,
        target: `≤ ${READS_PER_PERSON_TARGET}`,
        met: row.readsPerJoiner <= READS_PER_PERSON_TARGET,
      },
      ...(row.listedInvites > 0
        ? []
        : [
            {
              figure: `calls per mover (PUT), ${size} members`,
              result: `${row.moverReads} reads (by email; the new ids checked once, then cached), ${row.moverWrites} writes (the difference only)`,
              target: `≤ ${READS_PER_PERSON_TARGET} reads`,
              met: row.moverReads <= READS_PER_PERSON_TARGET,
            },
          ]),
    ];
  });
