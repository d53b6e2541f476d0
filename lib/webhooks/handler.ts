/**
 * `POST /webhooks/{provider}` (and Okta's one-time `GET`): verify the raw body with the provider's
 * scheme, normalise its events, check them as the API would, claim each event id against replays,
 * enqueue invites and revocations on the bulk queue, and answer at once. Nothing slow happens here
 * except BambooHR's employee lookup; OpenAI is only called by the worker.
 *
 * Answers: 202 something was enqueued; 200 nothing new (replays, ignored event types);
 * 401 verification failed; 404 unknown or unconfigured provider; 405 wrong method; 413 body over
 * 256 KB; 400 a body that is not the provider's JSON; 422 a verified event that cannot be used;
 * 502 the BambooHR lookup failed; 503 the queue or the secret could not be reached.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { enqueueInvites, enqueueRevocation } from '../bulk/jobs';
import { InvalidRequestError, MethodNotAllowedError, PayloadTooLargeError } from '../http/errors';
import {
  UnprocessableWebhookEventError,
  WebhookProviderNotFoundError,
  WebhookSignatureError,
} from './errors';
import { headerValue, rawBody } from '../http/messages';
import { httpHandler } from '../http/http-handler';
import { logger } from '../commons/logger';
import { getInviteQueue } from '../bulk/runtime';
import { bambooHrProvider } from './providers/bamboohr';
import { lookupBambooHrEmployee } from './providers/bamboohr-directory';
import { greenhouseProvider } from './providers/greenhouse';
import { toInviteEvent, toRevokeEvent } from './mapping';
import { oktaProvider } from './providers/okta';
import { getDedupeStore, getWebhookConfig, getWebhookSecretSource } from './runtime';
import type { WebhookSecrets } from './secrets';
import { standardProvider } from './providers/standard';
import {
  type IgnoredEvent,
  isProviderName,
  type ProviderName,
  type WebhookEvent,
  type WebhookProvider,
  type WebhookRequest,
} from './types';

/** HR payloads are small; anything larger is refused before any work. */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

export const PROVIDERS: Record<ProviderName, WebhookProvider> = {
  standard: standardProvider,
  greenhouse: greenhouseProvider,
  okta: oktaProvider,
  bamboohr: bambooHrProvider,
};

type Outcome = 'enqueued' | 'duplicate' | 'ignored';

interface Receipt {
  id: string;
  kind: 'invite' | 'revoke' | 'ignored';
  outcome: Outcome;
}

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

/** Claims, enqueues, and releases the claims again when enqueueing failed. */
const enqueueOnce = async (events: WebhookEvent[], provider: ProviderName): Promise<Receipt[]> => {
  const store = getDedupeStore();
  const { dedupeWindowSeconds } = getWebhookConfig();
  const claimed: WebhookEvent[] = [];
  const receipts: Receipt[] = [];
  try {
    for (const event of events) {
      const fresh = await store.claim(`${provider}:${event.id}`, dedupeWindowSeconds);
      if (fresh) claimed.push(event);
      receipts.push({ id: event.id, kind: event.kind, outcome: fresh ? 'enqueued' : 'duplicate' });
    }
    const queue = getInviteQueue();
    await Promise.all(
      claimed.map((event) =>
        event.kind === 'invite'
          ? enqueueInvites(
              queue,
              [
                {
                  index: 0,
                  invite: {
                    email: event.email,
                    role: event.role,
                    ...(event.projects ? { projects: event.projects } : {}),
                  },
                },
              ],
              { jobId: event.id, source: provider },
            )
          : enqueueRevocation(queue, event.email, { jobId: event.id, source: provider }),
      ),
    );
  } catch (error) {
    await Promise.allSettled(claimed.map((event) => store.release(`${provider}:${event.id}`)));
    throw error;
  }
  for (const event of claimed) {
    logger.info('audit', {
      audit: {
        action: event.kind === 'invite' ? 'webhook.invite.enqueued' : 'webhook.revoke.enqueued',
        caller: `webhook:${provider}`,
        eventId: event.id,
        email: event.email,
      },
    });
  }
  return receipts;
};

const handle = async (
  event: APIGatewayProxyEvent,
  receipts: Receipt[],
): Promise<{ statusCode: number; body: unknown }> => {
  const name = event.pathParameters?.provider ?? '';
  if (!isProviderName(name)) throw new WebhookProviderNotFoundError(name, 'unknown');
  const provider = PROVIDERS[name];
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
    lookupEmployee: (employeeId) => {
      if (!secrets.bamboohrApi) {
        throw new UnprocessableWebhookEventError(
          'BambooHR events carry an employee id, not an email, and no lookup is configured: add "bamboohrApi": {"subdomain", "apiKey"} to the webhook secret. Nothing was enqueued.',
          'hr_lookup_not_configured',
        );
      }
      return lookupBambooHrEmployee(employeeId, {
        baseUrl: config.bambooHrApiBaseUrl,
        credentials: secrets.bamboohrApi,
      });
    },
  });
  const events = drafts
    .filter((draft) => draft.kind !== 'ignored')
    .map((draft) =>
      draft.kind === 'invite' ? toInviteEvent(draft, name, config) : toRevokeEvent(draft, name),
    );
  const ignored = drafts.filter((draft): draft is IgnoredEvent => draft.kind === 'ignored');
  for (const each of ignored)
    logger.info('webhook event ignored', {
      provider: name,
      eventId: each.id,
      eventType: each.type,
      reason: each.reason,
    });
  receipts.push(
    ...ignored.map((each) => ({ id: each.id, kind: 'ignored' as const, outcome: 'ignored' as const })),
  );
  receipts.push(...(await enqueueOnce(events, name)));
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
      provider: event.pathParameters?.provider?.slice(0, 40),
      method: event.httpMethod,
      sourceIp: event.requestContext?.identity?.sourceIp,
      events: receipts,
    });
    return handle(event, receipts);
  });
