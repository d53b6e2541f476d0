import { describe, expect, it } from 'vitest';
import {
  isAcceptedInviteAnswer,
  isAlreadyInvitedAnswer,
  MAX_RECOGNISED_MESSAGE_LENGTH,
} from '../../lib/openai/upstream-answers';

describe('isAlreadyInvitedAnswer', () => {
  // Each rule: the exact answer it recognises, then a near miss it must not.
  it.each([
    ['a known code on a 409', { status: 409, code: 'invite_already_exists' }],
    ['a known code on a 400', { status: 400, code: 'user_already_exists' }],
    [
      '"An invite … already exists"',
      { status: 409, message: 'An invite for this email address already exists.' },
    ],
    [
      '"An invite for this user already exists"',
      { status: 400, message: 'An invite for this user already exists' },
    ],
    ['"User is already invited."', { status: 400, message: 'User is already invited.' }],
    [
      '"… already invited to this organization"',
      { status: 400, message: 'User is already invited to this organization.' },
    ],
    [
      'an email "is already a member"',
      { status: 400, message: 'user@example.com is already a member of this organization' },
    ],
    ['"User is already a member"', { status: 400, message: 'User is already a member of the organization.' }],
    [
      '"already a pending invite for"',
      { status: 400, message: 'There is already a pending invite for this email address.' },
    ],
  ])('recognises %s', (_rule, answer) => {
    expect(isAlreadyInvitedAnswer(answer)).toBe(true);
  });

  it.each([
    ['a bare 409 with no code or message', { status: 409 }],
    ['an unknown code', { status: 409, code: 'conflict' }],
    [
      'the pending-invites quota',
      { status: 400, message: 'You have reached the maximum number of pending invites.' },
    ],
    ['a project that already exists', { status: 400, message: 'Project proj_1 already exists.' }],
    [
      '"already exists" inside a longer message',
      {
        status: 400,
        message: 'An invite for this email address already exists in another organization, contact support.',
      },
    ],
    [
      '"already a member" of a project',
      { status: 400, message: 'User is already a member of project proj_1.' },
    ],
    ['a known message on a 422', { status: 422, message: 'User is already invited.' }],
    ['a known code on a 500', { status: 500, code: 'invite_already_exists' }],
    ['a plain validation error', { status: 400, message: 'Invalid email.' }],
  ])('does not take %s for a duplicate', (_rule, answer) => {
    expect(isAlreadyInvitedAnswer(answer)).toBe(false);
  });
});

describe('isAcceptedInviteAnswer', () => {
  it.each([
    ['the known code', { status: 409, code: 'invite_already_accepted' }],
    [
      '"Cannot delete an invite that has already been accepted."',
      { status: 400, message: 'Cannot delete an invite that has already been accepted.' },
    ],
    ['"Invite already accepted"', { status: 400, message: 'Invite already accepted' }],
  ])('recognises %s', (_rule, answer) => {
    expect(isAcceptedInviteAnswer(answer)).toBe(true);
  });

  it.each([
    ['an unrelated refusal', { status: 400, message: 'Operation not permitted.' }],
    ['"accepted" on a 404', { status: 404, message: 'Invite already accepted' }],
    ['"not accepted"', { status: 400, message: 'Cannot delete an invite that has not been accepted yet.' }],
    [
      'terms that must be accepted',
      { status: 400, message: 'The terms of service have already been accepted by another owner.' },
    ],
  ])('does not take %s for an accepted invite', (_rule, answer) => {
    expect(isAcceptedInviteAnswer(answer)).toBe(false);
  });
});

describe('the recognisers on long upstream text (issue 29, item 8)', () => {
  const elapsed = (read: () => unknown): number => {
    const started = performance.now();
    read();
    return performance.now() - started;
  };

  it.each([
    ['spaces and at-signs', 'User ' + 'a@'.repeat(50_000)],
    ['one long address', 'User ' + 'a'.repeat(49_990) + '@' + 'b'.repeat(49_990) + ' is already invited'],
    ['words around addresses', 'an invite for the user ' + 'x@y '.repeat(25_000)],
  ])('reads a 100,000-character message (%s) in under 50 ms, and recognises nothing', (_case, text) => {
    const message = text.padEnd(100_000, ' x@y');
    expect(message.length).toBeGreaterThanOrEqual(100_000);

    for (const recognise of [isAlreadyInvitedAnswer, isAcceptedInviteAnswer]) {
      let recognised = true;
      const ms = elapsed(() => (recognised = recognise({ status: 409, message })));
      expect(ms).toBeLessThan(50);
      expect(recognised).toBe(false);
    }
  });

  it('stays fast on the longest message it reads, and still recognises a long address', () => {
    const local = 'a'.repeat(200);
    const adversarial = ('User ' + 'a@'.repeat(MAX_RECOGNISED_MESSAGE_LENGTH)).slice(
      0,
      MAX_RECOGNISED_MESSAGE_LENGTH,
    );

    expect(elapsed(() => isAlreadyInvitedAnswer({ status: 409, message: adversarial }))).toBeLessThan(5);
    expect(
      isAlreadyInvitedAnswer({ status: 409, message: `User ${local}@example.com is already invited.` }),
    ).toBe(true);
    expect(isAlreadyInvitedAnswer({ status: 409, message: 'User a@b@c is already invited.' })).toBe(false);
  });
});
