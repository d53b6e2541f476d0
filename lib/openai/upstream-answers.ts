/**
 * How OpenAI says "already invited" and "accepted, cannot delete": the ONE place to correct
 * when we learn the real answers.
 *
 * OpenAI's spec declares no error responses for the invite endpoints (see DESIGN.md, "Upstream
 * facts"). Until we know better we recognise them by status plus the error's code or message.
 */

/** The part of an upstream error answer that the recognisers read. */
export interface UpstreamErrorAnswer {
  status: number;
  code?: string | null;
  message?: string;
}

const ALREADY_EXISTS_CODES = new Set([
  'invite_already_exists',
  'user_already_exists',
  'already_invited',
  'duplicate_invite',
]);
const ALREADY_EXISTS_MESSAGE =
  /already (been )?(invited|exists?|a member|in (the|this) organi[sz]ation)|(invite|user) already exists|pending invite/i;

const ACCEPTED_CODES = new Set(['invite_already_accepted', 'invite_accepted']);
const ACCEPTED_MESSAGE = /(already )?accepted/i;

/**
 * A create was refused because the email already has a pending invite, or the user already
 * belongs to the organization: 409, or a 400 whose code or message says so.
 */
export const isAlreadyInvitedAnswer = ({ status, code, message }: UpstreamErrorAnswer): boolean => {
  if (status === 409) return true;
  if (status !== 400) return false;
  return (code != null && ALREADY_EXISTS_CODES.has(code)) || ALREADY_EXISTS_MESSAGE.test(message ?? '');
};

/** A delete was refused because the invite has been accepted: a 400 or 409 saying so. */
export const isAcceptedInviteAnswer = ({ status, code, message }: UpstreamErrorAnswer): boolean => {
  if (status !== 400 && status !== 409) return false;
  return (code != null && ACCEPTED_CODES.has(code)) || ACCEPTED_MESSAGE.test(message ?? '');
};
