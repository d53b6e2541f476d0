/**
 * Issue 29, item 7: a webhook cannot ask for more than WEBHOOK_MAX_ROLE (default reader) nor a
 * project role above WEBHOOK_MAX_PROJECT_ROLE (default member): such an event is refused, with
 * its reason in the receipt, and nothing is enqueued for it (test/integration/hr-webhook.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../lib/commons/errors';
import { readWebhookConfig } from '../../lib/webhooks/config';
import { DEFAULT_WEBHOOK_GRANT_LIMITS, webhookGrantRefusal } from '../../lib/webhooks/grant-limits';

const email = 'new.hire@example.com';

describe('webhookGrantRefusal (the one place the refusal is decided)', () => {
  it.each([
    [{ email, role: 'owner' }, /role owner is above WEBHOOK_MAX_ROLE \(reader\)/],
    [{ email, role: 'reader', projects: [{ id: 'proj_a', role: 'owner' }] }, /project role owner on proj_a/],
    [{ email, role: 'admin' }, /role admin is above/],
  ])('refuses %o by default', (invite, reason) => {
    expect(webhookGrantRefusal(invite as never, DEFAULT_WEBHOOK_GRANT_LIMITS)).toMatch(reason);
  });

  it('grants a reader with member projects, and an owner once WEBHOOK_MAX_ROLE says owner', () => {
    expect(
      webhookGrantRefusal(
        { email, role: 'reader', projects: [{ id: 'p', role: 'member' }] },
        DEFAULT_WEBHOOK_GRANT_LIMITS,
      ),
    ).toBeUndefined();
    expect(
      webhookGrantRefusal({ email, role: 'owner' }, { maxRole: 'owner', maxProjectRole: 'member' }),
    ).toBeUndefined();
  });
});

describe('the webhook configuration', () => {
  it('defaults to reader and member, and reads WEBHOOK_MAX_ROLE and WEBHOOK_MAX_PROJECT_ROLE', () => {
    expect(readWebhookConfig({}).grantLimits).toEqual({ maxRole: 'reader', maxProjectRole: 'member' });
    expect(
      readWebhookConfig({ WEBHOOK_MAX_ROLE: 'owner', WEBHOOK_MAX_PROJECT_ROLE: 'owner' }).grantLimits,
    ).toEqual({
      maxRole: 'owner',
      maxProjectRole: 'owner',
    });
  });

  it.each([
    [{ WEBHOOK_MAX_ROLE: 'admin' }],
    [{ WEBHOOK_DEFAULT_ROLE: 'owner' }],
    [{ WEBHOOK_DEPARTMENT_PROJECTS: '{"Eng": [{"id": "proj_eng", "role": "owner"}]}' }],
  ])('refuses %o: the operator’s own settings must fit the caps', (env) => {
    expect(() => readWebhookConfig(env)).toThrow(ConfigurationError);
  });
});
