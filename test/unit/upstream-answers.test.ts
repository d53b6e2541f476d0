import { describe, expect, it } from 'vitest';
import { isAcceptedInviteAnswer, isAlreadyInvitedAnswer } from '../../lib/openai/upstream-answers';

describe('isAlreadyInvitedAnswer', () => {
  it.each([
    { status: 409 },
    { status: 400, code: 'invite_already_exists' },
    { status: 400, code: 'user_already_exists' },
    { status: 400, message: 'User is already invited to this organization.' },
    { status: 400, message: 'An invite for this user already exists' },
    { status: 400, message: 'user@example.com is already a member of this organization' },
  ])('recognises %j', (answer) => {
    expect(isAlreadyInvitedAnswer(answer)).toBe(true);
  });

  it.each([
    { status: 400, message: 'Invalid email.' },
    { status: 400, code: 'invalid_request' },
    { status: 422, message: 'already invited' },
    { status: 500, message: 'already exists' },
  ])('does not take %j for a duplicate', (answer) => {
    expect(isAlreadyInvitedAnswer(answer)).toBe(false);
  });
});

describe('isAcceptedInviteAnswer', () => {
  it.each([
    { status: 400, message: 'Cannot delete an invite that has already been accepted.' },
    { status: 409, code: 'invite_already_accepted' },
  ])('recognises %j', (answer) => {
    expect(isAcceptedInviteAnswer(answer)).toBe(true);
  });

  it.each([
    { status: 400, message: 'Operation not permitted.' },
    { status: 404, message: 'accepted' },
  ])('does not take %j for an accepted invite', (answer) => {
    expect(isAcceptedInviteAnswer(answer)).toBe(false);
  });
});
