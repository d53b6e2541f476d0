/**
 * The CLI's `job`, `bulk-invite --wait` and `dlq` (issue 14) as an operator runs them: child
 * processes against a real local gateway whose worker drains an in-process queue into the
 * simulator over HTTP, and against SQS queues in moto. Output here is not a terminal: plain lines.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeadLetterWriter } from '../../lib/bulk/dead-letter';
import { encodeInvite } from '../../lib/bulk/messages';
import { setQueues } from '../../lib/bulk/runtime';
import { MemoryLedger } from '../../lib/ledger/memory-ledger';
import { recordJobStart, setLedger } from '../../lib/ledger/runtime';
import type { QueueEventSource } from '../../local/event-source';
import { LocalGateway } from '../../local/gateway';
import { LocalQueue } from '../../local/local-queue';
import { InvitesSimulator } from '../../local/openai-simulator';
import { runCli } from '../support/cli';
import { TEST_ADMIN_KEY } from '../support/keys';
import { createQueuePair, drain } from '../support/queues';
import { useSimulator } from '../support/simulator';
import { sqsRecord } from '../support/sqs-records';
import { startWorkers, waitFor } from '../support/workers';
import { deadLetterRoutes } from '../../local/dead-letter-routes';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);

const directory = mkdtempSync(join(tmpdir(), 'job-dlq-cli-'));
const wave = join(directory, 'wave.csv');
writeFileSync(
  wave,
  [
    'email,role',
    'a0@example.com,reader',
    'a1@example.com,reader',
    'not-an-email,reader',
    'held@example.com,reader',
    'a2@example.com,reader',
  ].join('\n'),
);

let deadLetterQueue: LocalQueue;
let queue: LocalQueue;
let ledger: MemoryLedger;
let source: QueueEventSource | undefined;
const gateway = new LocalGateway({
  // The queues change per test; the routes read them through these getters.
  localRoutes: deadLetterRoutes({
    get queue() {
      return queue;
    },
    get deadLetterQueue() {
      return deadLetterQueue;
    },
  }),
});
/** A gateway with no in-process queues, as deployed or under npm start with SQS. */
const plainGateway = new LocalGateway();
let gatewayUrl: string;
let plainGatewayUrl: string;

const startWorker = () => {
  ({ source } = startWorkers({ queue, upstream: simulator.url, maxRetries: 0 }));
};

beforeAll(async () => {
  gatewayUrl = await gateway.start();
  plainGatewayUrl = await plainGateway.start();
});
afterAll(async () => {
  await gateway.stop();
  await plainGateway.stop();
  setQueues({});
  setLedger(undefined);
});
beforeEach(() => {
  deadLetterQueue = new LocalQueue({ name: 'invites-dlq' });
  queue = new LocalQueue({
    name: 'invites',
    visibilityTimeoutSeconds: 2,
    maxReceiveCount: 3,
    deadLetterQueue,
  });
  setQueues({ queue, deadLetterQueue });
  ledger = new MemoryLedger();
  setLedger(ledger);
});
afterEach(async () => {
  await source?.stop();
  source = undefined;
});

describe('openai-invites bulk-invite --wait and job, against a gateway, its worker and the simulator', () => {
  it('sends, watches until completed, prints counts and each failure by index, and exits 1', async () => {
    simulator.seed('held@example.com', 'owner');
    startWorker();

    const result = await runCli(
      ['bulk-invite', wave, '--gateway', gatewayUrl, '--job-id', 'wave-7', '--wait', '--interval', '0.2'],
      {},
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${wave}:4: Invalid value for 'email'`);
    expect(result.stdout).toContain('Enqueued 4 of 4 valid invites in 1 job: wave-7. Rejected 1 line.');
    expect(result.stdout).toContain(
      'wave-7 completed 4/4 settled: created 3, already_invited 0, revoked 0, failed 1, pending 0',
    );
    expect(result.stdout).toContain(
      'Job wave-7: completed, 4 of 4 invites settled (created 3, already_invited 0, revoked 0, failed 1, pending 0).',
    );
    // Named where it came from: the file and its line, not the job's index.
    expect(result.stdout).toContain(`  ${wave}:5 held@example.com  invite_pending_with_different_terms: `);
    expect(simulator.invites.filter((invite) => /^a\d@/.test(invite.email))).toHaveLength(3);
  }, 60_000);

  it('job --watch: one plain line per change while in progress, then the final counts; exit 0', async () => {
    await recordJobStart({ jobId: 'wave-8', total: 3, source: 'cli' });
    for (const index of [0, 1, 2])
      await queue.send(
        encodeInvite(
          { email: `w${index}@example.com`, role: 'reader' },
          { jobId: 'wave-8', source: 'cli', index },
        ),
      );

    let printed = '';
    const watching = runCli(
      ['job', 'wave-8', '--watch', '--interval', '0.2', '--gateway', gatewayUrl],
      {},
      (chunk) => (printed += chunk),
    );
    // The worker starts once the CLI has shown the job waiting.
    await waitFor(() => printed.includes('in_progress'), 30_000);
    startWorker();
    const result = await watching;

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'wave-8 in_progress 0/3 settled: created 0, already_invited 0, revoked 0, failed 0, pending 3',
    );
    // A poll that brings nothing new prints nothing: no line twice in a row.
    expect(lines.every((line, at) => at === 0 || line !== lines[at - 1])).toBe(true);
    expect(lines.at(-1)).toBe(
      'Job wave-8: completed, 3 of 3 invites settled (created 3, already_invited 0, revoked 0, failed 0, pending 0).',
    );
  }, 60_000);

  it('job once: exit 4 while in progress, exit 3 with a clear message for an unknown job', async () => {
    await recordJobStart({ jobId: 'wave-9', total: 2, source: 'cli' });

    const pending = await runCli(['job', 'wave-9', '--gateway', gatewayUrl]);
    const unknown = await runCli(['job', 'nope-1', '--gateway', gatewayUrl]);

    expect(pending.code).toBe(4);
    expect(pending.stdout).toContain('Job wave-9: in progress, 0 of 2 invites settled');
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain(`No job "nope-1" at ${gatewayUrl}: check the id`);
  });

  it('exits 2 for usage errors: no job id, a bad interval, --wait with --queue-url', async () => {
    const noId = await runCli(['job']);
    const badInterval = await runCli(['job', 'x', '--interval', 'soon', '--gateway', gatewayUrl]);
    const waitQueue = await runCli(['bulk-invite', wave, '--wait', '--queue-url', 'http://127.0.0.1:1/q']);

    expect([noId.code, badInterval.code, waitQueue.code]).toEqual([2, 2, 2]);
    expect(badInterval.stderr).toContain('--interval must be a number of seconds');
    expect(waitQueue.stderr).toContain('--wait watches jobs through the gateway');
  });
});

describe('openai-invites dlq against the npm start gateway (in-process queues)', () => {
  it('lists what the worker dead-lettered; after the cause is fixed, redrive settles the job', async () => {
    simulator.seed('held@example.com', 'owner');
    startWorker();
    const sent = await runCli(['bulk-invite', wave, '--gateway', gatewayUrl, '--job-id', 'wave-10']);
    expect(sent.code).toBe(1);
    await waitFor(() => deadLetterQueue.size === 1, 20_000);
    // One moved by "SQS" (receives exhausted): no failure attributes.
    await deadLetterQueue.send(
      encodeInvite(
        { email: 'tired@example.com', role: 'reader' },
        { jobId: 'other-1', source: 'api', index: 5 },
      ),
    );

    const listed = await runCli(['dlq', 'list', '--gateway', gatewayUrl]);
    const onlyWave = await runCli(['dlq', 'list', '--job', 'wave-10', '--gateway', gatewayUrl]);
    const dryRun = await runCli(['dlq', 'redrive', '--dry-run', '--gateway', gatewayUrl]);

    expect(listed.code).toBe(0);
    const [header, ...rows] = listed.stdout.trim().split('\n');
    expect(header).toMatch(/^EMAIL +JOB +INDEX +CODE +RECEIVES +AGE +REASON$/);
    expect(rows[0]).toMatch(
      /^held@example\.com +wave-10 +2 +invite_pending_with_different_terms +1 +\d+s +.*owner/,
    );
    expect(rows[1]).toMatch(/^tired@example\.com +other-1 +5 +receives exhausted +max +\d+s +moved by SQS/);
    expect(rows[2]).toContain('2 dead letters in');
    expect(rows[2]).toContain('1 dead-lettered by the worker, 1 with receives exhausted.');
    expect(onlyWave.stdout).not.toContain('tired@example.com');
    expect(dryRun).toMatchObject({ code: 0 });
    expect(dryRun.stdout).toContain(
      'Dry run: 2 dead letters would move back to the bulk queue; nothing was moved.',
    );
    expect(deadLetterQueue.size).toBe(2);

    // The runbook: fix the cause (the pending owner invite is revoked), then redrive the job's letters.
    simulator.reset();
    const redriven = await runCli(['dlq', 'redrive', '--job', 'wave-10', '--gateway', gatewayUrl]);
    expect(redriven).toMatchObject({ code: 0 });
    expect(redriven.stdout).toContain('Moved 1 dead letter of job wave-10 back to the bulk queue.');
    expect(deadLetterQueue.list().map((letter) => JSON.parse(letter.body).email)).toEqual([
      'tired@example.com',
    ]);

    const watched = await runCli(['job', 'wave-10', '--watch', '--interval', '0.2', '--gateway', gatewayUrl]);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain('Job wave-10: completed, 4 of 4 invites settled (created 4,');
    expect(simulator.invites.map((invite) => invite.email)).toContain('held@example.com');
  }, 60_000);

  it('keeps the local routes behind the loopback guard: a foreign Host or a cross-site redrive gets 403', async () => {
    await deadLetterQueue.send({ body: '{"email":"x@example.com","role":"reader"}' });
    const port = new URL(gatewayUrl).port;
    const call = (path: string, method: string, headers: Record<string, string>, body = '') =>
      new Promise<number | undefined>((resolve, reject) =>
        request(`http://127.0.0.1:${port}${path}`, { method, headers })
          .on('response', (response) => {
            response.resume();
            resolve(response.statusCode);
          })
          .on('error', reject)
          .end(body),
      );

    const rebinding = await call('/local/dead-letters', 'GET', { Host: 'attacker.example' });
    const crossSite = await call(
      '/local/dead-letters/redrive',
      'POST',
      { Origin: 'https://attacker.example', 'Content-Type': 'text/plain' },
      '{}',
    );
    const formPost = await call(
      '/local/dead-letters/redrive',
      'POST',
      { 'Content-Type': 'text/plain' },
      '{}',
    );

    expect([rebinding, crossSite, formPost]).toEqual([403, 403, 403]);
    expect(deadLetterQueue.size).toBe(1);
  });

  it("dlq list --json and job --json give the full reason and advice in the CLI's terms; discard is a dry run first, then audited", async () => {
    simulator.seed('held@example.com', 'owner');
    startWorker();
    const sent = await runCli(['bulk-invite', wave, '--gateway', gatewayUrl, '--job-id', 'wave-20']);
    expect(sent.code).toBe(1);
    await waitFor(() => deadLetterQueue.size === 1, 20_000);
    // One more, of another code, with a reason longer than any table cell.
    const long = `Project proj_${'x'.repeat(400)} not found; the end of the reason matters.`;
    await new DeadLetterWriter(deadLetterQueue).write(
      sqsRecord(
        { email: 'gone@example.com', role: 'reader' },
        { attributes: { job_id: 'wave-20', index: '9' } },
      ),
      { code: 'invalid_invite', reason: long, status: 400 },
    );

    const json = await runCli(['dlq', 'list', '--json', '--gateway', gatewayUrl]);
    expect(json.code).toBe(0);
    const letters = JSON.parse(json.stdout) as {
      email: string;
      code: string;
      reason: string;
      advice: string;
    }[];
    expect(letters.map((letter) => [letter.email, letter.code])).toEqual([
      ['held@example.com', 'invite_pending_with_different_terms'],
      ['gone@example.com', 'invalid_invite'],
    ]);
    expect(letters[1]!.reason).toBe(long);
    expect(letters[0]!.advice).toContain('bulk-invite FILE --replace-pending');
    // The reason itself names the CLI's option too, not only the API's header.
    expect(letters[0]!.reason).toContain('openai-invites bulk-invite FILE --replace-pending');
    expect(letters[0]!.advice).toContain(
      'dlq discard --job wave-20 --code invite_pending_with_different_terms',
    );
    const table = await runCli(['dlq', 'list', '--gateway', gatewayUrl]);
    expect(table.stdout).toContain('the end of the reason matters.');
    expect(table.stdout).toContain(
      'What to do:\n  invite_pending_with_different_terms (job wave-20): a pending invite',
    );

    const jobJson = await runCli(['job', 'wave-20', '--json', '--gateway', gatewayUrl]);
    const progress = JSON.parse(jobJson.stdout) as {
      failures: { email: string; message: string; advice: string }[];
    };
    expect(progress.failures[0]).toMatchObject({
      email: 'held@example.com',
      advice: expect.stringContaining('--replace-pending'),
    });
    expect(progress.failures[0]!.message).toContain('owner');

    const dry = await runCli([
      'dlq',
      'discard',
      '--job',
      'wave-20',
      '--code',
      'invalid_invite',
      '--gateway',
      gatewayUrl,
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would discard  gone@example.com  invalid_invite');
    expect(dry.stdout).toContain(
      'Dry run: 1 dead letter of job wave-20 with code invalid_invite would be discarded',
    );
    expect(deadLetterQueue.size).toBe(2);

    const done = await runCli([
      'dlq',
      'discard',
      '--job',
      'wave-20',
      '--code',
      'invalid_invite',
      '--yes',
      '--gateway',
      gatewayUrl,
    ]);
    expect(done.code).toBe(0);
    const audit = done.stdout.split('\n').filter((line) => line.startsWith('audit '));
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.slice('audit '.length))).toMatchObject({
      event: 'dead_letter.discarded',
      job_id: 'wave-20',
      index: '9',
      email: 'gone@example.com',
      code: 'invalid_invite',
      actor: expect.stringContaining('@'),
    });
    expect(deadLetterQueue.list().map((letter) => JSON.parse(letter.body).email)).toEqual([
      'held@example.com',
    ]);

    const noJob = await runCli(['dlq', 'discard', '--gateway', gatewayUrl]);
    expect(noJob.code).toBe(2);
    expect(noJob.stderr).toContain('discard needs --job JOB_ID');
    const typo = await runCli(['dlq', 'redirve', '--gateway', gatewayUrl]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Did you mean redrive?');
  }, 60_000);

  it('says what to pass instead when the gateway has no in-process DLQ, and exits 3', async () => {
    const result = await runCli(['dlq', 'list', '--gateway', plainGatewayUrl], { INVITE_DLQ_URL: undefined });

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('serves no dead-letter routes');
    expect(result.stderr).toContain('pass --dlq-url');
  });
});

describe('openai-invites dlq against SQS (moto)', () => {
  it('lists, dry-runs and redrives a job, counted, without the failure attributes, nothing else moved', async () => {
    const pair = await createQueuePair();
    const writer = new DeadLetterWriter(pair.deadLetterQueue);
    const record = (email: string, jobId: string, index: number) =>
      sqsRecord(
        { email, role: 'reader' },
        { attributes: { job_id: jobId, source: 'cli', index: String(index) }, receiveCount: 2 },
      );
    await writer.write(record('p1@example.com', 'sqs-1', 0), {
      code: 'not_found',
      reason: 'Project proj_x not found',
      status: 404,
    });
    await writer.write(record('p2@example.com', 'sqs-1', 1), {
      code: 'rejected',
      reason: 'No.',
      status: 400,
    });
    await pair.deadLetterQueue.send(
      encodeInvite({ email: 'q@example.com', role: 'reader' }, { jobId: 'sqs-2', source: 'api', index: 0 }),
    );
    const sqs = ['--dlq-url', pair.deadLetterQueue.url, '--queue-url', pair.queue.url];

    const listed = await runCli(['dlq', 'list', ...sqs]);
    const dryRun = await runCli(['dlq', 'redrive', '--dry-run', '--job', 'sqs-1', ...sqs]);
    const again = await runCli(['dlq', 'list', '--job', 'sqs-1', ...sqs]);
    const redriven = await runCli(['dlq', 'redrive', '--job', 'sqs-1', ...sqs]);

    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/p1@example\.com +sqs-1 +0 +not_found +2 +\d+s +Project proj_x not found/);
    expect(listed.stdout).toMatch(/q@example\.com +sqs-2 +0 +receives exhausted +max/);
    expect(listed.stdout).toContain('3 dead letters in');
    expect(dryRun.stdout).toContain('Dry run: 2 dead letters of job sqs-1 would move back');
    // The listing and the dry run left every message where it was, visible.
    expect(again.stdout).toContain('2 dead letters of job sqs-1 in');
    expect(redriven).toMatchObject({ code: 0 });
    expect(redriven.stdout).toContain('Moved 2 dead letters of job sqs-1 back to the bulk queue.');
    const back = await drain(pair.queue);
    expect(back.map((message) => JSON.parse(message.body).email).sort()).toEqual([
      'p1@example.com',
      'p2@example.com',
    ]);
    expect(back[0]!.attributes).toEqual({ job_id: 'sqs-1', source: 'cli', index: expect.any(String) });
    expect((await drain(pair.deadLetterQueue)).map((message) => JSON.parse(message.body).email)).toEqual([
      'q@example.com',
    ]);
  }, 60_000);

  it("discards a job's dead letters from SQS: a dry run first, then each deletion audited, nothing else touched", async () => {
    const pair = await createQueuePair();
    const writer = new DeadLetterWriter(pair.deadLetterQueue);
    for (const [email, jobId] of [
      ['d1@example.com', 'sqs-9'],
      ['d2@example.com', 'sqs-9'],
      ['k@example.com', 'sqs-10'],
    ] as const)
      await writer.write(
        sqsRecord({ email, role: 'reader' }, { attributes: { job_id: jobId, index: '0' } }),
        {
          code: 'user_already_exists',
          reason: 'Already a member.',
          status: 409,
        },
      );
    const sqs = ['--dlq-url', pair.deadLetterQueue.url];

    const dry = await runCli(['dlq', 'discard', '--job', 'sqs-9', ...sqs]);
    expect(dry.stdout).toContain('Dry run: 2 dead letters of job sqs-9 would be discarded');
    const done = await runCli(['dlq', 'discard', '--job', 'sqs-9', '--yes', ...sqs]);
    expect(done.code).toBe(0);
    expect(
      done.stdout.split('\n').filter((line) => line.startsWith('audit {"event":"dead_letter.discarded"')),
    ).toHaveLength(2);
    expect(done.stdout).toContain('Discarded 2 dead letters of job sqs-9');
    expect((await drain(pair.deadLetterQueue)).map((message) => JSON.parse(message.body).email)).toEqual([
      'k@example.com',
    ]);
  }, 60_000);

  it('redrive without a bulk queue is a usage error naming what to pass; a missing DLQ exits 3', async () => {
    const pair = await createQueuePair();
    const missing = pair.deadLetterQueue.url.replace(/[^/]+$/, 'no-such-dlq');

    const noQueue = await runCli(['dlq', 'redrive', '--dlq-url', pair.deadLetterQueue.url], {
      INVITE_QUEUE_URL: undefined,
    });
    const noDlq = await runCli(['dlq', 'list', '--dlq-url', missing]);

    expect(noQueue.code).toBe(2);
    expect(noQueue.stderr).toContain('dlq redrive needs the bulk queue to send to: pass --queue-url');
    expect(noDlq.code).toBe(3);
    expect(noDlq.stderr).toContain(`The queue ${missing} does not exist`);
  });
});
