/**
 * The create claim through the worker (lib/bulk/create-claim.ts): the people store on moto's
 * DynamoDB, the real client over HTTP to a simulator that accepts a duplicate create (as an
 * upstream might), two worker containers processing one email's message at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageQueue, OutgoingMessage } from '../../lib/bulk/queue';
import { BulkInviteWorker } from '../../lib/bulk/worker';
import { readClientConfig } from '../../lib/openai/config';
import { createInvitesClient } from '../../lib/openai/runtime';
import { DynamoDbPersonStore } from '../../lib/people/dynamodb-store';
import { lambdaContext } from '../../local/lambda-context';
import { InvitesSimulator } from '../../local/openai-simulator';
import { capturedLogLines } from '../support/captured-output';
import { createLedgerTable, ledgerClient } from '../support/dynamodb';
import { TEST_ADMIN_KEY } from '../support/keys';
import { useSimulator } from '../support/simulator';
import { sqsEvent, sqsRecord } from '../support/sqs-records';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY], acceptDuplicates: true });
useSimulator(simulator);

let table: string;
beforeAll(async () => {
  table = await createLedgerTable();
});
afterAll(() => {
  simulator.options.latencyMs = undefined;
});

/** What a worker sends to its queue (throttled and claim-held records), with the delay. */
const recordingQueue = (): MessageQueue & { sent: Omit<OutgoingMessage, 'id'>[] } => {
  const sent: Omit<OutgoingMessage, 'id'>[] = [];
  return {
    url: 'local://bulk',
    sent,
    send: async (message) => void sent.push(message),
    sendBatch: async () => [],
    changeVisibility: async () => undefined,
  };
};

/** One worker container: its own client and worker, the people store it is given. */
const container = (people: DynamoDbPersonStore, queue = recordingQueue()) => {
  const config = { ...readClientConfig({}), baseUrl: simulator.url, adminKey: TEST_ADMIN_KEY };
  const worker = new BulkInviteWorker({
    client: createInvitesClient(config, { maxRetries: 0 }),
    queue,
    deadLetterQueue: recordingQueue(),
    people,
  });
  return {
    queue,
    run: (record: ReturnType<typeof sqsRecord>) =>
      worker.handle(sqsEvent(record), lambdaContext('bulk-invite-worker', 60_000)),
  };
};

const outcomesOf = (messageId: string) =>
  capturedLogLines()
    .filter((line) => line.message === 'bulk record' && line.messageId === messageId)
    .map((line) => line.outcome);

const posts = () => simulator.requests.filter((request) => request.method === 'POST');

describe('the create claim on an upstream that accepts duplicates', () => {
  it('makes one invite when two containers process the same message at once; the other is re-sent until the claim expires', async () => {
    const people = new DynamoDbPersonStore(table, { client: ledgerClient });
    const [a, b] = [container(people), container(people)];
    simulator.options.latencyMs = 400;
    const record = sqsRecord({ email: 'twice@example.com', role: 'reader' });

    // The redelivery arrives while the first processing still waits for OpenAI's answer.
    const first = a.run(record);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const startedAt = Date.now();
    const second = await b.run({
      ...record,
      attributes: { ...record.attributes, ApproximateReceiveCount: '2' },
    });
    await first;
    simulator.options.latencyMs = undefined;

    expect(simulator.invites.map((invite) => invite.email)).toEqual(['twice@example.com']);
    expect(second.batchItemFailures).toEqual([]);
    expect(outcomesOf(record.messageId).sort()).toEqual(['claim_held', 'created']);
    // Re-sent (no receive consumed) with a delay until the holder's claim expires: its deadline + 10 s.
    expect(b.queue.sent).toHaveLength(1);
    const delay = b.queue.sent[0]!.delaySeconds!;
    expect(delay).toBeGreaterThan(25);
    expect(delay).toBeLessThanOrEqual(Math.ceil((startedAt + 25_000 + 10_000 - Date.now()) / 1000) + 1);
    // The holder settled its claim with the invite it recorded.
    const person = await people.get('twice@example.com');
    expect(person?.createClaim).toBeUndefined();
    expect(person?.productInviteIds).toEqual([simulator.invites[0]!.id]);

    // The re-sent copy, when it comes: the intent is met, nothing is sent.
    const resent = sqsRecord({ email: 'twice@example.com', role: 'reader' });
    await b.run(resent);
    expect(outcomesOf(resent.messageId)).toEqual(['deduplicated']);
    expect(simulator.invites).toHaveLength(1);
    expect(posts()).toHaveLength(1);
  });

  it('looks at OpenAI first after a claim that expired unsettled (the answer was lost), and creates none', async () => {
    let time = Date.now();
    const people = new DynamoDbPersonStore(table, { client: ledgerClient, now: () => new Date(time) });
    const worker = container(people);
    // OpenAI makes the invite, but its answer never arrives.
    simulator.inject({ kind: 'lose-response', method: 'POST', pathPrefix: '/organization/invites' });
    const record = sqsRecord({ email: 'lost@example.com', role: 'reader' });

    const first = await worker.run(record);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(simulator.invites).toHaveLength(1);
    // No clear answer: the claim stays, unsettled, until it expires.
    expect((await people.get('lost@example.com'))?.createClaim).toBeDefined();
    time += 120_000;

    const again = await worker.run({
      ...record,
      attributes: { ...record.attributes, ApproximateReceiveCount: '2' },
    });

    expect(again.batchItemFailures).toEqual([]);
    expect(outcomesOf(record.messageId)).toEqual(['retry', 'deduplicated']);
    expect(simulator.invites).toHaveLength(1);
    expect(posts()).toHaveLength(1);
    // Found and recorded as the product's: a later redelivery finds the intent met.
    const person = await people.get('lost@example.com');
    expect(person?.createClaim).toBeUndefined();
    expect(person?.productInviteIds).toEqual([simulator.invites[0]!.id]);
    expect((await people.history('lost@example.com')).events[0]).toMatchObject({
      kind: 'invited',
      inviteId: simulator.invites[0]!.id,
    });
  });

  it('settles the claim when OpenAI refuses the create with a 429, so the re-sent record is not held', async () => {
    const people = new DynamoDbPersonStore(table, { client: ledgerClient });
    const worker = container(people);
    simulator.inject({
      kind: 'status',
      status: 429,
      method: 'POST',
      body: {
        error: {
          message: 'Rate limit reached for requests. Please try again after 1.5 seconds.',
          type: 'invalid_request_error',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    });
    const record = sqsRecord({ email: 'slow@example.com', role: 'reader' });

    await worker.run(record);
    const resent = sqsRecord({ email: 'slow@example.com', role: 'reader' });
    await worker.run(resent);

    expect(outcomesOf(record.messageId)).toEqual(['throttled']);
    expect(worker.queue.sent[0]!.delaySeconds).toBe(2);
    expect(outcomesOf(resent.messageId)).toEqual(['created']);
    expect(simulator.invites).toHaveLength(1);
    expect((await people.get('slow@example.com'))?.createClaim).toBeUndefined();
  });
});
