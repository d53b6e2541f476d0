/**
 * Issue 27 on real SQS semantics: moto's SQS (queue and DLQ, maxReceiveCount 5) and DynamoDB
 * (the ledger table, holding the people store and the shared budget), two worker containers in
 * processes of their own polling as the event source mapping does, and the simulator over HTTP
 * accepting a duplicate create (as an upstream might) with a per-endpoint limit whose 429s name
 * the wait only in their message.
 *
 * Time-compressed by 4: the four-minute all-429 episode lasts 60 s, the queue's visibility is 15 s
 * instead of 60 s, the wait OpenAI names 1.734 s instead of 6.937 s. Right after the episode one
 * container hangs (frozen, holding its batch) for longer than the visibility, so SQS redelivers its
 * records to the other while its own processing still waits, and then it goes on, as in the
 * issue's measurement: the create claim keeps those records from being created twice. The recovery
 * is not compressed: the budget's climb is counted in real seconds.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SqsQueue } from '../../lib/bulk/queue';
import { InvitesSimulator } from '../../local/openai-simulator';
import { createLedgerTable } from '../support/dynamodb';
import { TEST_ADMIN_KEY } from '../support/keys';
import { createQueuePair, drain } from '../support/queues';
import { type WorkerContainer, startWorkerContainer } from '../support/worker-container';

const COMPRESSION = 4;
const EPISODE_MS = 240_000 / COMPRESSION;
const VISIBILITY_SECONDS = 60 / COMPRESSION;
/** The simulator's limit per endpoint, and the budget's ceiling (OPENAI_RATE_LIMIT_RPS). */
const LIMIT_RPS = 2;
/** Invites on the queue when the episode starts. */
const EPISODE_INVITES = 40;
/** Invites arriving as it ends, so that the measuring window is still busy (160 at 2/s: 80 s). */
const BACKLOG_INVITES = 120;
/** The create rate is measured over [end + WINDOW_START_MS, end + WINDOW_END_MS]: within a minute of the end. */
const WINDOW_START_MS = 40_000;
const WINDOW_END_MS = 55_000;
/** One container hangs from FREEZE_AT_MS after the end for FREEZE_MS (longer than the visibility). */
const FREEZE_AT_MS = 5_000;
const FREEZE_MS = 30_000;
/** The wait OpenAI names in each 429's message (6.937 s ÷ 4). */
const WAIT_MS = 6_937 / COMPRESSION;

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY], acceptDuplicates: true });
let containers: WorkerContainer[] = [];

beforeAll(async () => {
  await simulator.start();
});
afterAll(async () => {
  await simulator.stop();
});
afterEach(async () => {
  await Promise.all(containers.map((container) => container.stop()));
  containers = [];
});

const throttledEverywhere = {
  kind: 'status' as const,
  status: 429,
  times: 1e9,
  body: {
    error: {
      message: `Rate limit reached for requests. Please try again after ${(WAIT_MS / 1000).toFixed(3)} seconds.`,
      type: 'invalid_request_error',
      param: null,
      code: 'rate_limit_exceeded',
    },
  },
};

const inviteBodies = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, n) => ({ email: `${prefix}${n}@example.com`, role: 'reader' }));

const enqueue = async (queue: SqsQueue, invites: { email: string; role: string }[]) => {
  for (let start = 0; start < invites.length; start += 10) {
    const failed = await queue.sendBatch(
      invites
        .slice(start, start + 10)
        .map((body, index) => ({ id: String(index), body: JSON.stringify(body) })),
    );
    expect(failed).toEqual([]);
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

describe('a four-minute all-429 episode on SQS with two worker containers (time ÷ 4)', () => {
  it('loses nothing, creates every invite once on an upstream that accepts duplicates, and is back at ≥ 0.9 of the limit within a minute', async () => {
    const { queue, deadLetterQueue } = await createQueuePair({
      visibilityTimeoutSeconds: VISIBILITY_SECONDS,
      maxReceiveCount: 5,
    });
    const table = await createLedgerTable();
    simulator.setRateLimit({
      ratePerSecond: LIMIT_RPS,
      burst: LIMIT_RPS,
      messageOnly: true,
      perEndpoint: true,
    });
    const env = {
      INVITE_QUEUE_URL: queue.url,
      INVITE_DLQ_URL: deadLetterQueue.url,
      INVITE_LEDGER_TABLE: table,
      OPENAI_RATE_LIMIT_RPS: String(LIMIT_RPS),
      INVITES_UPSTREAM_URL: simulator.url,
      OPENAI_ADMIN_KEY: TEST_ADMIN_KEY,
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    containers = [0, 1].map(() => startWorkerContainer({ batchSize: 10, functionTimeoutMs: 60_000 }, env));
    // Create times of the POSTs OpenAI answered 200, sampled as they come.
    const createdAt: number[] = [];
    let seen = 0;
    const sampler = setInterval(() => {
      const creates = simulator.requests.filter((r) => r.method === 'POST' && r.status === 200).length;
      for (; seen < creates; seen += 1) createdAt.push(Date.now());
    }, 50);

    try {
      const episodeInvites = inviteBodies('episode', EPISODE_INVITES);
      simulator.inject(throttledEverywhere);
      const episodeStart = Date.now();
      await enqueue(queue, episodeInvites);
      await sleep(episodeStart + EPISODE_MS - Date.now());
      const callsDuringEpisode = simulator.requests.length;
      const postsDuringEpisode = simulator.requests.filter((r) => r.method === 'POST').length;
      simulator.clearFaults();
      const episodeEnd = Date.now();
      const backlog = inviteBodies('backlog', BACKLOG_INVITES);
      await enqueue(queue, backlog);
      await sleep(episodeEnd + FREEZE_AT_MS - Date.now());
      containers[0]!.freeze();
      await sleep(FREEZE_MS);
      containers[0]!.thaw();

      const everyone = [...episodeInvites, ...backlog].map((invite) => invite.email).sort();
      const deadline = episodeEnd + 120_000;
      while (simulator.invites.length < everyone.length && Date.now() < deadline) await sleep(250);
      const doneAt = Date.now();
      await sleep(2_000);

      const inWindow = createdAt.filter(
        (at) => at >= episodeEnd + WINDOW_START_MS && at < episodeEnd + WINDOW_END_MS,
      ).length;
      const rateAfter = inWindow / ((WINDOW_END_MS - WINDOW_START_MS) / 1000);
      const lines = containers.flatMap((container) => container.lines);
      const records = lines.filter((line) => line.message === 'bulk record');
      const count = (outcome: string) => records.filter((line) => line.outcome === outcome).length;
      const perSecond = Array.from(
        { length: Math.ceil((doneAt - episodeEnd) / 5000) },
        (_, n) =>
          createdAt.filter((at) => at >= episodeEnd + n * 5000 && at < episodeEnd + (n + 1) * 5000).length,
      );
      console.log(
        JSON.stringify({
          callsDuringEpisode,
          postsDuringEpisode,
          rateAfter,
          createsPer5sAfterEpisode: perSecond,
          drainedAfterMs: doneAt - episodeEnd,
          created: count('created'),
          deduplicated: count('deduplicated'),
          throttled: count('throttled'),
          claimHeld: count('claim_held'),
          retried: count('retry'),
          redelivered: records.filter((line) => Number(line.receiveCount) > 1).length,
        }),
      );

      // The premise: SQS redelivered records while the hung container still held them.
      expect(records.filter((line) => Number(line.receiveCount) > 1).length).toBeGreaterThan(0);
      // Every invite created exactly once: one answered POST per email, however often redelivered.
      const twice = simulator.invites
        .map((invite) => invite.email)
        .filter((email, index, all) => all.indexOf(email) !== index);
      expect(twice).toEqual([]);
      expect(simulator.invites.map((invite) => invite.email).sort()).toEqual(everyone);
      expect(simulator.requests.filter((r) => r.method === 'POST' && r.status === 200)).toHaveLength(
        everyone.length,
      );
      expect(await drain(deadLetterQueue)).toEqual([]);
      expect(await drain(queue)).toEqual([]);
      // The shared budget stops every caller of an endpoint, in both containers, for the wait OpenAI
      // named, so the fleet sends at most one call per named wait (here all to one endpoint, the
      // create); without it each of the 40 records would send 1 + OPENAI_MAX_RETRIES (3) calls per pass.
      expect(callsDuringEpisode).toBeGreaterThan(0);
      expect(callsDuringEpisode).toBeLessThanOrEqual(Math.ceil(EPISODE_MS / WAIT_MS));
      expect(rateAfter).toBeGreaterThanOrEqual(0.9 * LIMIT_RPS);
    } finally {
      clearInterval(sampler);
    }
  }, 240_000);
});
