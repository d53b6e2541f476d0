/** OpenAI's undocumented access answers (lib/openai/upstream-answers.ts): each rule and a near miss. */
import { describe, expect, it } from 'vitest';
import {
  isAlreadyMemberAnswer,
  isArchivedProjectAnswer,
  isNotAMemberAnswer,
} from '../../lib/openai/upstream-answers';

describe('isNotAMemberAnswer', () => {
  it.each([
    ['the reported project answer', { status: 400, message: 'User user-abc is not a member of proj_abc.' }],
    ['a group', { status: 400, message: 'User user_abc is not a member of group_01J1F8.' }],
    ['"not in this project" on a 404', { status: 404, message: 'The user is not in this project' }],
  ])('recognises %s', (_name, answer) => expect(isNotAMemberAnswer(answer)).toBe(true));

  it.each([
    [
      'the organization (a member removal, not a project)',
      { status: 400, message: 'User is not a member of the organization.' },
    ],
    [
      'a longer sentence',
      { status: 400, message: 'User user-abc is not a member of proj_abc, ask an owner.' },
    ],
    ['a 500', { status: 500, message: 'User user-abc is not a member of proj_abc.' }],
  ])('does not take %s', (_name, answer) => expect(isNotAMemberAnswer(answer)).toBe(false));
});

describe('isAlreadyMemberAnswer', () => {
  it.each([
    ['a project', { status: 400, message: 'User user-abc is already a member of proj_abc.' }],
    ['"this group"', { status: 409, message: 'User is already a member of this group' }],
  ])('recognises %s', (_name, answer) => expect(isAlreadyMemberAnswer(answer)).toBe(true));

  it.each([
    // The invite's "already a member of this organization" is "already invited", not this.
    ['the organization', { status: 400, message: 'User is already a member of this organization.' }],
    ['a 404', { status: 404, message: 'User user-abc is already a member of proj_abc.' }],
  ])('does not take %s', (_name, answer) => expect(isAlreadyMemberAnswer(answer)).toBe(false));
});

describe('isArchivedProjectAnswer', () => {
  it('recognises a 400 saying the project is archived', () => {
    expect(isArchivedProjectAnswer({ status: 400, message: 'Project proj_abc is archived.' })).toBe(true);
  });

  it('does not take another status or a sentence about something else', () => {
    expect(isArchivedProjectAnswer({ status: 404, message: 'Project proj_abc is archived.' })).toBe(false);
    expect(isArchivedProjectAnswer({ status: 400, message: 'Project proj_abc is archived soon.' })).toBe(
      false,
    );
  });
});
