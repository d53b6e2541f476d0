/**
 * Bulk invites end to end on real parts: the producer function → SQS in moto (queue + DLQ with
 * redrive) → the local event source → the worker → the simulator over HTTP.
 */
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAILURE_ATTRIBUTE } from '../../lib/bulk/messages';
import type { SqsQueue } from '../../lib/bulk/queue';
import { setQueues } from '../../lib/bulk/runtime';
import type { QueueEventSource } from '../../local/event-source';
import { InvitesSimulator } from '../../local/openai-simulator';
import { capturedLogLines } from '../support/captured-output';
import { invoke, jsonHeaders } from '../support/invoke';
import { TEST_ADMIN_KEY } from '../support/keys';
import { createQueuePair, drain } from '../support/queues';
import { startWorkers as startWorkerContainers, waitFor } from '../support/workers';
import { useSimulator } from '../support/simulator';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
useSimulator(simulator);
let queue: SqsQueue;
let deadLetterQueue: SqsQueue;
let source: QueueEventSource | undefined;
let responses: SQSBatchResponse[];

const emails = (count: number, prefix = 'user') =>
  Array.from({ length: count }, (_, n) => `${prefix}${n}@example.com`);

const postBulk = (body: unknown) =>
  invoke({
    method: 'POST',
    path: '/organization/invites/bulk',
    headers: jsonHeaders,
    body: JSON.stringify(body),
  });

/** Runs `maxConcurrency` worker containers against the queue, as the event source mapping would. */
const startWorkers = (rateLimitRps = 200, maxConcurrency = 2) => {
  ({ source, responses } = startWorkerContainers({
    queue,
    upstream: simulator.url,
    rateLimitRps,
    maxConcurrency,
  }));
};

const invitedEmails = () => simulator.invites.map((invite) => invite.email);

afterAll(() => {
  setQueues({});
});

beforeEach(async () => {
  responses = [];
  ({ queue, deadLetterQueue } = await createQueuePair({ visibilityTimeoutSeconds: 5, maxReceiveCount: 5 }));
  setQueues({ queue, deadLetterQueue });
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
});

describe('the bulk route', () => {
  it('enqueues one message per invite and answers 202 with the job id and count', async () => {
    const answer = await postBulk({
      job_id: 'wave-1',
      invites: emails(25).map((email) => ({ email, role: 'reader' })),
    });

    expect(answer.statusCode).toBe(202);
    expect(answer.body).toEqual({ object: 'organization.invite.bulk_job', job_id: 'wave-1', count: 25 });
    const messages = await drain(queue);
    expect(messages).toHaveLength(25);
    expect(messages.map((message) => JSON.parse(message.body).email).sort()).toEqual(emails(25).sort());
    expect(messages[0]?.attributes).toMatchObject({
      job_id: 'wave-1',
      source: 'api',
      index: expect.any(String),
    });
  });

  it('stamps every message with event_at, when the request arrived, and no event_id', async () => {
    const before = new Date().toISOString();
    const answer = await postBulk({
      job_id: 'wave-at',
      invites: emails(3).map((email) => ({ email, role: 'reader' })),
    });
    const after = new Date().toISOString();

    expect(answer.statusCode).toBe(202);
    const messages = await drain(queue);
    expect(messages).toHaveLength(3);
    const stamps = new Set(messages.map((message) => message.attributes.event_at));
    expect(stamps.size).toBe(1);
    const [eventAt] = [...stamps];
    expect(eventAt! >= before.slice(0, 19) && eventAt! <= after).toBe(true);
    expect(messages.every((message) => message.attributes.event_id === undefined)).toBe(true);
  });

  it('refuses a job with bad items, naming each index, and enqueues nothing', async () => {
    const invites = emails(10).map((email) => ({ email, role: 'reader' }));
    invites[3] = { email: 'nope', role: 'reader' };
    invites[8] = { email: 'ok@example.com', role: 'admin' };

    const answer = await postBulk({ invites });

    expect(answer.statusCode).toBe(400);
    expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', param: 'invites[3].email' });
    expect(answer.body.error.message).toContain('2 of 10 invites are invalid');
    expect(answer.body.error.message).toContain('invites[8].role');
    expect(await drain(queue)).toEqual([]);
  });

  it.each([
    ['no invites array', { job_id: 'x' }, 'invites'],
    ['an empty job', { invites: [] }, 'invites'],
    [
      'more than 1000 invites',
      { invites: emails(1001).map((email) => ({ email, role: 'reader' })) },
      'invites',
    ],
    ['an unknown field', { invites: [{ email: 'a@example.com', role: 'reader' }], priority: 1 }, 'priority'],
    ['a bad job id', { invites: [{ email: 'a@example.com', role: 'reader' }], job_id: 'a b' }, 'job_id'],
  ])('refuses %s with 400', async (_case, body, param) => {
    const answer = await postBulk(body);

    expect(answer.statusCode).toBe(400);
    expect(answer.body.error.param).toBe(param);
    expect(await drain(queue)).toEqual([]);
  });
});

describe('the worker', () => {
  it('delivers 200 invites exactly once', async () => {
    const all = emails(200);
    expect((await postBulk({ invites: all.map((email) => ({ email, role: 'reader' })) })).statusCode).toBe(
      202,
    );

    startWorkers();
    await waitFor(() => simulator.invites.length >= 200, 30_000);
    await source?.stop();

    expect(invitedEmails().sort()).toEqual([...all].sort());
    expect(await drain(queue)).toEqual([]);
    expect(await drain(deadLetterQueue)).toEqual([]);
  }, 60_000);

  it('still delivers every invite exactly once while OpenAI answers 429 and 5xx', async () => {
    const all = emails(200, 'busy');
    simulator.options.failureRate = 0.15;
    simulator.setRateLimit({ ratePerSecond: 60, burst: 5 });
    expect((await postBulk({ invites: all.map((email) => ({ email, role: 'owner' })) })).statusCode).toBe(
      202,
    );

    startWorkers(100);
    await waitFor(() => new Set(invitedEmails()).size >= 200, 90_000);
    await source?.stop();

    const statuses = simulator.requests.map((request) => request.status);
    expect(statuses).toContain(429);
    expect(statuses.some((status) => status >= 500)).toBe(true);
    expect(invitedEmails()).toHaveLength(200);
    expect(invitedEmails().sort()).toEqual([...all].sort());
    expect(await drain(deadLetterQueue)).toEqual([]);
  }, 120_000);

  it('sends a poison message to the DLQ at once, with its reason', async () => {
    await queue.sendBatch([
      { id: '1', body: 'not json at all', attributes: { job_id: 'j-poison' } },
      { id: '2', body: JSON.stringify({ email: 'bad', role: 'reader' }) },
      { id: '3', body: JSON.stringify({ email: 'fine@example.com', role: 'reader' }) },
    ]);

    startWorkers();
    await waitFor(() => simulator.invites.length === 1, 15_000);
    await waitFor(() => responses.length > 0, 15_000);
    await source?.stop();
    const dead = await drain(deadLetterQueue);

    expect(dead).toHaveLength(2);
    const unparsable = dead.find((message) => message.body === 'not json at all');
    expect(unparsable?.attributes).toMatchObject({
      [FAILURE_ATTRIBUTE.code]: 'unparsable_body',
      [FAILURE_ATTRIBUTE.reason]: 'The message body is not JSON.',
      [FAILURE_ATTRIBUTE.receiveCount]: '1',
      job_id: 'j-poison',
    });
    const invalid = dead.find((message) => message.body.includes('"bad"'));
    expect(invalid?.attributes[FAILURE_ATTRIBUTE.code]).toBe('invalid_invite');
    expect(invalid?.attributes[FAILURE_ATTRIBUTE.reason]).toMatch(/email/);
    expect(responses.flatMap((response) => response.batchItemFailures)).toEqual([]);
  }, 30_000);

  it('sends an invite OpenAI refuses for good (400) to the DLQ with the status', async () => {
    simulator.inject({
      kind: 'status',
      status: 400,
      method: 'POST',
      body: {
        error: {
          message: 'Project proj_x not found.',
          type: 'invalid_request_error',
          param: 'projects',
          code: null,
        },
      },
    });
    await queue.send({
      body: JSON.stringify({
        email: 'ada@example.com',
        role: 'reader',
        projects: [{ id: 'proj_x', role: 'member' }],
      }),
    });

    startWorkers();
    await waitFor(() => responses.length > 0, 15_000);
    await source?.stop();
    const dead = await drain(deadLetterQueue);

    expect(dead).toHaveLength(1);
    expect(dead[0]?.attributes).toMatchObject({
      [FAILURE_ATTRIBUTE.status]: '400',
      [FAILURE_ATTRIBUTE.reason]: 'Project proj_x not found.',
    });
  }, 30_000);

  it('counts a redelivered message whose invite already exists as success', async () => {
    simulator.seed('ada@example.com');
    await queue.send({ body: JSON.stringify({ email: 'ada@example.com', role: 'reader' }) });

    startWorkers();
    await waitFor(() => responses.length > 0, 15_000);
    await source?.stop();

    expect(simulator.invites).toHaveLength(1);
    expect(responses[0]?.batchItemFailures).toEqual([]);
    expect(await drain(queue)).toEqual([]);
    expect(await drain(deadLetterQueue)).toEqual([]);
    expect(capturedLogLines().findLast((line) => line.message === 'bulk record')).toMatchObject({
      outcome: 'deduplicated',
    });
  }, 30_000);

  // Issue 13: a throttled record is re-sent with a delay (attempt 1) instead of being reported
  // as failed, so throttling never consumes the receives that lead to the DLQ.
  it('re-sends a throttled record after Retry-After, without consuming a receive, then delivers it', async () => {
    simulator.inject({
      kind: 'status',
      status: 429,
      method: 'POST',
      times: 3,
      headers: { 'retry-after': '2' },
    });
    await queue.send({ body: JSON.stringify({ email: 'later@example.com', role: 'reader' }) });
    const sentAt = Date.now();

    startWorkers();
    await waitFor(() => simulator.invites.length === 1, 20_000);
    await source?.stop();

    expect(responses.flatMap((response) => response.batchItemFailures)).toEqual([]);
    // Three 429s with Retry-After 2 s: two waited in the invocation, one as the re-send's delay.
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(5_000);
    const throttled = capturedLogLines().findLast(
      (line) => line.message === 'bulk record' && line.outcome === 'throttled',
    );
    expect(throttled).toMatchObject({ errorCode: 'rate_limit_exceeded', delaySeconds: 2, attempt: 0 });
    expect(capturedLogLines().findLast((line) => line.message === 'bulk record')).toMatchObject({
      outcome: 'created',
      attempt: 1,
      receiveCount: 1,
    });
    expect(await drain(deadLetterQueue)).toEqual([]);
  }, 30_000);

  it('fans a whole job out into one-invite messages', async () => {
    await queue.send({
      body: JSON.stringify({
        job_id: 'hr-export-6',
        invites: [
          { email: 'one@example.com', role: 'reader' },
          { email: 'three@example.com', role: 'owner' },
        ],
      }),
      attributes: { source: 'hr-export' },
    });

    startWorkers();
    await waitFor(() => simulator.invites.length === 2, 15_000);
    await source?.stop();

    expect(invitedEmails().sort()).toEqual(['one@example.com', 'three@example.com']);
    expect(await drain(deadLetterQueue)).toEqual([]);
  }, 30_000);

  // Issue 27 (item 4), replacing issue 13's rule: a job another system enqueued whole sends its
  // valid items; each bad item is dead-lettered alone, with its index and the bulk route's reason.
  // (The ledger's count of them: bulk-whole-job.test.ts.)
  it('sends the valid items of a job with bad items and dead-letters each bad item alone, with its index', async () => {
    const job = {
      job_id: 'hr-export-7',
      invites: [
        { email: 'one@example.com', role: 'reader' },
        { email: 'two', role: 'reader' },
        { email: 'three@example.com', role: 'admin' },
      ],
    };
    await queue.send({ body: JSON.stringify(job), attributes: { source: 'hr-export' } });

    startWorkers();
    const dead: Awaited<ReturnType<typeof drain>> = [];
    await waitFor(async () => {
      dead.push(...(await drain(deadLetterQueue)));
      return dead.length === 2 && simulator.invites.length === 1;
    }, 15_000);
    await source?.stop();

    expect(invitedEmails()).toEqual(['one@example.com']);
    dead.sort((a, b) => Number(a.attributes.index) - Number(b.attributes.index));
    expect(dead.map((letter) => JSON.parse(letter.body))).toEqual([job.invites[1], job.invites[2]]);
    expect(dead.map((letter) => letter.attributes)).toEqual([
      expect.objectContaining({
        source: 'hr-export',
        job_id: 'hr-export-7',
        index: '1',
        [FAILURE_ATTRIBUTE.code]: 'invalid_invite',
      }),
      expect.objectContaining({
        source: 'hr-export',
        job_id: 'hr-export-7',
        index: '2',
        [FAILURE_ATTRIBUTE.code]: 'invalid_invite',
      }),
    ]);
    expect(dead[0]?.attributes[FAILURE_ATTRIBUTE.reason]).toMatch(/^invites\[1\]\.email: /);
    expect(dead[1]?.attributes[FAILURE_ATTRIBUTE.reason]).toMatch(/^invites\[2\]\.role: /);
  }, 30_000);

  it('still dead-letters whole, once, a job whose shape cannot be read', async () => {
    const job = { job_id: 'hr-export-8', invites: { email: 'one@example.com', role: 'reader' } };
    await queue.send({ body: JSON.stringify(job), attributes: { source: 'hr-export' } });

    startWorkers();
    const dead: Awaited<ReturnType<typeof drain>> = [];
    await waitFor(async () => {
      dead.push(...(await drain(deadLetterQueue)));
      return dead.length > 0;
    }, 15_000);
    await source?.stop();

    expect(invitedEmails()).toEqual([]);
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]!.body)).toEqual(job);
    expect(dead[0]?.attributes).toMatchObject({
      source: 'hr-export',
      [FAILURE_ATTRIBUTE.code]: 'invalid_job',
    });
    expect(await drain(queue)).toEqual([]);
  }, 30_000);

  it('handles revoke messages: deletes the pending invite, succeeds without one, dead-letters a bad email', async () => {
    const pending = simulator.seed('leaving@example.com');
    simulator.seed('staying@example.com');
    await queue.sendBatch([
      { id: '1', body: JSON.stringify({ email: 'leaving@example.com' }), attributes: { action: 'revoke' } },
      {
        id: '2',
        body: JSON.stringify({ email: 'never-invited@example.com' }),
        attributes: { action: 'revoke' },
      },
      { id: '3', body: JSON.stringify({ email: 'nope' }), attributes: { action: 'revoke' } },
    ]);

    startWorkers();
    await waitFor(() => !simulator.invites.some((invite) => invite.id === pending.id), 15_000);
    await waitFor(() => responses.length > 0, 15_000);
    await source?.stop();
    const dead = await drain(deadLetterQueue);

    expect(invitedEmails()).toEqual(['staying@example.com']);
    expect(responses.flatMap((response) => response.batchItemFailures)).toEqual([]);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.attributes).toMatchObject({
      action: 'revoke',
      [FAILURE_ATTRIBUTE.code]: 'invalid_revocation',
    });
    const outcomes = capturedLogLines()
      .filter((line) => line.message === 'bulk record')
      .map((line) => line.outcome);
    expect(outcomes).toEqual(
      expect.arrayContaining(['revoked', 'revoke_no_pending_invite', 'dead_lettered']),
    );
  }, 30_000);
});
