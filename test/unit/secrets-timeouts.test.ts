/**
 * Issue 29, item 8: every Secrets Manager read has bounded timeouts. Against an endpoint that
 * accepts the connection and never answers, the Admin key, the API tokens and the webhook secrets
 * each fail in seconds (a transient error) instead of holding the function until its timeout.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BearerTokenVerifier } from '../../lib/auth/bearer-token-authorizer';
import {
  AWS_CONNECTION_TIMEOUT_MS,
  AWS_MAX_ATTEMPTS,
  AWS_REQUEST_TIMEOUT_MS,
} from '../../lib/commons/aws-clients';
import { SecretsManagerAdminKey } from '../../lib/secrets/admin-key';
import { SecretsManagerWebhookSecrets } from '../../lib/webhooks/secrets';

/** Bounded: every attempt's timeouts, plus the SDK's short backoff and some slack. */
const BOUND_MS = AWS_MAX_ATTEMPTS * (AWS_CONNECTION_TIMEOUT_MS + AWS_REQUEST_TIMEOUT_MS) + 2_000;

let stalled: Server;
const sockets: Socket[] = [];
let previousEndpoint: string | undefined;

beforeAll(async () => {
  stalled = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
  previousEndpoint = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
});

afterAll(async () => {
  process.env.AWS_ENDPOINT_URL = previousEndpoint;
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => stalled.close(() => resolve()));
});

const timed = async (read: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> => {
  const started = Date.now();
  try {
    await read();
    return { ms: Date.now() - started, error: undefined };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
};

describe('a Secrets Manager read from a stalled endpoint', () => {
  it('fails within the bounded time for the Admin key, the API tokens and the webhook secrets', async () => {
    // Prepare: each built with its default (production) provider.
    const readers = {
      adminKey: () => new SecretsManagerAdminKey({ secretId: 'openai/admin-key' }).getKey(),
      apiTokens: () =>
        new BearerTokenVerifier({ secretId: 'openai-invites/api-tokens' }).verify('Bearer inv-x'),
      webhookSecrets: () =>
        new SecretsManagerWebhookSecrets({ secretId: 'openai-invites/webhook-secrets' }).get(),
    };

    // Act
    const results = await Promise.all(Object.values(readers).map(timed));

    // Assess
    for (const [index, name] of Object.keys(readers).entries()) {
      expect(results[index]!.error, name).toBeInstanceOf(Error);
      expect(results[index]!.ms, name).toBeLessThan(BOUND_MS);
    }
  }, 20_000);
});
