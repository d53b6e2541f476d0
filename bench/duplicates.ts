/**
 * Upstream calls per duplicate create (a POST refused as "already invited"), against the
 * simulator on 127.0.0.1 holding N invites: without the ledger the client lists every invite
 * (1 + ceil(N/100) calls); with it (LedgerInviteLookup on a MemoryLedger, as `npm start` runs)
 * an email the ledger knows costs POST + GET. The email is the last one listed.
 *
 * Alone: `npx tsx -e "import('./bench/duplicates.ts').then(async (m) => console.log(m.duplicateRows(await m.measureDuplicates())))"`
 */
import { LedgerInviteLookup } from '../lib/ledger/invite-lookup';
import { MemoryLedger } from '../lib/ledger/memory-ledger';
import { newUpstreamTrace, OpenAIInvitesClient } from '../lib/openai/client';
import type { CreateOptions } from '../lib/openai/client';
import { StaticAdminKey } from '../lib/secrets/admin-key';
import { InvitesSimulator } from '../local/openai-simulator';
import type { FigureRow } from './report';

const KEY = 'sk-admin-bench-0000-key';
export const DUPLICATE_SIZES = [100, 1_000, 10_000];
/** With the ledger, a known email's duplicate is settled by the POST and one GET. */
export const DUPLICATE_TARGET = 2;

export interface DuplicateFigure {
  invites: number;
  /** Without a ledger: POST, then the whole listing. */
  before: number;
  /** With a ledger that does not know the email yet: the same listing, after which it is recorded. */
  firstWithLedger: number;
  /** With a ledger that knows the email (the figure the target is about). */
  after: number;
}

export const measureDuplicates = async (sizes = DUPLICATE_SIZES): Promise<DuplicateFigure[]> => {
  const simulator = new InvitesSimulator({ apiKeys: [KEY] });
  const client = new OpenAIInvitesClient({
    baseUrl: await simulator.start(),
    adminKey: new StaticAdminKey(KEY),
  });
  const figures: DuplicateFigure[] = [];
  try {
    for (const invites of sizes) {
      simulator.reset();
      for (let n = 0; n < invites; n += 1) simulator.seed(`dup${n}@example.com`);
      const request = { email: `dup${invites - 1}@example.com`, role: 'reader' as const, projects: [] };
      const knownInvites = new LedgerInviteLookup(new MemoryLedger(), 'bench');
      const callsOf = async (options: CreateOptions) => {
        const trace = newUpstreamTrace();
        const { created } = await client.createInvite(request, { ...options, trace });
        if (created) throw new Error(`a duplicate of ${request.email} was created`);
        return trace.attempts;
      };
      figures.push({
        invites,
        before: await callsOf({}),
        firstWithLedger: await callsOf({ knownInvites }),
        after: await callsOf({ knownInvites }),
      });
    }
  } finally {
    await simulator.stop();
  }
  return figures;
};

export const duplicateRows = (figures: DuplicateFigure[]): FigureRow[] =>
  figures.map((row) => ({
    figure: `upstream calls per duplicate create, ${row.invites.toLocaleString('en-US')} invites`,
    result:
      `before ${row.before} (no ledger), after ${row.after} (ledger knows the email; ` +
      `${row.firstWithLedger} the first time, then recorded)`,
    target: `≤ ${DUPLICATE_TARGET} with the ledger`,
    met: row.after <= DUPLICATE_TARGET,
  }));
