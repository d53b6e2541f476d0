/** Signs webhook requests the way each HR system does, from the secret (test vectors computed here). */
import { createHmac } from 'node:crypto';

/** Obviously fake secrets for tests. */
export const TEST_WEBHOOK_SECRETS = {
  standard: `whsec_${Buffer.from('test-secret').toString('base64')}`,
  greenhouse: 'test-greenhouse-secret',
  okta: 'test-okta-secret',
  bamboohr: 'test-bamboohr-secret',
};

const nowSeconds = () => Math.floor(Date.now() / 1000);

export const standardHeaders = (
  body: string | Buffer,
  options: { secret?: string; id?: string; timestamp?: number } = {},
): Record<string, string> => {
  const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const timestamp = String(options.timestamp ?? nowSeconds());
  const key = Buffer.from((options.secret ?? TEST_WEBHOOK_SECRETS.standard).replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return {
    'Content-Type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
};

export const greenhouseHeaders = (
  body: string | Buffer,
  options: { secret?: string; eventId?: string } = {},
): Record<string, string> => ({
  'Content-Type': 'application/json',
  'Greenhouse-Event-ID': options.eventId ?? `gh-${Math.random().toString(36).slice(2)}`,
  Signature: `sha256 ${createHmac('sha256', options.secret ?? TEST_WEBHOOK_SECRETS.greenhouse)
    .update(body)
    .digest('hex')}`,
});

export const oktaHeaders = (options: { secret?: string } = {}): Record<string, string> => ({
  'Content-Type': 'application/json',
  Authorization: options.secret ?? TEST_WEBHOOK_SECRETS.okta,
});

export const bambooHrHeaders = (
  body: string | Buffer,
  options: { secret?: string; timestamp?: number } = {},
): Record<string, string> => {
  const timestamp = String(options.timestamp ?? nowSeconds());
  return {
    'Content-Type': 'application/json',
    'X-BambooHR-Timestamp': timestamp,
    'X-BambooHR-Signature': createHmac('sha256', options.secret ?? TEST_WEBHOOK_SECRETS.bamboohr)
      .update(body)
      .update(timestamp)
      .digest('hex'),
  };
};

export const standardEvent = (type: string, data: Record<string, unknown>): string =>
  JSON.stringify({ type, timestamp: new Date().toISOString(), data });

export const greenhouseEvent = (
  action: string,
  emails: { value: string; type: string }[],
  department = 'Engineering',
): string =>
  JSON.stringify({
    action,
    payload: {
      application: {
        id: 46194062,
        candidate: { id: 35897443, first_name: 'Johnny', last_name: 'Smith', email_addresses: emails },
        jobs: [{ id: 323753, name: 'Developer', departments: [{ id: 7, name: department }] }],
      },
    },
  });

export const oktaEvent = (events: { uuid: string; eventType: string; login: string }[]): string =>
  JSON.stringify({
    eventType: 'com.okta.event_hook',
    eventTypeVersion: '1.0',
    cloudEventsVersion: '0.1',
    eventId: 'b5a188b9-5ece-4636-b041-482ffda96311',
    data: {
      events: events.map(({ uuid, eventType, login }) => ({
        uuid,
        published: new Date().toISOString(),
        eventType,
        version: '0',
        severity: 'INFO',
        actor: { id: '00uadmin', type: 'User', alternateId: 'admin@example.com', displayName: 'Admin' },
        target: [{ id: '00unewuser', type: 'User', alternateId: login, displayName: 'New User' }],
      })),
    },
  });
