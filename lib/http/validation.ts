/**
 * What a caller may send, checked before anything reaches OpenAI.
 *
 * zod/mini keeps the bundle small (docs/architecture.md, "Measured choices"); its issues are turned into one
 * `InvalidRequestError` whose `param` names the first offending field, as OpenAI does.
 */
import * as z from 'zod/mini';
import { lazy } from '../commons/lazy';
import { InvalidRequestError } from './errors';
import type { InviteRequest, ListInvitesParams } from '../openai/types';
import { REPLACE_PENDING_HEADER } from '../openai/errors';

/** RFC 5321 caps a forward path at 254 characters and a local part at 64. */
export const MAX_EMAIL_LENGTH = 254;
const MAX_EMAIL_LOCAL_PART_LENGTH = 64;
export const MAX_PROJECTS_PER_INVITE = 100;
/** Invite and project ids are short slugs such as `invite-abc` or `proj_abc123`. */
export const MAX_ID_LENGTH = 128;
const ID_PATTERN = /^[A-Za-z0-9_-]+$/;
export const MIN_LIST_LIMIT = 1;
export const MAX_LIST_LIMIT = 100;

/** Whether `value` is an invite or project id: plain code, so the routes that only read ids carry no zod. */
const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= MAX_ID_LENGTH && ID_PATTERN.test(value);

/**
 * An invite request's schema, built on first use (lib/commons/lazy.ts): of the functions that
 * bundle it, most invocations never validate a request.
 */
/** An email address as invites take it (trimmed; RFC 5321's lengths), built on first use. */
const emailSchema = /* @__PURE__ */ lazy(() =>
  z.pipe(
    z.string().check(z.trim()),
    z.string().check(
      z.maxLength(MAX_EMAIL_LENGTH),
      z.email(),
      z.refine((value) => value.split('@')[0]!.length <= MAX_EMAIL_LOCAL_PART_LENGTH, {
        message: `the part before @ must be at most ${MAX_EMAIL_LOCAL_PART_LENGTH} characters`,
      }),
    ),
  ),
);

const inviteRequestSchema = /* @__PURE__ */ lazy(() => {
  const id = z.string().check(z.minLength(1), z.maxLength(MAX_ID_LENGTH), z.regex(ID_PATTERN));
  const email = emailSchema();
  const project = z.strictObject({ id, role: z.enum(['member', 'owner']) });
  return z.strictObject({
    email,
    role: z.enum(['reader', 'owner']),
    projects: z.optional(z.array(project).check(z.maxLength(MAX_PROJECTS_PER_INVITE))),
  });
});

/** `projects[2].role` for the path `['projects', 2, 'role']`. */
const paramName = (path: readonly PropertyKey[]): string | null =>
  path.length === 0
    ? null
    : path
        .map((key, index) =>
          typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`,
        )
        .join('');

/** The value at `path` in the input, or undefined when a key on the way is absent. */
const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown> | undefined)?.[key], input);

const describeIssue = (issue: z.core.$ZodIssue, param: string | null, input: unknown): string => {
  const field = param ? `'${param}'` : 'the request body';
  if (param && issue.code !== 'unrecognized_keys' && valueAt(input, issue.path) === undefined) {
    return `Missing required parameter: ${field}.`;
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      return `Unrecognized request argument supplied: ${issue.keys.join(', ')}.`;
    case 'invalid_type':
      return `Invalid type for ${field}: expected ${issue.expected === 'object' && !param ? 'a JSON object' : `a ${issue.expected}`}.`;
    case 'invalid_value':
      return `Invalid value for ${field}: expected one of ${issue.values.map((v) => `'${String(v)}'`).join(', ')}.`;
    case 'invalid_format':
      return issue.format === 'email'
        ? `Invalid value for ${field}: not a valid email address.`
        : `Invalid value for ${field}: only letters, digits, '-' and '_' are allowed.`;
    case 'too_big':
      return `Invalid value for ${field}: at most ${String(issue.maximum)} ${issue.origin === 'array' ? 'items' : 'characters'}.`;
    case 'too_small':
      return `Invalid value for ${field}: must not be empty.`;
    default:
      return `Invalid value for ${field}: ${issue.message}.`;
  }
};

const toInvalidRequest = (error: z.core.$ZodError, input: unknown): InvalidRequestError => {
  const issue = error.issues[0]!;
  // An unknown key is reported at its own path, so the caller sees which field to drop.
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const param = paramName(path);
  return new InvalidRequestError(describeIssue(issue, param, input), param);
};

/** Validates a parsed JSON body as an InviteRequest (unknown fields refused, email trimmed). */
export const parseInviteRequest = (body: unknown): InviteRequest => {
  const result = inviteRequestSchema().safeParse(body);
  if (!result.success) throw toInvalidRequest(result.error, body);
  const request = result.data;
  const seen = new Set<string>();
  for (const [index, project] of (request.projects ?? []).entries()) {
    if (seen.has(project.id)) {
      throw new InvalidRequestError(
        `Invalid value for 'projects[${index}].id': project ${project.id} is listed twice.`,
        `projects[${index}].id`,
      );
    }
    seen.add(project.id);
  }
  return request;
};

/** Validates an invite id taken from the path. */
export const parseInviteId = (raw: string | undefined | null): string => {
  if (!isId(raw)) {
    throw new InvalidRequestError(
      `Invalid invite id: expected 1 to ${MAX_ID_LENGTH} letters, digits, '-' or '_'.`,
      'invite_id',
    );
  }
  return raw;
};

/**
 * Validates an email taken from the path (`/people/{email}`), by the rule invites' emails follow.
 * `@` arrives as `%40` from some clients: an email always has an `@`, so a value without one is
 * decoded once (the local gateway has decoded it already; API Gateway may not have).
 */
export const parseEmailParameter = (raw: string | undefined | null): string => {
  let value = raw ?? '';
  if (!value.includes('@')) {
    try {
      value = decodeURIComponent(value);
    } catch {
      // not percent-encoded after all: validated as it came
    }
  }
  const result = emailSchema().safeParse(value);
  if (!result.success) {
    throw new InvalidRequestError(
      `Invalid email: expected an email address of at most ${MAX_EMAIL_LENGTH} characters.`,
      'email',
    );
  }
  return result.data;
};

/**
 * A bulk job id: the rule of `job_id` in lib/bulk/jobs.ts (JOB_ID_PATTERN there is private), so
 * every id a job can be given is one this route can read back. Keep the two in step.
 */
/** Job ids and sources are short labels: they end up in message attributes, keys and logs. */
const LABEL_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/**
 * Whether `value` is a label of 1 to `maxLength` letters, digits or '_', '-', '.', ':'; never `.`
 * or `..`, which a URL path or a file name would read as "here" and "the parent".
 */
export const isLabel = (value: unknown, maxLength: number = MAX_ID_LENGTH): value is string =>
  typeof value === 'string' &&
  value.length > 0 &&
  value.length <= maxLength &&
  LABEL_PATTERN.test(value) &&
  value !== '.' &&
  value !== '..';

/** What a label may be, for error messages. */
export const labelRule = (maxLength: number = MAX_ID_LENGTH): string =>
  `1 to ${maxLength} letters, digits or '_', '-', '.', ':' (not '.' or '..')`;

/** Validates a bulk job id taken from the path (the same rule as a job's `job_id`). */
export const parseJobId = (raw: string | undefined | null): string => {
  if (!isLabel(raw)) throw new InvalidRequestError(`Invalid job id: expected ${labelRule()}.`, 'job_id');
  return raw;
};

/** The query parameters a list route reads; any other is refused (`?status=pending` filters nothing). */
export const LIST_QUERY_PARAMETERS = ['limit', 'after'] as const;

/**
 * A 400 naming the first query parameter not in `known`: a filter the route does not have would
 * otherwise be ignored, and its caller would take an unfiltered list for a filtered one.
 */
export const refuseUnknownQuery = (
  query: Record<string, string | undefined> | null | undefined,
  known: readonly string[],
): void => {
  const unknown = Object.keys(query ?? {}).find((name) => !known.includes(name));
  if (unknown !== undefined)
    throw new InvalidRequestError(
      `Unknown query parameter '${unknown}': this route reads only ${known.map((name) => `'${name}'`).join(', ')}.`,
      unknown,
      'unknown_parameter',
    );
};

/** Validates `limit` and `after` of a list request; any other query parameter is a 400 naming it. */
export const parseListParams = (
  query: Record<string, string | undefined> | null | undefined,
): ListInvitesParams => {
  refuseUnknownQuery(query, LIST_QUERY_PARAMETERS);
  const params: ListInvitesParams = {};
  const limit = query?.limit;
  if (limit !== undefined) {
    const value = /^\d{1,3}$/.test(limit) ? Number(limit) : Number.NaN;
    if (!(value >= MIN_LIST_LIMIT && value <= MAX_LIST_LIMIT)) {
      throw new InvalidRequestError(
        `Invalid value for 'limit': expected an integer from ${MIN_LIST_LIMIT} to ${MAX_LIST_LIMIT}.`,
        'limit',
      );
    }
    params.limit = value;
  }
  const after = query?.after;
  if (after !== undefined) {
    if (!isId(after)) {
      throw new InvalidRequestError(
        `Invalid value for 'after': expected an invite id of 1 to ${MAX_ID_LENGTH} letters, digits, '-' or '_'.`,
        'after',
      );
    }
    params.after = after;
  }
  return params;
};

/**
 * The `x-invite-replace-pending` header of a create: `true` replaces a pending invite of other
 * terms, `false` or absent refuses with 409. A header, so the official SDK's `create` body and
 * behaviour stay OpenAI's; anything else is a 400 rather than a guess.
 */
export const parseReplacePending = (raw: string | undefined): boolean => {
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new InvalidRequestError(
    `Invalid value for the ${REPLACE_PENDING_HEADER} header: expected 'true' or 'false'.`,
    null,
    'invalid_header',
  );
};
