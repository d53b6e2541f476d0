/**
 * docs/api.md's error table and docs/deploying.md, step 2: a stack whose webhook secret was never
 * created answers every delivery, Okta's one-time verification included, 500
 * `webhook_secrets_unavailable` (a setup mistake, not a transient 503), and enqueues nothing.
 * Secrets Manager, DynamoDB and SQS are moto's.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { SqsQueue } from '../../lib/bulk/queue';
import { setQueues } from '../../lib/bulk/runtime';
import { readWebhookConfig } from '../../lib/webhooks/config';
import { setWebhookRuntime } from '../../lib/webhooks/runtime';
import { createDedupeTable } from '../support/dynamodb';
import { invoke } from '../support/invoke';
import { createQueuePair, drain } from '../support/queues';
import { standardEvent, standardHeaders } from '../support/webhook-signing';

let queue: SqsQueue;

beforeEach(async () => {
  const table = await createDedupeTable();
  ({ queue } = await createQueuePair());
  setQueues({ queue });
  setWebhookRuntime({
    // The stack's default name, never created in this moto.
    config: readWebhookConfig({
      WEBHOOK_SECRETS_SECRET_ID: `openai-invites/webhook-secrets-never-created-${Date.now()}`,
      WEBHOOK_DEDUPE_TABLE: table,
    }),
  });
});

describe('the webhook route without its secret', () => {
  it('answers a signed delivery 500 webhook_secrets_unavailable and enqueues nothing', async () => {
    const body = standardEvent('invite.requested', { email: 'new.hire@example.com' });

    const answer = await invoke({
      method: 'POST',
      path: '/webhooks/standard',
      headers: standardHeaders(body),
      body,
    });

    expect(answer.statusCode).toBe(500);
    expect(answer.body.error).toMatchObject({ type: 'server_error', code: 'webhook_secrets_unavailable' });
    expect(await drain(queue)).toEqual([]);
  });

  it("answers Okta's one-time verification 500 webhook_secrets_unavailable", async () => {
    const answer = await invoke({
      method: 'GET',
      path: '/webhooks/okta',
      headers: { authorization: 'local-dev-okta-secret', 'x-okta-verification-challenge': 'challenge-1' },
    });

    expect(answer.statusCode).toBe(500);
    expect(answer.body.error.code).toBe('webhook_secrets_unavailable');
  });
});
