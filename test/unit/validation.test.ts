import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../lib/http/errors';
import {
  parseEmailParameter,
  parseInviteId,
  parseInviteRequest,
  parseListParams,
} from '../../lib/http/validation';
import { thrownBy } from '../support/thrown';

const rejection = (act: () => unknown): InvalidRequestError => thrownBy(act, InvalidRequestError);

describe('parseInviteRequest', () => {
  it('accepts a full request and trims the email', () => {
    const request = parseInviteRequest({
      email: '  ada@example.com ',
      role: 'owner',
      projects: [
        { id: 'proj_abc', role: 'member' },
        { id: 'proj-def', role: 'owner' },
      ],
    });

    expect(request).toEqual({
      email: 'ada@example.com',
      role: 'owner',
      projects: [
        { id: 'proj_abc', role: 'member' },
        { id: 'proj-def', role: 'owner' },
      ],
    });
  });

  it('keeps an empty projects list (no project at all) apart from an omitted one', () => {
    expect(parseInviteRequest({ email: 'a@example.com', role: 'reader', projects: [] })).toHaveProperty(
      'projects',
      [],
    );
    expect(parseInviteRequest({ email: 'a@example.com', role: 'reader' })).not.toHaveProperty('projects');
  });

  it.each([
    ['a body that is not an object', [], null, /JSON object/],
    ['a missing email', { role: 'reader' }, 'email', /Missing required parameter: 'email'/],
    ['a missing role', { email: 'a@example.com' }, 'role', /Missing required parameter: 'role'/],
    ['an email that is not a string', { email: 42, role: 'reader' }, 'email', /expected a string/],
    ['an email without @', { email: 'ada.example.com', role: 'reader' }, 'email', /not a valid email/],
    [
      'an email with spaces inside',
      { email: 'ada lovelace@example.com', role: 'reader' },
      'email',
      /not a valid email/,
    ],
    [
      'an email over 254 characters',
      { email: `${'a'.repeat(60)}@${'b'.repeat(200)}.com`, role: 'reader' },
      'email',
      /at most 254/,
    ],
    [
      'a local part over 64 characters',
      { email: `${'a'.repeat(65)}@example.com`, role: 'reader' },
      'email',
      /before @/,
    ],
    ['an unknown role', { email: 'a@example.com', role: 'admin' }, 'role', /'reader', 'owner'/],
    [
      'projects that is not an array',
      { email: 'a@example.com', role: 'reader', projects: {} },
      'projects',
      /array/,
    ],
    [
      'a project without id',
      { email: 'a@example.com', role: 'reader', projects: [{ role: 'member' }] },
      'projects[0].id',
      /Missing/,
    ],
    [
      'a project role that is not allowed',
      { email: 'a@example.com', role: 'reader', projects: [{ id: 'p1', role: 'reader' }] },
      'projects[0].role',
      /'member', 'owner'/,
    ],
    [
      'a project id with a slash',
      { email: 'a@example.com', role: 'reader', projects: [{ id: 'p/1', role: 'member' }] },
      'projects[0].id',
      /letters, digits/,
    ],
    [
      'an empty project id',
      { email: 'a@example.com', role: 'reader', projects: [{ id: '', role: 'member' }] },
      'projects[0].id',
      /must not be empty/,
    ],
    [
      'an unknown field in a project',
      { email: 'a@example.com', role: 'reader', projects: [{ id: 'p1', role: 'member', x: 1 }] },
      'projects[0].x',
      /Unrecognized/,
    ],
    [
      'an unknown top-level field',
      { email: 'a@example.com', role: 'reader', name: 'Ada' },
      'name',
      /Unrecognized request argument supplied: name/,
    ],
    [
      'too many projects',
      {
        email: 'a@example.com',
        role: 'reader',
        projects: Array.from({ length: 101 }, (_, n) => ({ id: `p${n}`, role: 'member' })),
      },
      'projects',
      /at most 100 items/,
    ],
    [
      'a project listed twice',
      {
        email: 'a@example.com',
        role: 'reader',
        projects: [
          { id: 'p1', role: 'member' },
          { id: 'p1', role: 'owner' },
        ],
      },
      'projects[1].id',
      /twice/,
    ],
  ])('refuses %s, naming the field', (_case, body, param, message) => {
    const error = rejection(() => parseInviteRequest(body));

    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param });
    expect(error.message).toMatch(message);
  });
});

describe('parseListParams', () => {
  it('reads limit and after', () => {
    expect(parseListParams({ limit: '100', after: 'invite-abc' })).toEqual({
      limit: 100,
      after: 'invite-abc',
    });
    expect(parseListParams(null)).toEqual({});
  });

  it('refuses a query parameter it does not read, naming it (a filter it does not have)', () => {
    expect(rejection(() => parseListParams({ status: 'pending', limit: '5' }))).toMatchObject({
      status: 400,
      param: 'status',
      code: 'unknown_parameter',
      message: "Unknown query parameter 'status': this route reads only 'limit', 'after'.",
    });
  });

  it.each(['0', '101', '-1', '1.5', 'ten', '', ' 5', '1e2', '0010'])('refuses limit=%j', (limit) => {
    expect(rejection(() => parseListParams({ limit }))).toMatchObject({ status: 400, param: 'limit' });
  });

  it.each(['', 'a'.repeat(129), 'invite abc', 'invite/abc', 'ïnvite'])('refuses after=%j', (after) => {
    expect(rejection(() => parseListParams({ after }))).toMatchObject({ status: 400, param: 'after' });
  });
});

describe('parseInviteId', () => {
  it('accepts an id of letters, digits, - and _', () => {
    expect(parseInviteId('invite-AbC_123')).toBe('invite-AbC_123');
  });

  it.each([undefined, null, '', 'a'.repeat(129), 'invite abc', 'invite%2Fabc', '../etc'])(
    'refuses %j',
    (id) => {
      expect(rejection(() => parseInviteId(id))).toMatchObject({ status: 400, param: 'invite_id' });
    },
  );
});

describe('parseEmailParameter', () => {
  it('accepts an email as it came, or with @ percent-encoded, trimmed', () => {
    expect(parseEmailParameter('Ada@Example.com')).toBe('Ada@Example.com');
    expect(parseEmailParameter('ada%40example.com')).toBe('ada@example.com');
    expect(parseEmailParameter(' ada@example.com ')).toBe('ada@example.com');
    expect(parseEmailParameter('ada%2Bteam%40example.com')).toBe('ada+team@example.com');
  });

  it.each([
    undefined,
    null,
    '',
    'ada',
    'ada%40',
    '%E0%A4%A',
    `${'a'.repeat(65)}@example.com`,
    `a@${'b'.repeat(250)}.com`,
  ])('refuses %j with param email', (raw) => {
    expect(rejection(() => parseEmailParameter(raw))).toMatchObject({
      status: 400,
      param: 'email',
      code: 'invalid_request',
    });
  });
});
