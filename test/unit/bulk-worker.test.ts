/**
 * The worker record by record: SQS records from the factory, the real client over HTTP against
 * the simulator, and in-process queues (local/local-queue.ts) to see what it sends where.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ATTRIBUTE, FAILURE_ATTRIBUTE } from '../../lib/bulk/messages';
import { EndpointPacers, pacedFetch } from '../../lib/bulk/endpoint-pacers';
import type { OutgoingMessage } from '../../lib/bulk/queue';
import { BulkInviteWorker } from '../../lib/bulk/worker';
import { readClientConfig } from '../../lib/openai/config';
import { createInvitesClient } from '../../lib/openai/runtime';
import { lambdaContext } from '../../local/lambda-context';
import { LocalQueue } from '../../local/local-queue';
import { InvitesSimulator } from '../../local/openai-simulator';
import { capturedLogLines } from '../support/captured-output';
import { TEST_ADMIN_KEY } from '../support/keys';
import { sqsEvent, sqsRecord } from '../support/sqs-records';
import { useSimulator } from '../support/simulator';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);
let queue: LocalQueue;
let deadLetterQueue: LocalQueue;
let pacer: EndpointPacers;

const workerWith = (options: { maxRetries?: number; queue?: LocalQueue; leaverQueue?: LocalQueue } = {}) => {
  const config = { ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY };
  const client = createInvitesClient(config, {
    maxRetries: options.maxRetries ?? 0,
    beforeAttempt: (request) => pacer.for(request).take(),
    fetch: pacedFetch(pacer),
  });
  return new BulkInviteWorker({
    client,
    pacer,
    queue: options.queue ?? queue,
    leaverQueue: options.leaverQueue,
    deadLetterQueue,
  });
};

const run = (worker: BulkInviteWorker, ...records: ReturnType<typeof sqsRecord>[]) =>
  worker.handle(sqsEvent(...records), lambdaContext('bulk-invite-worker', 60_000));

const lastRecordLog = () => capturedLogLines().findLast((line) => line.message === 'bulk record');
const invite = (email: string) => ({ email, role: 'reader' });

beforeEach(() => {
  deadLetterQueue = new LocalQueue({ name: 'dlq' });
  queue = new LocalQueue({ name: 'bulk' });
  pacer = new EndpointPacers(100);
});

describe('the bulk worker', () => {
  it('creates an invite, and counts a redelivered one as deduplicated', async () => {
    const worker = workerWith();

    const first = await run(worker, sqsRecord(invite('ada@example.com')));
    const again = await run(worker, sqsRecord(invite('ada@example.com'), { receiveCount: 2 }));

    expect([first.batchItemFailures, again.batchItemFailures]).toEqual([[], []]);
    expect(simulator.invites.map((each) => each.email)).toEqual(['ada@example.com']);
    expect(lastRecordLog()).toMatchObject({ outcome: 'deduplicated', receiveCount: 2 });
  });

  it.each([
    ['unparsable_body', sqsRecord('{not json'), 'The message body is not JSON.'],
    ['invalid_invite', sqsRecord({ email: 'nope', role: 'reader' }), /email/],
    ['invalid_revocation', sqsRecord({ email: 'nope' }, { attributes: { action: 'revoke' } }), /email/],
  ])(
    'dead-letters poison (%s) at once, with its reason, without calling OpenAI',
    async (code, record, reason) => {
      const response = await run(workerWith(), record);

      expect(response.batchItemFailures).toEqual([]);
      expect(simulator.requests).toEqual([]);
      const [dead] = deadLetterQueue.peek();
      expect(dead?.body).toBe(record.body);
      expect(dead?.attributes).toMatchObject({
        [FAILURE_ATTRIBUTE.code]: code,
        [FAILURE_ATTRIBUTE.messageId]: record.messageId,
        [FAILURE_ATTRIBUTE.receiveCount]: '1',
      });
      expect(dead?.attributes[FAILURE_ATTRIBUTE.reason]).toMatch(reason);
    },
  );

  it('re-sends a record OpenAI throttled (wait only in the message) with that delay and attempt 1, failing nothing', async () => {
    simulator.inject({
      kind: 'status',
      status: 429,
      body: {
        error: {
          message: 'Rate limit reached for requests. Please try again after 3.2 seconds.',
          type: 'invalid_request_error',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    });
    const record = sqsRecord(invite('later@example.com'), {
      attributes: { job_id: 'wave-1', source: 'api' },
    });

    const response = await run(workerWith(), record);

    expect(response.batchItemFailures).toEqual([]);
    expect(queue.peek()).toEqual([
      {
        body: record.body,
        attributes: {
          job_id: 'wave-1',
          source: 'api',
          [ATTRIBUTE.attempt]: '1',
          // The give-up time (THROTTLE_GIVE_UP_HOURS) counts from the first re-send.
          [ATTRIBUTE.throttledSince]: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        },
        receiveCount: 0,
      },
    ]);
    expect(lastRecordLog()).toMatchObject({
      outcome: 'throttled',
      errorCode: 'rate_limit_exceeded',
      delaySeconds: 4,
    });
    expect(pacer.waitMs()).toBeGreaterThan(2_000);
  });

  it('re-sends, without calling OpenAI, what its paused pacer could not start before the deadline', async () => {
    pacer
      .for({ method: 'POST', url: `${simulator.url}/organization/invites` })
      .observe({ sentAt: Date.now(), status: 429, waitMs: 120_000 });
    const record = sqsRecord(invite('paused@example.com'), { attributes: { [ATTRIBUTE.attempt]: '3' } });

    const response = await run(workerWith(), record);

    expect(response.batchItemFailures).toEqual([]);
    expect(simulator.requests).toEqual([]);
    expect(queue.peek()[0]?.attributes).toEqual({
      [ATTRIBUTE.attempt]: '4',
      [ATTRIBUTE.throttledSince]: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(lastRecordLog()).toMatchObject({
      outcome: 'throttled',
      errorCode: 'rate_limit_paused',
      delaySeconds: 120,
    });
  });

  it('creates while the list endpoint is paused: each endpoint has its own pacer', async () => {
    const list = pacer.for({ method: 'GET', url: `${simulator.url}/organization/invites` });
    list.observe({ sentAt: Date.now(), status: 429, waitMs: 120_000 });

    const response = await run(workerWith(), sqsRecord(invite('while-listing-waits@example.com')));

    expect(response.batchItemFailures).toEqual([]);
    expect(simulator.invites.map((each) => each.email)).toEqual(['while-listing-waits@example.com']);
    expect(lastRecordLog()).toMatchObject({ outcome: 'created' });
    expect(list.waitMs()).toBeGreaterThan(100_000);
  });

  it("keeps its pacer's state from one invocation to the next, as a warm container does", async () => {
    simulator.inject({
      kind: 'status',
      status: 429,
      body: {
        error: {
          message: 'Please try again after 40 seconds.',
          type: 'invalid_request_error',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    });
    const worker = workerWith();

    await run(worker, sqsRecord(invite('first@example.com')));
    const second = await run(worker, sqsRecord(invite('second@example.com')));

    expect(second.batchItemFailures).toEqual([]);
    expect(simulator.requests).toHaveLength(1);
    expect(lastRecordLog()).toMatchObject({ outcome: 'throttled', errorCode: 'rate_limit_paused' });
    expect(queue.peek().map(({ body }) => JSON.parse(body).email)).toEqual([
      'first@example.com',
      'second@example.com',
    ]);
  });

  it('re-sends a throttled revocation to the leaver queue, and hides a retried one on the queue it came from', async () => {
    const leaverQueue = new LocalQueue({ name: 'leavers' });
    const hidden: string[] = [];
    leaverQueue.changeVisibility = async (receiptHandle) => void hidden.push(receiptHandle);
    simulator.seed('gone@example.com');
    const revocation = (receiveCount = 1) => ({
      ...sqsRecord(
        { email: 'gone@example.com' },
        { attributes: { action: 'revoke', source: 'okta' }, receiveCount },
      ),
      eventSourceARN: leaverQueue.arn,
    });
    const worker = workerWith({ leaverQueue });

    simulator.inject({ kind: 'status', status: 429 });
    const throttled = await run(worker, revocation());
    simulator.inject({ kind: 'status', status: 503 });
    const retried = revocation(2);
    const failed = await run(worker, retried);

    expect(throttled.batchItemFailures).toEqual([]);
    expect(leaverQueue.peek()).toMatchObject([
      { attributes: { action: 'revoke', [ATTRIBUTE.attempt]: '1' } },
    ]);
    expect(queue.peek()).toEqual([]);
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: retried.messageId }]);
    expect(hidden).toEqual([retried.receiptHandle]);
  });

  it('reports a transient failure (503) in batchItemFailures with a backoff on its receive count', async () => {
    simulator.inject({ kind: 'status', status: 503 });
    const record = sqsRecord(invite('flaky@example.com'), { receiveCount: 3 });

    const response = await run(workerWith(), record);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(queue.peek()).toEqual([]);
    expect(deadLetterQueue.peek()).toEqual([]);
    expect(lastRecordLog()).toMatchObject({ outcome: 'retry', retryAfterSeconds: 20 });
  });

  it('dead-letters a malformed upstream answer (502) with its reason instead of retrying it', async () => {
    simulator.inject({ kind: 'malformed' });

    const response = await run(workerWith(), sqsRecord(invite('odd@example.com')));

    expect(response.batchItemFailures).toEqual([]);
    expect(deadLetterQueue.peek()[0]?.attributes).toMatchObject({
      [FAILURE_ATTRIBUTE.code]: 'upstream_malformed_response',
      [FAILURE_ATTRIBUTE.status]: '502',
    });
  });

  it('fans a job out into one-invite messages with their places, keeping a missing job id stable', async () => {
    const record = sqsRecord({ invites: [invite('a@example.com'), invite('b@example.com')] });
    // A job another system enqueued without event_at: its items are stamped with when SQS got it.
    const eventAt = new Date(Number(record.attributes.SentTimestamp)).toISOString();

    const response = await run(workerWith(), record);

    expect(response.batchItemFailures).toEqual([]);
    expect(queue.peek().map(({ attributes }) => attributes)).toEqual([
      { job_id: `job_${record.messageId}`, source: 'queue', index: '0', event_at: eventAt },
      { job_id: `job_${record.messageId}`, source: 'queue', index: '1', event_at: eventAt },
    ]);
  });

  it("fans a job out with the job's own event_at on every item", async () => {
    const record = sqsRecord(
      { job_id: 'wave-at', invites: [invite('a@example.com')] },
      { attributes: { event_at: '2026-12-04T16:00:00.000Z' } },
    );

    await run(workerWith(), record);

    expect(queue.peek().map(({ attributes }) => attributes.event_at)).toEqual(['2026-12-04T16:00:00.000Z']);
  });

  it('re-sends only the items SQS did not take, as a smaller job with their original places', async () => {
    // SQS keeps refusing the first batch (entries 0–9), resends included.
    class FlakyQueue extends LocalQueue {
      override async sendBatch(entries: OutgoingMessage[]) {
        if (entries.some((entry) => Number(entry.attributes?.index) < 10)) {
          return entries.map((entry) => ({
            id: entry.id,
            code: 'InternalError',
            message: 'down',
            senderFault: false,
          }));
        }
        return super.sendBatch(entries);
      }
    }
    const flaky = new FlakyQueue({ name: 'flaky' });
    const invites = Array.from({ length: 12 }, (_, n) => invite(`u${n}@example.com`));

    const response = await run(workerWith({ queue: flaky }), sqsRecord({ job_id: 'wave-2', invites }));

    expect(response.batchItemFailures).toEqual([]);
    const sent = flaky.peek();
    expect(
      sent.filter(({ attributes }) => attributes.index).map(({ attributes }) => attributes.index),
    ).toEqual(['10', '11']);
    const remainder = sent.find(({ attributes }) => attributes[ATTRIBUTE.indexes]);
    expect(remainder?.attributes).toMatchObject({
      job_id: 'wave-2',
      [ATTRIBUTE.indexes]: '0,1,2,3,4,5,6,7,8,9',
    });
    expect(JSON.parse(remainder!.body).invites).toEqual(invites.slice(0, 10));
    expect(lastRecordLog()).toMatchObject({ outcome: 'fanned_out_in_part' });
  });
});
