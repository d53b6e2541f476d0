/**
 * Issue 16 on the webhook function, with real events through the handler: secret in moto's
 * Secrets Manager, claims in moto's DynamoDB, the bulk queue in moto's SQS, and a local TCP
 * server that accepts connections and never answers, standing for a stalled SQS.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SqsQueue } from '../../lib/bulk/queue';
import { setQueues } from '../../lib/bulk/runtime';
import { readWebhookConfig, WEBHOOK_CLAIM_LEASE_SECONDS } from '../../lib/webhooks/config';
import { DynamoDbDedupeStore } from '../../lib/webhooks/dedupe';
import { setWebhookRuntime } from '../../lib/webhooks/runtime';
import { capturedLogLines } from '../support/captured-output';
import { createDedupeTable } from '../support/dynamodb';
import { invoke } from '../support/invoke';
import { createQueuePair, drain } from '../support/queues';
import { createSecret } from '../support/secrets';
import {
  greenhouseEvent,
  greenhouseHeaders,
  oktaEvent,
  oktaHeaders,
  standardEvent,
  standardHeaders,
  TEST_WEBHOOK_SECRETS,
} from '../support/webhook-signing';

let queue: SqsQueue;
let table: string;
let secretName: string;
let now = Date.now();

const post = (provider: string, body: string, headers: Record<string, string>) =>
  invoke({ method: 'POST', path: `/webhooks/${provider}`, headers, body });

const configure = (env: Record<string, string> = {}) =>
  setWebhookRuntime({
    config: readWebhookConfig({
      WEBHOOK_SECRETS_SECRET_ID: secretName,
      WEBHOOK_DEDUPE_TABLE: table,
      WEBHOOK_DEPARTMENT_PROJECTS: JSON.stringify({ engineering: [{ id: 'proj_eng', role: 'member' }] }),
      ...env,
    }),
    // The production store on the real table, with a clock the test can move past a lease.
    dedupeStore: new DynamoDbDedupeStore(table, undefined, () => now),
  });

beforeAll(async () => {
  secretName = await createSecret(JSON.stringify(TEST_WEBHOOK_SECRETS), 'openai-invites/webhook-secrets');
});

beforeEach(async () => {
  now = Date.now();
  table = await createDedupeTable();
  ({ queue } = await createQueuePair());
  setQueues({ queue });
  configure();
});

afterAll(() => {
  setQueues({});
  setWebhookRuntime({});
  delete process.env.INVITE_QUEUE_URL;
});

describe('Greenhouse replays (issue 16, item 1)', () => {
  it('enqueues nothing for a captured signed body replayed under a new Greenhouse-Event-ID', async () => {
    const body = greenhouseEvent('hire_candidate', [{ value: 'leaver@example.com', type: 'work' }]);

    const first = await post('greenhouse', body, greenhouseHeaders(body, { eventId: 'gh-original' }));
    const replay = await post('greenhouse', body, greenhouseHeaders(body, { eventId: 'gh-forged-new-id' }));

    expect(first.statusCode).toBe(202);
    expect(replay.statusCode).toBe(200);
    // Neither id is the unsigned header's (issue 29, item 5): both name the signed body.
    expect(replay.body.events).toEqual([
      { id: first.body.events[0].id, kind: 'invite', outcome: 'duplicate' },
    ]);
    expect(first.body.events[0].id).toMatch(/^greenhouse-[0-9a-f]{32}$/);
    expect((await drain(queue)).map(({ attributes }) => attributes.job_id)).toEqual([
      `greenhouse:${first.body.events[0].id}`,
    ]);
  });
});

describe('a stalled enqueue cannot strand its event (issue 16, item 2)', () => {
  const sockets = new Set<Socket>();
  let silent: Server;
  let silentUrl: string;

  beforeAll(async () => {
    // Accepts every connection, reads the request, never answers: an SQS that hangs.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    silentUrl = `http://127.0.0.1:${port}/000000000000/invites`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  afterEach(() => {
    delete process.env.INVITE_QUEUE_URL;
  });

  it('answers 503 well within the function timeout, and the sender’s retry enqueues exactly once', async () => {
    const body = standardEvent('invite.revoked', { email: 'leaver@example.com' });
    const headers = standardHeaders(body, { id: 'msg_stalled' });
    // The queue the function builds from its environment (INVITE_QUEUE_URL), with its own SQS client.
    process.env.INVITE_QUEUE_URL = silentUrl;
    setQueues({});

    const startedAt = Date.now();
    const stalled = await post('standard', body, headers);
    const tookMs = Date.now() - startedAt;
    setQueues({ queue });
    const retry = await post('standard', body, headers);
    const replay = await post('standard', body, headers);

    expect(stalled.statusCode).toBe(503);
    expect(stalled.body.error.code).toBe('enqueue_failed');
    expect(tookMs).toBeLessThan(10_000);
    expect(sockets.size).toBeGreaterThan(0);
    expect(retry.statusCode).toBe(202);
    expect(replay.statusCode).toBe(200);
    expect(await drain(queue)).toEqual([
      {
        body: JSON.stringify({ email: 'leaver@example.com' }),
        attributes: {
          action: 'revoke',
          job_id: 'standard:msg_stalled',
          source: 'standard',
          event_id: 'standard:msg_stalled',
          event_at: expect.any(String),
        },
      },
    ]);
  }, 30_000);

  it('lets a retry take over a claim its killed attempt left, once the lease expired — never "duplicate"', async () => {
    const body = standardEvent('invite.revoked', { email: 'killed@example.com' });
    const headers = standardHeaders(body, { id: 'msg_killed' });
    // What a function killed between claim and enqueue leaves behind.
    await new DynamoDbDedupeStore(table, undefined, () => now).claim(
      'standard:msg_killed',
      WEBHOOK_CLAIM_LEASE_SECONDS,
    );

    const during = await post('standard', body, headers);
    now += (WEBHOOK_CLAIM_LEASE_SECONDS + 1) * 1000;
    const after = await post('standard', body, headers);
    const again = await post('standard', body, headers);

    expect(during.statusCode).toBe(503);
    expect(during.body.error.code).toBe('webhook_event_in_progress');
    expect(during.headers['Retry-After']).toBe(String(WEBHOOK_CLAIM_LEASE_SECONDS));
    expect(after.statusCode).toBe(202);
    expect(again.statusCode).toBe(200);
    expect(await drain(queue)).toHaveLength(1);
  });
});

describe('batches with an unusable event (issue 16, item 4)', () => {
  it('enqueues the usable Okta events and reports the unusable one as invalid, with its reason', async () => {
    const body = oktaEvent([
      { uuid: 'okta-ok-1', eventType: 'user.lifecycle.create', login: 'new@example.com' },
      { uuid: 'okta-bad', eventType: 'user.lifecycle.create', login: 'jdoe' },
      { uuid: 'okta-ok-2', eventType: 'user.lifecycle.deactivate', login: 'old@example.com' },
    ]);

    const answer = await post('okta', body, oktaHeaders());

    expect(answer.statusCode).toBe(202);
    expect(answer.body.events).toEqual([
      {
        id: 'okta-bad',
        kind: 'invite',
        outcome: 'invalid',
        reason: expect.stringMatching(/^Event okta-bad cannot be used: .*email/),
      },
      { id: 'okta-ok-1', kind: 'invite', outcome: 'enqueued' },
      { id: 'okta-ok-2', kind: 'revoke', outcome: 'enqueued' },
    ]);
    expect((await drain(queue)).map(({ attributes }) => attributes.job_id).sort()).toEqual([
      'okta:okta-ok-1',
      'okta:okta-ok-2',
    ]);
    expect(capturedLogLines()).toContainEqual(
      expect.objectContaining({ message: 'webhook event invalid', eventId: 'okta-bad' }),
    );
  });

  it('still answers 422 when no event of the delivery is usable, and enqueues nothing', async () => {
    const body = oktaEvent([{ uuid: 'okta-only-bad', eventType: 'user.lifecycle.create', login: 'jdoe' }]);

    const answer = await post('okta', body, oktaHeaders());

    expect(answer.statusCode).toBe(422);
    // The param names the JSON path the email was read from (issue 18).
    expect(answer.body.error).toMatchObject({
      code: 'invalid_event',
      param: 'data.events[0].target[type=User].alternateId',
    });
    expect(answer.body.error.message).toMatch(/Nothing of this delivery was enqueued\.$/);
    expect(await drain(queue)).toEqual([]);
  });
});

describe('department names that are object keys (issue 16, item 5)', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'invites a hire in department %s into the default project',
    async (department) => {
      const body = greenhouseEvent(
        'hire_candidate',
        [{ value: 'dept@example.com', type: 'work' }],
        department,
      );

      const answer = await post('greenhouse', body, greenhouseHeaders(body));

      expect(answer.statusCode).toBe(202);
      expect((await drain(queue)).map((message) => JSON.parse(message.body))).toEqual([
        { email: 'dept@example.com', role: 'reader' },
      ]);
    },
  );

  it('maps a department named "__proto__" only when the mapping lists it', async () => {
    configure({
      WEBHOOK_DEPARTMENT_PROJECTS: '{"__proto__": [{"id": "proj_proto", "role": "member"}]}',
    });
    const listed = standardEvent('invite.requested', { email: 'p@example.com', department: '__proto__' });
    const other = standardEvent('invite.requested', { email: 'c@example.com', department: 'constructor' });

    expect((await post('standard', listed, standardHeaders(listed))).statusCode).toBe(202);
    expect((await post('standard', other, standardHeaders(other))).statusCode).toBe(202);
    expect(
      (await drain(queue))
        .map((message) => JSON.parse(message.body))
        .sort((a, b) => a.email.localeCompare(b.email)),
    ).toEqual([
      { email: 'c@example.com', role: 'reader' },
      { email: 'p@example.com', role: 'reader', projects: [{ id: 'proj_proto', role: 'member' }] },
    ]);
  });
});

describe('error answers name no secret (issue 16, item 7)', () => {
  it('answers an unreadable webhook secret without its ARN; the log line keeps it', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hr/no-such-secret-AbCdEf';
    setWebhookRuntime({
      config: readWebhookConfig({ WEBHOOK_SECRETS_SECRET_ID: arn, WEBHOOK_DEDUPE_TABLE: table }),
    });
    const body = standardEvent('invite.requested', { email: 'a@example.com' });

    const answer = await post('standard', body, standardHeaders(body));

    expect(answer.statusCode).toBeGreaterThanOrEqual(500);
    expect(answer.body.error.code).toBe('webhook_secrets_unavailable');
    expect(answer.body.error.message).toMatch(/the secret/);
    expect(JSON.stringify(answer)).not.toMatch(/123456789012|no-such-secret/);
    expect(capturedLogLines().at(-1)?.errorMessage).toContain(arn);
    expect(await drain(queue)).toEqual([]);
  });
});
