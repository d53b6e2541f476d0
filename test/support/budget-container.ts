/**
 * One container of OpenAI callers in a process of its own, sharing the budget in moto's DynamoDB
 * with the other processes (test/integration/budget.test.ts). Argument: a JSON `ContainerSpec`.
 * Prints one JSON line, `ContainerReport`, when its calls are done.
 */
import { SharedBudget } from '../../lib/budget/budget';
import { DynamoDbBudgetStore } from '../../lib/budget/dynamodb-store';
import { inLane, type Lane } from '../../lib/budget/lanes';
import { InvitesError } from '../../lib/commons/errors';
import { OpenAIInvitesClient } from '../../lib/openai/client';
import { StaticAdminKey } from '../../lib/secrets/admin-key';

export interface ContainerSpec {
  table: string;
  upstream: string;
  adminKey: string;
  ceilingRps: number;
  /** A new bucket's first rate (default: slow start). */
  startRps?: number;
  lane: Lane;
  emails: string[];
  /** Calls in flight at once (a worker's batch). */
  parallel: number;
  /** Wait between two calls of one loop. */
  gapMs: number;
  /** Epoch ms the calls start at (every process starts together). */
  startAt: number;
}

export interface ContainerReport {
  lane: Lane;
  /** ms from a call's start to its answer, per call. */
  latencies: number[];
  /** Error codes answered to the caller. */
  errors: string[];
  /** When each call was answered (epoch ms). */
  finishedAt: number[];
  throttled: number;
  writes: number;
  local: number;
}

const spec = JSON.parse(process.argv[2]!) as ContainerSpec;
const store = new DynamoDbBudgetStore(spec.table);
const budget = new SharedBudget({ store, ceilingRps: spec.ceilingRps, startRps: spec.startRps });
const client = new OpenAIInvitesClient({
  adminKey: new StaticAdminKey(spec.adminKey),
  baseUrl: spec.upstream,
  maxRetries: 8,
  deadlineMs: 120_000,
  budget,
});
const report: ContainerReport = {
  lane: spec.lane,
  latencies: [],
  errors: [],
  finishedAt: [],
  throttled: 0,
  writes: 0,
  local: 0,
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

const loop = async (emails: string[]) => {
  for (const email of emails) {
    const started = Date.now();
    try {
      await inLane(spec.lane, () => client.createInvite({ email, role: 'reader' }));
    } catch (error) {
      report.errors.push(error instanceof InvitesError ? String(error.code) : String(error));
    }
    report.latencies.push(Date.now() - started);
    report.finishedAt.push(Date.now());
    await sleep(spec.gapMs);
  }
};

// A warm container: its connections to DynamoDB and to the upstream open before the calls measured.
await store.read('warm-up');
await fetch(`${spec.upstream}/organization/invites?limit=1`, {
  headers: { Authorization: `Bearer ${spec.adminKey}` },
});
await sleep(spec.startAt - Date.now());
const loops = Array.from({ length: spec.parallel }, (_, n) =>
  loop(spec.emails.filter((_, index) => index % spec.parallel === n)),
);
await Promise.all(loops);
report.throttled = budget.counts.throttled;
report.writes = store.writes;
report.local = budget.counts.local;
process.stdout.write(`${JSON.stringify(report)}\n`);
