import { describe, expect, it } from 'vitest';
import { UpstreamMalformedResponseError } from '../../lib/openai/errors';
import { readInvite, readInviteDeleted, readInviteList } from '../../lib/openai/invite-shape';
import { thrownBy } from '../support/thrown';

const base = { id: 'invite-abc', email: 'ada@example.com', role: 'reader', status: 'pending' };

describe('readInvite', () => {
  it.each([
    ['created_at only (spec since 2025)', { created_at: 1_700_000_000 }],
    ['invited_at only (spec 2024-08..2025-06)', { invited_at: 1_700_000_000 }],
    ['both', { created_at: 1_700_000_000, invited_at: 1_700_000_000 }],
  ])('answers both timestamps from %s', (_shape, timestamps) => {
    const invite = readInvite({
      object: 'organization.invite',
      ...base,
      ...timestamps,
      expires_at: 1_700_600_000,
    });

    expect(invite).toMatchObject({
      created_at: 1_700_000_000,
      invited_at: 1_700_000_000,
      expires_at: 1_700_600_000,
    });
  });

  it('fills what OpenAI may leave out: object, null timestamps, projects as []', () => {
    const invite = readInvite({ ...base, created_at: 1 });

    expect(invite).toEqual({
      object: 'organization.invite',
      ...base,
      created_at: 1,
      invited_at: 1,
      expires_at: null,
      accepted_at: null,
      projects: [],
    });
  });

  it('keeps unknown fields and unknown statuses', () => {
    const invite = readInvite({
      ...base,
      status: 'revoked',
      created_at: 1,
      projects: null,
      added_later: { a: 1 },
    });

    expect(invite).toMatchObject({ status: 'revoked', added_later: { a: 1 }, projects: [] });
  });

  it.each([
    ['no id', { email: 'a@example.com', role: 'reader', status: 'pending', created_at: 1 }, 'invite.id'],
    ['no email', { id: 'invite-abc', role: 'reader', status: 'pending', created_at: 1 }, 'invite.email'],
    [
      'no status',
      { id: 'invite-abc', email: 'a@example.com', role: 'reader', created_at: 1 },
      'invite.status',
    ],
    ['another object', { object: 'organization.user', ...base, created_at: 1 }, 'invite.object'],
    ['neither timestamp', { ...base }, 'neither created_at nor invited_at'],
    [
      'a project without a role',
      { ...base, created_at: 1, projects: [{ id: 'proj_1' }] },
      'invite.projects.0.role',
    ],
    ['a timestamp as text', { ...base, created_at: '1700000000' }, 'invite.created_at'],
    ['a null object type', { ...base, object: null, created_at: 1 }, 'invite.object'],
    ['an array for a body', [base], 'unexpected invite.'],
  ])('refuses an invite with %s as a 502', (_case, body, detail) => {
    const error = thrownBy(() => readInvite(body, 'req_1'), UpstreamMalformedResponseError);

    expect(error).toMatchObject({ status: 502, upstreamRequestId: 'req_1' });
    expect(error.message).toContain(detail);
  });
});

describe('readInviteList', () => {
  it('reads each invite and fills first_id and last_id when OpenAI leaves them out', () => {
    const page = readInviteList({
      object: 'list',
      data: [
        { ...base, id: 'invite-1', invited_at: 5 },
        { ...base, id: 'invite-2', created_at: 6 },
      ],
      has_more: true,
    });

    expect(page).toMatchObject({ object: 'list', first_id: 'invite-1', last_id: 'invite-2', has_more: true });
    expect(page.data.map((invite) => [invite.created_at, invite.invited_at])).toEqual([
      [5, 5],
      [6, 6],
    ]);
  });

  it('names the bad item of a page', () => {
    const error = thrownBy(
      () => readInviteList({ object: 'list', data: [{ ...base }], has_more: false }),
      UpstreamMalformedResponseError,
    );

    expect(error.message).toContain('data.0');
  });

  it('refuses a page that does not say whether more follow', () => {
    expect(() => readInviteList({ object: 'list', data: [] })).toThrow(UpstreamMalformedResponseError);
  });
});

describe('readInviteDeleted', () => {
  it('reads the deletion, with or without object', () => {
    expect(readInviteDeleted({ id: 'invite-1', deleted: true })).toEqual({
      object: 'organization.invite.deleted',
      id: 'invite-1',
      deleted: true,
    });
  });
});
