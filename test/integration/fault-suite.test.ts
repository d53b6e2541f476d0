/**
 * The fault suite: what goes wrong upstream, in Secrets Manager and in SQS, and what the caller
 * gets. For every fault the answer is the documented one and no invite is lost or made twice.
 * It prints how many faults it injected.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SecretsManagerAdminKey, StaticAdminKey } from '../../lib/secrets/admin-key';
import { OpenAIInvitesClient } from '../../lib/openai/client';
import { setQueues } from '../../lib/bulk/runtime';
import { setInvitesClient } from '../../lib/openai/runtime';
import { type InjectedFault, InvitesSimulator } from '../../local/openai-simulator';
import { report } from '../support/captured-output';
import { invoke, jsonHeaders } from '../support/invoke';
import { TEST_ADMIN_KEY } from '../support/keys';
import { createQueuePair, drain } from '../support/queues';
import { startWorkers, waitFor } from '../support/workers';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
let faultsInjected = 0;

/** Fast retries, short timeouts: the faults are real, the waiting is shortened. */
const useClient = (overrides: Partial<ConstructorParameters<typeof OpenAIInvitesClient>[0]> = {}) =>
  setInvitesClient(
    new OpenAIInvitesClient({
      baseUrl: simulator.url,
      adminKey: new StaticAdminKey(TEST_ADMIN_KEY),
      attemptTimeoutMs: 300,
      deadlineMs: 5_000,
      backoff: { baseMs: 10, capMs: 50 },
      ...overrides,
    }),
  );

const inject = (fault: InjectedFault) => {
  faultsInjected += fault.times ?? 1;
  simulator.inject(fault);
};

const create = (email: string) =>
  invoke({
    method: 'POST',
    path: '/organization/invites',
    headers: jsonHeaders,
    body: JSON.stringify({ email, role: 'reader' }),
  });
const list = () => invoke({ method: 'GET', path: '/organization/invites' });

const expectErrorShape = (body: unknown) =>
  expect(body).toEqual({
    error: {
      message: expect.any(String),
      type: expect.any(String),
      param: null,
      code: expect.toSatisfy((code) => code === null || typeof code === 'string'),
    },
  });

beforeAll(async () => {
  await simulator.start();
});
afterAll(async () => {
  report(`fault suite: ${faultsInjected} faults injected`);
  await simulator.stop();
  setInvitesClient(undefined);
  setQueues({});
});
beforeEach(() => {
  simulator.reset();
  useClient();
});

describe('upstream 5xx', () => {
  it.each([500, 502, 503])('%i twice, then success: the caller gets 200 and one invite', async (status) => {
    inject({ kind: 'status', status, times: 2, method: 'POST' });

    const answer = await create('ada@example.com');

    expect(answer.statusCode).toBe(200);
    expect(simulator.invites).toHaveLength(1);
  });

  it.each([500, 502, 503])(
    '%i on every attempt: the caller gets %i in OpenAI shape, nothing created',
    async (status) => {
      inject({ kind: 'status', status, times: 4 });

      const answer = await create('ada@example.com');

      expect(answer.statusCode).toBe(status);
      expectErrorShape(answer.body);
      expect(answer.body.error.type).toBe('server_error');
      expect(simulator.invites).toHaveLength(0);
    },
  );
});

describe('upstream 429', () => {
  it('with Retry-After: retried after it, then 200', async () => {
    inject({ kind: 'status', status: 429, headers: { 'retry-after-ms': '20' } });

    expect((await list()).statusCode).toBe(200);
  });

  it('without Retry-After: retried with backoff, then 200', async () => {
    inject({ kind: 'status', status: 429 });

    expect((await create('ada@example.com')).statusCode).toBe(200);
    expect(simulator.invites).toHaveLength(1);
  });

  it('for longer than the deadline: 429 with Retry-After passed on', async () => {
    inject({ kind: 'status', status: 429, times: 4, headers: { 'retry-after': '30' } });

    const answer = await list();

    expect(answer.statusCode).toBe(429);
    expect(answer.headers['Retry-After']).toBe('30');
    expect(answer.body.error.type).toBe('rate_limit_error');
  });

  it('without Retry-After on every attempt: 429, nothing created', async () => {
    inject({ kind: 'status', status: 429, times: 4 });

    const answer = await create('ada@example.com');

    expect(answer.statusCode).toBe(429);
    expect(answer.headers['Retry-After']).toBeUndefined();
    expect(simulator.invites).toHaveLength(0);
  });
});

describe('slow, broken and lost answers', () => {
  it('slower than the attempt timeout once: retried, 200', async () => {
    inject({ kind: 'timeout' });

    expect((await list()).statusCode).toBe(200);
  });

  it('slower than the timeout every time: 504 upstream_timeout', async () => {
    inject({ kind: 'timeout', times: 4 });

    const answer = await list();

    expect(answer.statusCode).toBe(504);
    expect(answer.body.error.code).toBe('upstream_timeout');
  });

  it('connection reset: retried, 200', async () => {
    inject({ kind: 'reset', times: 2 });

    expect((await list()).statusCode).toBe(200);
  });

  it('malformed JSON: 502 upstream_malformed_response', async () => {
    inject({ kind: 'malformed' });

    const answer = await list();

    expect(answer.statusCode).toBe(502);
    expect(answer.body.error.code).toBe('upstream_malformed_response');
  });

  it('a create that succeeded upstream but whose answer was lost: the retry returns it, one invite', async () => {
    inject({ kind: 'lose-response', method: 'POST' });

    const answer = await create('ada@example.com');

    expect(answer.statusCode).toBe(200);
    expect(simulator.invites).toHaveLength(1);
    expect(answer.body.id).toBe(simulator.invites[0]!.id);
  });

  it('a create whose answer timed out after it succeeded: one invite', async () => {
    useClient({ attemptTimeoutMs: 300 });
    simulator.options.latencyMs = 400; // the invite is made, the answer comes too late
    faultsInjected += 1;
    const first = create('grace@example.com');
    await new Promise((resolve) => setTimeout(resolve, 350));
    simulator.options.latencyMs = 0;

    const answer = await first;

    // Attempts the client gave up on may still be in the simulator: let them land, then count.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(answer.statusCode).toBe(200);
    expect(simulator.invites.filter((invite) => invite.email === 'grace@example.com')).toHaveLength(1);
  });
});

describe('Secrets Manager', () => {
  it('throttled: 503 admin_key_unavailable, nothing sent upstream', async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $retryable: {} }));
    faultsInjected += 1;
    useClient({
      adminKey: new SecretsManagerAdminKey({
        secretId: 'openai/admin-key',
        provider: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) }),
      }),
    });

    const answer = await list();
    secrets.restore();

    expect(answer.statusCode).toBe(503);
    expect(answer.body.error.code).toBe('admin_key_unavailable');
    expect(simulator.requests).toHaveLength(0);
  });

  it('unreachable: 503 admin_key_unavailable', async () => {
    faultsInjected += 1;
    const unreachable = new SecretsManagerClient({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    useClient({
      adminKey: new SecretsManagerAdminKey({
        secretId: 'openai/admin-key',
        provider: new SecretsProvider({ awsSdkV3Client: unreachable }),
      }),
    });

    const answer = await list();

    expect(answer.statusCode).toBe(503);
    expect(answer.body.error.code).toBe('admin_key_unavailable');
  });
});

describe('SQS', () => {
  it('redelivers messages the worker already processed: no second invite, nothing in the DLQ', async () => {
    const { queue, deadLetterQueue } = await createQueuePair({ visibilityTimeoutSeconds: 1 });
    setQueues({ queue, deadLetterQueue });
    const emails = Array.from({ length: 20 }, (_, n) => `again${n}@example.com`);
    const send = () =>
      queue.sendBatch(
        emails
          .slice(0, 10)
          .map((email, n) => ({ id: String(n), body: JSON.stringify({ email, role: 'reader' }) })),
      );
    await send();
    await queue.sendBatch(
      emails
        .slice(10)
        .map((email, n) => ({ id: String(n), body: JSON.stringify({ email, role: 'reader' }) })),
    );
    // The same ten again, as SQS's at-least-once delivery may hand them over.
    await send();
    faultsInjected += 10;
    const { source, responses } = startWorkers({ queue, upstream: simulator.url });
    await waitFor(() => responses.length >= 3, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await source.stop();

    expect(simulator.invites.map((invite) => invite.email).sort()).toEqual([...emails].sort());
    expect(responses.flatMap((response) => response.batchItemFailures)).toEqual([]);
    expect(await drain(queue)).toEqual([]);
    expect(await drain(deadLetterQueue)).toEqual([]);
  }, 30_000);
});
