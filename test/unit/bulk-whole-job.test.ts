/**
 * Whole-job messages another system put on the queue (issue 27, item 4): the valid items fan
 * out; each invalid item is dead-lettered alone with its index and the bulk route's reason,
 * and counted failed in its job, once even when the job is redelivered; a job whose shape
 * cannot be read is dead-lettered whole.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { INVALID_ITEM_CODE, invalidItemFailure } from '../../lib/bulk/fan-out';
import { checkJob } from '../../lib/bulk/jobs';
import { ATTRIBUTE, FAILURE_ATTRIBUTE } from '../../lib/bulk/messages';
import { BulkInviteWorker } from '../../lib/bulk/worker';
import { MemoryLedger } from '../../lib/ledger/memory-ledger';
import { jobProgress } from '../../lib/ledger/progress';
import { readClientConfig } from '../../lib/openai/config';
import { createInvitesClient } from '../../lib/openai/runtime';
import { lambdaContext } from '../../local/lambda-context';
import { LocalQueue } from '../../local/local-queue';
import { InvitesSimulator } from '../../local/openai-simulator';
import { TEST_ADMIN_KEY } from '../support/keys';
import { sqsEvent, sqsRecord } from '../support/sqs-records';
import { useSimulator } from '../support/simulator';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);
let queue: LocalQueue;
let deadLetterQueue: LocalQueue;
let ledger: MemoryLedger;

const workerWith = (options: { ledger?: MemoryLedger | null } = {}) => {
  const config = { ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY };
  const client = createInvitesClient(config, { maxRetries: 0 });
  return new BulkInviteWorker({
    client,
    queue,
    deadLetterQueue,
    ...(options.ledger === null ? {} : { ledger: options.ledger ?? ledger }),
  });
};

const run = (worker: BulkInviteWorker, ...records: ReturnType<typeof sqsRecord>[]) =>
  worker.handle(sqsEvent(...records), lambdaContext('bulk-invite-worker', 60_000));

const invite = (email: string, role = 'reader') => ({ email, role });

beforeEach(() => {
  deadLetterQueue = new LocalQueue({ name: 'dlq' });
  queue = new LocalQueue({ name: 'bulk' });
  ledger = new MemoryLedger();
});

describe('invalidItemFailure', () => {
  it("names the item at its place in the original job, as the bulk route's reason does", () => {
    const job = checkJob({ invites: [invite('a@example.com'), invite('nope')] });

    const failure = invalidItemFailure(job.invalid[0]!, invite('nope'), 7, 'wave-1');

    expect(failure).toMatchObject({
      code: INVALID_ITEM_CODE,
      status: 400,
      body: JSON.stringify(invite('nope')),
      extra: { [ATTRIBUTE.jobId]: 'wave-1', [ATTRIBUTE.index]: '7' },
      without: [ATTRIBUTE.indexes],
    });
    expect(failure.reason).toMatch(/^invites\[7\]\.email: /);
    expect(failure.reason).toContain(job.invalid[0]!.message);
  });
});

describe('a whole-job message with invalid items', () => {
  it('fans the valid items out and dead-letters each invalid one alone, counted failed in its job', async () => {
    const invites = [
      invite('a@example.com'),
      invite('nope'),
      invite('b@example.com', 'emperor'),
      invite('c@example.com'),
    ];
    const record = sqsRecord({ job_id: 'hr-7', invites }, { attributes: { source: 'hr-export' } });

    const response = await run(workerWith(), record);

    expect(response.batchItemFailures).toEqual([]);
    expect(queue.peek().map(({ attributes }) => attributes.index)).toEqual(['0', '3']);
    const dead = deadLetterQueue.peek();
    expect(dead.map(({ body }) => JSON.parse(body))).toEqual([invites[1], invites[2]]);
    expect(dead.map(({ attributes }) => attributes)).toEqual([
      expect.objectContaining({
        job_id: 'hr-7',
        source: 'hr-export',
        index: '1',
        [FAILURE_ATTRIBUTE.code]: 'invalid_invite',
        [FAILURE_ATTRIBUTE.status]: '400',
        [FAILURE_ATTRIBUTE.reason]: expect.stringMatching(/^invites\[1\]\.email: /),
      }),
      expect.objectContaining({
        index: '2',
        [FAILURE_ATTRIBUTE.code]: 'invalid_invite',
        [FAILURE_ATTRIBUTE.reason]: expect.stringMatching(/^invites\[2\]\.role: /),
      }),
    ]);
    const progress = jobProgress((await ledger.getJob('hr-7'))!);
    expect(progress).toMatchObject({
      total: 4,
      counts: { created: 0, failed: 2, pending: 2 },
      failures: [
        {
          index: 1,
          email: '',
          code: 'invalid_invite',
          message: expect.stringMatching(/^invites\[1\]\.email: /),
        },
        { index: 2, email: 'b@example.com', code: 'invalid_invite', person: '/people/b%40example.com' },
      ],
    });
    // An item without a usable email has no person to link to, and no email record.
    expect(progress.failures[0]).not.toHaveProperty('person');
    expect(await ledger.getInvite('nope')).toBeUndefined();
  });

  it('dead-letters an item only once when the job is redelivered', async () => {
    const record = sqsRecord({ job_id: 'hr-8', invites: [invite('a@example.com'), invite('nope')] });

    await run(workerWith(), record);
    await run(workerWith(), {
      ...record,
      attributes: { ...record.attributes, ApproximateReceiveCount: '2' },
    });

    expect(deadLetterQueue.peek()).toHaveLength(1);
    expect((await ledger.getJob('hr-8'))?.job.counts.failed).toBe(1);
  });

  it('dead-letters every item of an email asked for with different terms, naming the others', async () => {
    const invites = [invite('a@example.com'), invite('b@example.com'), invite('a@example.com', 'owner')];

    await run(workerWith(), sqsRecord({ job_id: 'hr-9', invites }));

    expect(queue.peek().map(({ attributes }) => attributes.index)).toEqual(['1']);
    const reasons = deadLetterQueue
      .peek()
      .map(({ attributes }) => [attributes.index, attributes[FAILURE_ATTRIBUTE.reason]]);
    expect(reasons).toEqual([
      ['0', expect.stringMatching(/^invites\[0\]\.email: The same email is also at invites\[2\]/)],
      ['2', expect.stringMatching(/^invites\[2\]\.email: The same email is also at invites\[0\]/)],
    ]);
  });

  it('dead-letters a job of only invalid items item by item, sending nothing', async () => {
    await run(workerWith(), sqsRecord({ job_id: 'hr-10', invites: [42, { role: 'reader' }] }));

    expect(queue.peek()).toEqual([]);
    expect(deadLetterQueue.peek().map(({ body, attributes }) => [body, attributes.index])).toEqual([
      ['42', '0'],
      ['{"role":"reader"}', '1'],
    ]);
    const progress = jobProgress((await ledger.getJob('hr-10'))!);
    expect(progress).toMatchObject({ status: 'completed', total: 2, counts: { failed: 2, pending: 0 } });
  });

  it("gives an item of a job re-sent in part its original place, without the job's indexes", async () => {
    const record = sqsRecord(
      { job_id: 'hr-11', invites: [invite('a@example.com'), invite('nope')] },
      { attributes: { [ATTRIBUTE.indexes]: '5,9' } },
    );

    await run(workerWith(), record);

    expect(queue.peek().map(({ attributes }) => attributes.index)).toEqual(['5']);
    const [dead] = deadLetterQueue.peek();
    expect(dead?.attributes.index).toBe('9');
    expect(dead?.attributes).not.toHaveProperty(ATTRIBUTE.indexes);
    expect(dead?.attributes[FAILURE_ATTRIBUTE.reason]).toMatch(/^invites\[9\]\.email: /);
  });

  it('works without a ledger (nothing to count in)', async () => {
    const response = await run(
      workerWith({ ledger: null }),
      sqsRecord({ invites: [invite('a@example.com'), invite('nope')] }),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(queue.peek()).toHaveLength(1);
    expect(deadLetterQueue.peek()).toHaveLength(1);
  });
});

describe('a whole-job message whose shape cannot be read', () => {
  it.each([
    ['no invites array', { job_id: 'x', invites: 'a@example.com' }],
    ['an unknown field', { invites: [invite('a@example.com')], priority: 'high' }],
    ['an empty job', { invites: [] }],
  ])('is dead-lettered whole, as before (%s)', async (_, body) => {
    const response = await run(workerWith(), sqsRecord(body));

    expect(response.batchItemFailures).toEqual([]);
    expect(queue.peek()).toEqual([]);
    const dead = deadLetterQueue.peek();
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]!.body)).toEqual(body);
    expect(dead[0]?.attributes[FAILURE_ATTRIBUTE.code]).toBe('invalid_job');
  });
});
