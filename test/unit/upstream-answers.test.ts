import { describe, expect, it } from 'vitest';
import { isAcceptedInviteAnswer, isAlreadyInvitedAnswer } from '../../lib/openai/upstream-answers';

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
