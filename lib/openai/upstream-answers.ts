/**
 * How OpenAI says "already invited" and "accepted, cannot delete": the ONE place to correct
 * when we learn the real answers.
 *
 * OpenAI's spec declares no error responses for the invite endpoints (see DESIGN.md, "Upstream
 * facts"). We recognise them by exact codes, or by messages matched as a whole (anchored), never
 * by a phrase found anywhere: "You have reached the maximum number of pending invites" mentions
 * pending invites and is no duplicate. An answer no rule names is passed on as the error it is.
 * Each rule has a test with the answer it recognises and a near miss it must not.
 */

/** The part of an upstream error answer that the recognisers read. */
export interface UpstreamErrorAnswer {
  status: number;
  code?: string | null;
  message?: string;
}

/** Statuses a refusal of this kind can come with. */
const REFUSAL_STATUSES = new Set([400, 409]);

const ALREADY_INVITED_CODES = new Set([
  'invite_already_exists',
  'user_already_exists',
  'already_invited',
  'duplicate_invite',
]);

/**
 * One address: no whitespace and exactly one `@`, so the engine has a single way to split a
 * message around it (`\S+@\S+` had many, and took seconds on a long message).
 */
const EMAIL = String.raw`[^\s@]+@[^\s@]+`;

/**
 * The longest message a rule reads: every known answer is one sentence with at most one address
 * (≤ 254 characters). A longer message is no answer we know, whatever it contains, and is never
 * scanned.
 */
export const MAX_RECOGNISED_MESSAGE_LENGTH = 512;
const ORGANIZATION = String.raw`(this|the|your) organi[sz]ation`;
/** Whole messages; a trailing period is optional. */
const ALREADY_INVITED_MESSAGES: RegExp[] = [
  // "An invite for this email address already exists." / "An invite for this user already exists"
  new RegExp(
    String.raw`^an invite for (this|that|the) (email( address)?|user)( ${EMAIL})? already exists\.?$`,
    'i',
  ),
  // "User is already invited." / "User is already invited to this organization."
  new RegExp(
    String.raw`^(the )?user( ${EMAIL})? (is|has) already (been )?invited( to ${ORGANIZATION})?\.?$`,
    'i',
  ),
  // "ada@example.com is already a member of this organization" / "User is already a member of …"
  new RegExp(
    String.raw`^((the )?user( ${EMAIL})? |${EMAIL} )is already a member of ${ORGANIZATION}\.?$`,
    'i',
  ),
  // "There is already a pending invite for this email address."
  new RegExp(String.raw`^there is already a pending invite for (this email( address)?|${EMAIL})\.?$`, 'i'),
];

const ACCEPTED_CODES = new Set(['invite_already_accepted', 'invite_accepted']);
const ACCEPTED_MESSAGES: RegExp[] = [
  // "Cannot delete an invite that has already been accepted." (users report "already accepted")
  /^(cannot|can't|unable to) (delete|revoke) (an|the|this) invite (that|which) (has )?already (been )?accepted\.?$/i,
  /^(the )?invite (has )?already (been )?accepted\.?$/i,
];

const matchesAny = (patterns: RegExp[], message: string | undefined): boolean => {
  if (message === undefined || message.length > MAX_RECOGNISED_MESSAGE_LENGTH) return false;
  const text = message.trim();
  return patterns.some((pattern) => pattern.test(text));
};

/**
 * A create was refused because the email already has an invite, or the user already belongs to
 * the organization: a 400 or 409 with one of the known codes or messages.
 */
export const isAlreadyInvitedAnswer = ({ status, code, message }: UpstreamErrorAnswer): boolean =>
  REFUSAL_STATUSES.has(status) &&
  ((code != null && ALREADY_INVITED_CODES.has(code)) || matchesAny(ALREADY_INVITED_MESSAGES, message));

/** A delete was refused because the invite has been accepted: a 400 or 409 saying so. */
export const isAcceptedInviteAnswer = ({ status, code, message }: UpstreamErrorAnswer): boolean =>
  REFUSAL_STATUSES.has(status) &&
  ((code != null && ACCEPTED_CODES.has(code)) || matchesAny(ACCEPTED_MESSAGES, message));

// ---- access (groups, project users): lib/access/ ----

/** "User user_abc is not a member of proj_abc." (reported; DESIGN.md): a removal already done. */
const NOT_A_MEMBER_MESSAGES: RegExp[] = [
  /^(the )?user( [\w-]+)? is not (a member of|in) (the |this )?(project|group)( [\w-]+)?\.?$/i,
  /^(the )?user( [\w-]+)? is not a member of [\w-]+\.?$/i,
];
/** "User is already a member of this project." / "… of group_abc": an add already done. */
const ALREADY_MEMBER_MESSAGES: RegExp[] = [
  /^(the )?user( [\w-]+)? is already (a member of|in) (the |this )?(project|group)( [\w-]+)?\.?$/i,
  /^(the )?user( [\w-]+)? is already a member of [\w-]+\.?$/i,
];
/** "Project proj_abc is archived." (the spec documents a 400 "when project is archived"). */
const ARCHIVED_MESSAGES: RegExp[] = [/^(the )?project( [\w-]+)? (is|has been) archived\.?$/i];

/** A removal from a project or group answered "not a member": counts as done. */
export const isNotAMemberAnswer = ({ status, message }: UpstreamErrorAnswer): boolean =>
  (status === 400 || status === 404 || status === 409) && matchesAny(NOT_A_MEMBER_MESSAGES, message);

/** An add to a project or group answered "already a member": counts as done. */
export const isAlreadyMemberAnswer = ({ status, message }: UpstreamErrorAnswer): boolean =>
  REFUSAL_STATUSES.has(status) && matchesAny(ALREADY_MEMBER_MESSAGES, message);

/** A project call refused because the project is archived: reported, never retried. */
export const isArchivedProjectAnswer = ({ status, message }: UpstreamErrorAnswer): boolean =>
  status === 400 && matchesAny(ARCHIVED_MESSAGES, message);
