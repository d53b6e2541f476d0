/**
 * WEBHOOK_DEPARTMENT_GROUPS (issue 25, item 1): the configuration is checked at load with a clear
 * configuration error; a department's groups go on the invite event, travel on the bulk message
 * as the `groups` attribute, and come back out of it (a message without it names no groups).
 */
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../lib/commons/errors';
import { ATTRIBUTE, decodeRecord, encodeInvite } from '../../lib/bulk/messages';
import { readWebhookConfig } from '../../lib/webhooks/config';
import { toInviteEvent } from '../../lib/webhooks/mapping';
import { sqsRecord } from '../support/sqs-records';

const configError = (value: string): ConfigurationError => {
  try {
    readWebhookConfig({ WEBHOOK_DEPARTMENT_GROUPS: value });
  } catch (error) {
    return error as ConfigurationError;
  }
  throw new Error(`${value} was accepted`);
};

describe('WEBHOOK_DEPARTMENT_GROUPS', () => {
  it('maps each department, lowercased and trimmed, to its group ids; unset or blank maps none', () => {
    const config = readWebhookConfig({
      WEBHOOK_DEPARTMENT_GROUPS: JSON.stringify({
        ' Engineering ': ['group_01J1F8ABCDXYZ', 'group_oncall'],
        Sales: [],
      }),
    });

    expect(config.departmentGroups).toEqual(
      new Map([
        ['engineering', ['group_01J1F8ABCDXYZ', 'group_oncall']],
        ['sales', []],
      ]),
    );
    expect(readWebhookConfig({}).departmentGroups.size).toBe(0);
    expect(readWebhookConfig({ WEBHOOK_DEPARTMENT_GROUPS: '  ' }).departmentGroups.size).toBe(0);
  });

  it.each([
    ['{"Engineering": ["group_eng"', /is not JSON/],
    ['["group_eng"]', /is not a JSON object/],
    ['{"Engineering": "group_eng"}', /"Engineering" is not a list of group ids/],
    ['{"Engineering": ["proj_web"]}', /"Engineering" lists "proj_web", not an OpenAI group id \(group_…\)/],
    ['{"Engineering": ["group eng"]}', /lists "group eng", not an OpenAI group id/],
    ['{"Engineering": ["group_"]}', /lists "group_", not an OpenAI group id/],
    ['{"Engineering": [42]}', /lists a number, not an OpenAI group id/],
    ['{"Engineering": [null]}', /lists a null, not an OpenAI group id/],
    ['{"Engineering": ["group_eng", "group_eng"]}', /"Engineering" lists a group twice/],
    [JSON.stringify({ Big: Array.from({ length: 101 }, (_, i) => `group_${i}`) }), /more than 100 groups/],
  ])('refuses %s with a configuration error that says what is wrong', (value, reason) => {
    const error = configError(value);

    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.code).toBe('configuration_error');
    expect(error.message).toMatch(/^Environment variable WEBHOOK_DEPARTMENT_GROUPS must be JSON/);
    expect(error.message).toMatch(reason);
  });
});

describe("a department's groups on the way to the worker", () => {
  const config = readWebhookConfig({
    WEBHOOK_DEPARTMENT_PROJECTS: '{"Engineering": [{"id": "proj_web", "role": "member"}]}',
    WEBHOOK_DEPARTMENT_GROUPS: '{"engineering": ["group_eng", "group_oncall"]}',
  });
  const draft = (department?: string) =>
    ({
      kind: 'invite',
      id: 'evt_1',
      email: 'ada@example.com',
      ...(department ? { department } : {}),
    }) as const;

  it("puts the department's groups on the invite event (case-insensitive), none for another or no department", () => {
    expect(toInviteEvent(draft('ENGINEERING'), 'bamboohr', config)).toMatchObject({
      kind: 'invite',
      role: 'reader',
      projects: [{ id: 'proj_web', role: 'member' }],
      groups: ['group_eng', 'group_oncall'],
    });
    expect(toInviteEvent(draft('Sales'), 'bamboohr', config)).not.toHaveProperty('groups');
    expect(toInviteEvent(draft(), 'bamboohr', config)).not.toHaveProperty('groups');
  });

  it('carries them as the `groups` attribute, outside the invite body, and reads them back', () => {
    const invite = { email: 'ada@example.com', role: 'reader' as const };
    const message = encodeInvite(invite, { jobId: 'j', source: 'bamboohr', index: 0, groups: ['group_eng'] });

    expect(JSON.parse(message.body)).toEqual(invite);
    expect(message.attributes![ATTRIBUTE.groups]).toBe('["group_eng"]');
    expect(decodeRecord(sqsRecord(message.body, { attributes: message.attributes }))).toMatchObject({
      kind: 'invite',
      request: invite,
      groups: ['group_eng'],
    });
    // An empty list is said explicitly (SQS refuses an empty attribute value).
    const none = encodeInvite(invite, { jobId: 'j', source: 'bamboohr', index: 0, groups: [] });
    expect(decodeRecord(sqsRecord(none.body, { attributes: none.attributes }))).toMatchObject({ groups: [] });
  });

  it('reads a message without the attribute (every message before it existed) as naming no groups', () => {
    const decoded = decodeRecord(sqsRecord({ email: 'ada@example.com', role: 'reader' }, { attributes: {} }));

    expect(decoded.kind).toBe('invite');
    expect(decoded).not.toHaveProperty('groups');
  });

  it.each(['group_eng', '["group eng"]', '{"0": "group_eng"}', '["group_a", "group_a"]'])(
    'dead-letters a message whose groups attribute is %s, never dropping the groups silently',
    (value) => {
      const decoded = decodeRecord(
        sqsRecord(
          { email: 'ada@example.com', role: 'reader' },
          { attributes: { [ATTRIBUTE.groups]: value } },
        ),
      );

      expect(decoded).toMatchObject({ kind: 'poison', code: 'invalid_groups', email: 'ada@example.com' });
    },
  );
});
