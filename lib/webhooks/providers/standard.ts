/**
 * Provider `standard`: our own events, signed as Standard Webhooks signs (standardwebhooks.com).
 * Headers `webhook-id`, `webhook-timestamp` (Unix seconds, ±5 minutes) and `webhook-signature`
 * (space-separated `v1,<base64 HMAC-SHA256>` entries; any one matching is enough). The signed
 * content is `${id}.${timestamp}.${body}`; the key is the base64 part of the `whsec_…` secret.
 * Events: `invite.requested` (data: email, role?, projects?, department?) and
 * `invite.revoked` (data: email). The event's time (`occurredAt`) is the body's `timestamp`, when
 * it is ISO-8601 and not later than the signed header allows, else `webhook-timestamp`: both are
 * signed, and the body's stays the same on the sender's retries.
 */
import { ConfigurationError } from '../../commons/errors';
import { InvalidRequestError } from '../../http/errors';
import { WebhookSignatureError } from '../errors';
import type { InviteProject, OrganizationRole } from '../../openai/types';
import { canonicalIsoTime, isoTimeFromSeconds } from '../../commons/iso-time';
import { checkTimestamp, constantTimeEqual, hmacSha256, TIMESTAMP_TOLERANCE_SECONDS } from '../signatures';
import { asString, type DraftEvent, pick, type WebhookProvider, type WebhookRequest } from '../types';

const MAX_ID_LENGTH = 128;

/** The HMAC key of a `whsec_<base64>` secret (the prefix is optional). */
export const standardSigningKey = (secret: string): Buffer => {
  const encoded = secret.trim().replace(/^whsec_/, '');
  const key = Buffer.from(encoded, 'base64');
  if (key.byteLength === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    throw new ConfigurationError('The "standard" webhook secret must be "whsec_" followed by base64.');
  }
  return key;
};

const verify = (request: WebhookRequest, secret: string, nowMs: number): void => {
  const id = request.header('webhook-id');
  const timestamp = request.header('webhook-timestamp');
  const signatures = request.header('webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookSignatureError(
      'headers webhook-id, webhook-timestamp and webhook-signature are required.',
    );
  }
  if (id.length > MAX_ID_LENGTH) throw new WebhookSignatureError('header webhook-id is too long.');
  checkTimestamp(/^\d{1,12}$/.test(timestamp) ? Number(timestamp) : undefined, nowMs, 'webhook-timestamp');
  const expected = hmacSha256(standardSigningKey(secret), `${id}.${timestamp}.`, request.body);
  const candidates = signatures
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version, value]) => version === 'v1' && value !== undefined)
    .map(([, value]) => Buffer.from(value!, 'base64'));
  if (candidates.length === 0) {
    throw new WebhookSignatureError('header webhook-signature has no "v1,<base64>" signature.');
  }
  // Every candidate is compared, so the time taken does not say which one matched.
  const matches = candidates.map((candidate) => constantTimeEqual(candidate, expected));
  if (!matches.includes(true)) {
    throw new WebhookSignatureError('no signature in webhook-signature matches.', { mismatch: true });
  }
};

/**
 * When the event happened: the body's `timestamp`, unless it is missing, not ISO-8601, or later
 * than the signed `webhook-timestamp` by more than the clock tolerance (an event from the future
 * would outrank every later one); then `webhook-timestamp` itself.
 */
export const standardEventTime = (body: unknown, request: WebhookRequest): string | undefined => {
  const header = isoTimeFromSeconds(Number(request.header('webhook-timestamp')));
  const own = canonicalIsoTime(pick(body, 'timestamp'));
  if (!header) return own;
  const latest = Date.parse(header) + TIMESTAMP_TOLERANCE_SECONDS * 1000;
  return own !== undefined && Date.parse(own) <= latest ? own : header;
};

const normalise: WebhookProvider['normalise'] = async ({ body, request }) => {
  const id = request.header('webhook-id')!;
  const occurredAt = standardEventTime(body, request);
  const type = asString(pick(body, 'type'));
  const data = pick(body, 'data');
  if (!type || typeof data !== 'object' || data === null) {
    throw new InvalidRequestError(
      'A standard webhook body is {"type", "timestamp", "data": {…}}.',
      type ? 'data' : 'type',
    );
  }
  const email = pick(data, 'email');
  const events: DraftEvent[] = [];
  switch (type) {
    case 'invite.requested':
      events.push({
        kind: 'invite',
        id,
        email: typeof email === 'string' ? email : '',
        emailPath: 'data.email',
        role: pick(data, 'role') as OrganizationRole | undefined,
        projects: pick(data, 'projects') as InviteProject[] | undefined,
        department: asString(pick(data, 'department')),
        occurredAt,
      });
      break;
    case 'invite.revoked':
      events.push({
        kind: 'revoke',
        id,
        email: typeof email === 'string' ? email : '',
        emailPath: 'data.email',
        occurredAt,
      });
      break;
    default:
      events.push({ kind: 'ignored', id, type, reason: 'not an event this endpoint acts on' });
  }
  return events;
};

export const standardProvider: WebhookProvider = {
  name: 'standard',
  developmentSecret: `whsec_${Buffer.from('local-dev-secret').toString('base64')}`,
  verify,
  normalise,
};
