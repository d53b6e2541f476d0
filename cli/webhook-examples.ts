/**
 * One example delivery per HR provider, in the vendor's own payload shape, signed the way its
 * verifier (lib/webhooks/providers/*) checks it. `webhook-example` prints them as curl commands;
 * the README's HR section quotes the same payloads and the `emailPath` each provider reads.
 */
import { randomUUID } from 'node:crypto';
import { standardSigningKey } from '../lib/webhooks/providers/standard';
import { hmacSha256 } from '../lib/webhooks/signatures';
import type { ProviderName } from '../lib/webhooks/types';

export type ExampleEvent = 'invite' | 'revoke';

export interface ExampleInput {
  event: ExampleEvent;
  email: string;
  /** Milliseconds; the signatures of `standard` and `bamboohr` hold for ±5 minutes around it. */
  now: number;
  /** Makes the delivery's id unique, so that a second run is not answered "duplicate". */
  nonce: string;
}

export interface ProviderExample {
  /** Where the provider reads the email, as a JSON path (the README's "fields read"). */
  emailPath: Record<ExampleEvent, string>;
  payload(input: ExampleInput): unknown;
  headers(body: string, secret: string, input: ExampleInput): Record<string, string>;
}

const seconds = (ms: number) => String(Math.floor(ms / 1000));

const standard: ProviderExample = {
  emailPath: { invite: 'data.email', revoke: 'data.email' },
  payload: ({ event, email, now }) =>
    event === 'invite'
      ? { type: 'invite.requested', timestamp: new Date(now).toISOString(), data: { email, role: 'reader' } }
      : { type: 'invite.revoked', timestamp: new Date(now).toISOString(), data: { email } },
  headers: (body, secret, { now, nonce }) => {
    const id = `msg_${nonce}`;
    const signature = hmacSha256(standardSigningKey(secret), `${id}.${seconds(now)}.`, body).toString(
      'base64',
    );
    return { 'webhook-id': id, 'webhook-timestamp': seconds(now), 'webhook-signature': `v1,${signature}` };
  },
};

/** Greenhouse's hire_candidate / unhire_candidate web hooks (trimmed to what identifies a hire). */
const greenhouse: ProviderExample = {
  emailPath: {
    invite: 'payload.application.candidate.email_addresses[type=work].value',
    revoke: 'payload.application.candidate.email_addresses[type=work].value',
  },
  payload: ({ event, email }) => ({
    action: event === 'invite' ? 'hire_candidate' : 'unhire_candidate',
    payload: {
      application: {
        id: 46194062,
        status: event === 'invite' ? 'hired' : 'active',
        candidate: {
          id: 35897443,
          first_name: 'Ada',
          last_name: 'Lovelace',
          email_addresses: [{ value: email, type: 'work' }],
        },
        jobs: [{ id: 323753, name: 'Engineer', departments: [{ id: 7, name: 'Engineering' }] }],
      },
    },
  }),
  headers: (body, secret, { nonce }) => ({
    'Greenhouse-Event-ID': `gh-${nonce}`,
    Signature: `sha256 ${hmacSha256(secret, body).toString('hex')}`,
  }),
};

/** Okta's event hook envelope with one user.lifecycle.create / .deactivate event. */
const okta: ProviderExample = {
  emailPath: {
    invite: 'data.events[0].target[type=User].alternateId',
    revoke: 'data.events[0].target[type=User].alternateId',
  },
  payload: ({ event, email, now, nonce }) => ({
    eventType: 'com.okta.event_hook',
    eventTypeVersion: '1.0',
    cloudEventsVersion: '0.1',
    source: 'https://example.okta.com/api/v1/eventHooks/whoexample',
    eventId: randomUUID(),
    eventTime: new Date(now).toISOString(),
    contentType: 'application/json',
    data: {
      events: [
        {
          uuid: `okta-${nonce}`,
          published: new Date(now).toISOString(),
          eventType: event === 'invite' ? 'user.lifecycle.create' : 'user.lifecycle.deactivate',
          version: '0',
          severity: 'INFO',
          displayMessage: event === 'invite' ? 'Create Okta user' : 'Deactivate Okta user',
          actor: { id: '00uadmin', type: 'User', alternateId: 'admin@example.com', displayName: 'Admin' },
          target: [{ id: '00unewhire', type: 'User', alternateId: email, displayName: 'Ada Lovelace' }],
        },
      ],
    },
  }),
  headers: (_body, secret) => ({ Authorization: secret }),
};

/**
 * BambooHR's field-based (global) webhook posting Work Email, Department and Status, so no
 * BambooHR API key is needed: an event-based payload carries only the employee id, which the
 * function looks up through BambooHR's API (the secret's `bamboohrApi`).
 */
const bamboohr: ProviderExample = {
  emailPath: { invite: 'employees[0].fields["Work Email"]', revoke: 'employees[0].fields["Work Email"]' },
  payload: ({ event, email, now }) => ({
    employees: [
      {
        id: '40123',
        action: event === 'invite' ? 'Created' : 'Updated',
        timestamp: new Date(now).toISOString(),
        changedFields: event === 'invite' ? ['Work Email', 'Department'] : ['Status'],
        fields: {
          'Work Email': email,
          Department: 'Engineering',
          Status: event === 'invite' ? 'Active' : 'Inactive',
        },
      },
    ],
  }),
  headers: (body, secret, { now }) => ({
    'X-BambooHR-Timestamp': seconds(now),
    'X-BambooHR-Signature': hmacSha256(secret, body, seconds(now)).toString('hex'),
  }),
};

export const PROVIDER_EXAMPLES: Record<ProviderName, ProviderExample> = {
  standard,
  greenhouse,
  okta,
  bamboohr,
};
