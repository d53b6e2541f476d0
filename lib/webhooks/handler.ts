/**
 * `POST /webhooks/{provider}` (and Okta's one-time `GET`): verify the raw body with the provider's
 * scheme, normalise its events, check them as the API would, and enqueue the usable ones once each
 * (lib/webhooks/enqueue.ts: claim, enqueue, confirm), answering at once. Nothing slow happens here
 * except BambooHR's employee lookup; OpenAI is only called by the worker.
 *
 * Answers: 202 something was enqueued; 200 nothing new (replays, ignored event types); unusable
 * events of a delivery are listed as `invalid` beside the usable ones, and only a delivery with
 * no usable event is 422. 401 verification failed; 404 unknown or unconfigured provider; 405 wrong
 * method; 413 body over 256 KB; 400 a body that is not the provider's JSON; 502 the BambooHR
 * lookup failed; 503 the queue, the table or the secret could not be reached, or another delivery
 * of an event is still in progress.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { InvalidRequestError, MethodNotAllowedError, PayloadTooLargeError } from '../http/errors';
import {
  UnprocessableWebhookEventError,
  WebhookGrantRefusedError,
  WebhookProviderNotFoundError,
  WebhookSignatureError,
} from './errors';
import { headerValue, rawBody, receivedAt } from '../http/messages';
import { httpHandler } from '../http/http-handler';
import { logger } from '../commons/logger';
import { recordSafely } from '../ledger/record-safely';
import { findPersonStore } from '../people/runtime';
import { toInviteEvent, toRevokeEvent } from './mapping';
import { findProvider, providerNames } from './providers/registry';
import { enqueueOnce, type Receipt } from './enqueue';
import { getWebhookConfig, getWebhookSecretSource } from './runtime';
import type { WebhookSecrets } from './secrets';
import type { WebhookEvent, WebhookProvider, WebhookRequest } from './types';

/** HR payloads are small; anything larger is refused before any work. */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

/** Verifies with the cached secrets, and once more with freshly read ones after a mismatch. */
const verified = async (
  provider: WebhookProvider,
  request: WebhookRequest,
  nowMs: number,
): Promise<WebhookSecrets> => {
  const source = getWebhookSecretSource();
  let secrets = await source.get();
  if (!secrets.signing[provider.name]) {
    secrets = await source.get({ forceRefresh: true });
    if (!secrets.signing[provider.name])
      throw new WebhookProviderNotFoundError(provider.name, 'not_configured');
  }
  try {
    provider.verify(request, secrets.signing[provider.name]!, nowMs);
    return secrets;
  } catch (error) {
    if (!(error instanceof WebhookSignatureError) || !error.mismatch) throw error;
    const fresh = await source.get({ forceRefresh: true });
    const secret = fresh.signing[provider.name];
    if (!secret || secret === secrets.signing[provider.name]) throw error;
    provider.verify(request, secret, nowMs);
    return fresh;
  }
};

const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new InvalidRequestError('The webhook body must be JSON encoded as UTF-8.', null, 'invalid_json');
  }
};

/**
 * The provider named by the request: the `{provider}` path parameter, or, on the gateway's
 * per-provider resources (`/webhooks/greenhouse`, infra/constructs/invites-api.ts), the resource's
 * last segment.
 */
export const providerNameOf = (event: Pick<APIGatewayProxyEvent, 'pathParameters' | 'resource'>): string =>
  event.pathParameters?.provider ??
  /^\/webhooks\/([a-z0-9][a-z0-9-]*)$/.exec(event.resource ?? '')?.[1] ??
  '';

const handle = async (
  event: APIGatewayProxyEvent,
  receipts: Receipt[],
): Promise<{ statusCode: number; body: unknown }> => {
  const name = providerNameOf(event);
  const provider = findProvider(name);
  if (!provider) throw new WebhookProviderNotFoundError(name, 'unknown', providerNames());
  const method = event.httpMethod?.toUpperCase() ?? '';
  const allowed = provider.challenge ? ['GET', 'POST'] : ['POST'];
  if (!allowed.includes(method)) throw new MethodNotAllowedError(method, allowed);
  const body = rawBody(event);
  if (body.byteLength > MAX_WEBHOOK_BODY_BYTES) throw new PayloadTooLargeError(MAX_WEBHOOK_BODY_BYTES);
  const request: WebhookRequest = { method, body, header: (header) => headerValue(event.headers, header) };

  const secrets = await verified(provider, request, Date.now());
  if (method === 'GET') return { statusCode: 200, body: provider.challenge!(request) };

  const config = getWebhookConfig();
  const drafts = await provider.normalise({
    body: parseJson(body),
    request,
    lookupEmployee: async (employeeId) => {
      if (!provider.lookupEmployee) {
        throw new UnprocessableWebhookEventError(
          `Provider ${name} has no employee lookup; nothing was enqueued.`,
          'hr_lookup_not_configured',
        );
      }
      return provider.lookupEmployee(employeeId, { secrets, config });
    },
  });
  const events: WebhookEvent[] = [];
  let firstInvalid: UnprocessableWebhookEventError | undefined;
  for (const draft of drafts) {
    if (draft.kind === 'ignored') {
      logger.info('webhook event ignored', {
        provider: name,
        eventId: draft.id,
        eventType: draft.type,
        reason: draft.reason,
      });
      receipts.push({ id: draft.id, kind: 'ignored', outcome: 'ignored' });
      continue;
    }
    try {
      events.push(draft.kind === 'invite' ? toInviteEvent(draft, name, config) : toRevokeEvent(draft, name));
    } catch (error) {
      if (error instanceof WebhookGrantRefusedError) {
        // Authentic, usable, and asking for more than a webhook may grant: refused, said in the
        // receipt; a retry would be refused again, so the delivery itself is not an error.
        logger.warn('webhook event refused', { provider: name, eventId: draft.id, reason: error.message });
        receipts.push({ id: draft.id, kind: draft.kind, outcome: 'refused', reason: error.message });
        await keepRefusal(draft.email, name, error.message);
        continue;
      }
      // One unusable event must not drop the usable ones of a batch (Okta does not redeliver 4xx).
      if (!(error instanceof UnprocessableWebhookEventError)) throw error;
      firstInvalid ??= error;
      logger.warn('webhook event invalid', { provider: name, eventId: draft.id, reason: error.message });
      receipts.push({ id: draft.id, kind: draft.kind, outcome: 'invalid', reason: error.message });
    }
  }
  if (events.length === 0 && firstInvalid) {
    throw new UnprocessableWebhookEventError(
      `${firstInvalid.message} Nothing of this delivery was enqueued.`,
      firstInvalid.code ?? undefined,
      firstInvalid.param,
    );
  }
  receipts.push(...(await enqueueOnce(events, name, receivedAt(event))));
  const enqueued = receipts.some((receipt) => receipt.outcome === 'enqueued');
  return {
    statusCode: enqueued ? 202 : 200,
    body: { object: 'webhook.receipt', provider: name, events: receipts },
  };
};

/** The webhook function: one log line per delivery (never a secret, signature or body). */
export const webhookHandler = () =>
  httpHandler('webhook', 'hrWebhook', async (event, _context, record) => {
    const receipts: Receipt[] = [];
    Object.assign(record.fields, {
      provider: providerNameOf(event).slice(0, 40),
      method: event.httpMethod,
      sourceIp: event.requestContext?.identity?.sourceIp,
      events: receipts,
    });
    return handle(event, receipts);
  });

/** A refused event stays in the person's history too (on the side: it never fails the delivery). */
const keepRefusal = async (email: string, provider: string, reason: string): Promise<void> => {
  const people = findPersonStore();
  if (!people) return;
  const event = { kind: 'refused' as const, at: new Date().toISOString(), actor: provider, reason };
  await recordSafely(() => people.append(email, [event]), { what: { action: 'person.refused', provider } });
};
