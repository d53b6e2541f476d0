/**
 * Provider `okta` (Okta event hooks, developer.okta.com/docs/concepts/event-hooks).
 * Okta sends the secret configured as the hook's "Authentication secret" in the header named
 * by "Authentication field", which must be `Authorization`; it is compared in constant time.
 * - One-time verification: GET with `X-Okta-Verification-Challenge`, answered
 *   `{"verification": <that value>}` once the Authorization header matches.
 * - Events: POST, body `{"eventType": "com.okta.event_hook", "data": {"events": [...]}}`; each
 *   event has its own `uuid` (the dedupe key) and `eventType`:
 *   `user.lifecycle.create` → invite, `user.lifecycle.deactivate` → revoke; the email is the
 *   `alternateId` (the login) of the event's `target[]` entry of `type: "User"`; its time is the
 *   event's own `published` (a System Log event's time), else the hook's `eventTime`: both in the
 *   body the shared secret authenticates.
 *   Any other event type is acknowledged and ignored.
 */
import { canonicalIsoTime } from '../../commons/iso-time';
import { InvalidRequestError } from '../../http/errors';
import { WebhookSignatureError } from '../errors';
import { constantTimeEqualText } from '../signatures';
import { asString, type DraftEvent, pick, type WebhookProvider, type WebhookRequest } from '../types';

const MAX_CHALLENGE_LENGTH = 1024;

const verify = (request: WebhookRequest, secret: string): void => {
  const authorization = request.header('authorization');
  if (!authorization) throw new WebhookSignatureError('header Authorization is required.');
  if (!constantTimeEqualText(authorization.trim(), secret.trim())) {
    throw new WebhookSignatureError('the Authorization header does not match the shared secret.', {
      mismatch: true,
    });
  }
};

const challenge = (request: WebhookRequest): unknown => {
  const value = request.header('x-okta-verification-challenge');
  if (!value || value.length > MAX_CHALLENGE_LENGTH) {
    throw new InvalidRequestError(
      'GET is only for Okta’s one-time verification: header X-Okta-Verification-Challenge is required.',
      'X-Okta-Verification-Challenge',
    );
  }
  return { verification: value };
};

const targetUserLogin = (event: unknown): string => {
  const targets = pick(event, 'target');
  const user = Array.isArray(targets)
    ? targets.find((target) => asString(pick(target, 'type'))?.toLowerCase() === 'user')
    : undefined;
  return asString(pick(user, 'alternateId')) ?? asString(pick(user, 'login')) ?? '';
};

const normalise: WebhookProvider['normalise'] = async ({ body }) => {
  const events = pick(body, 'data', 'events');
  if (!Array.isArray(events)) {
    throw new InvalidRequestError('An Okta event hook body has "data": {"events": [...]}.', 'data.events');
  }
  return events.map((event, index): DraftEvent => {
    const id = asString(pick(event, 'uuid'))?.slice(0, 128) ?? '';
    if (!id) throw new InvalidRequestError('Every Okta event has a "uuid".', `data.events[${index}].uuid`);
    const type = asString(pick(event, 'eventType')) ?? 'unknown';
    const emailPath = `data.events[${index}].target[type=User].alternateId`;
    const occurredAt =
      canonicalIsoTime(pick(event, 'published')) ?? canonicalIsoTime(pick(body, 'eventTime'));
    if (type === 'user.lifecycle.create')
      return { kind: 'invite', id, email: targetUserLogin(event), emailPath, occurredAt };
    if (type === 'user.lifecycle.deactivate')
      return { kind: 'revoke', id, email: targetUserLogin(event), emailPath, occurredAt };
    return { kind: 'ignored', id, type, reason: 'not an event type this endpoint acts on' };
  });
};

export const oktaProvider: WebhookProvider = {
  name: 'okta',
  developmentSecret: 'local-dev-okta-secret',
  verify,
  normalise,
  challenge,
};
