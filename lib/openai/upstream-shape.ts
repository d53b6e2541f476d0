/**
 * What every OpenAI answer the product reads has in common (invite-shape.ts, user-shape.ts,
 * error-answer.ts): a body checked field by field against a tolerant shape (a 502 naming the
 * first unexpected field), cursor pages, and deletion receipts.
 *
 * Written by hand rather than with zod: these checks are "is it a string / a number / absent",
 * and zod was 23 KB of the list and retrieve functions' 72 KB over their floor (target 60 KB;
 * README, "Libraries"). What callers send is still checked with zod (lib/http/validation.ts),
 * where its issue paths and codes make OpenAI's error messages.
 */
import { UpstreamMalformedResponseError } from './errors';

/**
 * A field's rule: undefined when the value is acceptable, else the path below the field of what
 * is not ('' for the value itself, '.0.id' for the id of its first item).
 */
export type FieldRule = (value: unknown) => string | undefined;

/** The fields a reader checks; fields it does not name pass through as they came. */
export type Shape = Record<string, FieldRule>;

const when =
  (accept: (value: unknown) => boolean): FieldRule =>
  (value) =>
    accept(value) ? undefined : '';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const string = when((value) => typeof value === 'string');
export const nonEmptyString = when((value) => typeof value === 'string' && value.length > 0);
export const boolean = when((value) => typeof value === 'boolean');
/** Absent, null or a string. */
export const maybeString = when((value) => value == null || typeof value === 'string');
/** Absent, null or a number. */
export const maybeNumber = when((value) => value == null || typeof value === 'number');
/** Absent or exactly `literal` (another object type is not what was asked for). */
export const absentOr = (literal: string): FieldRule =>
  when((value) => value === undefined || value === literal);
/** Absent, null, a string or a number. */
export const maybeStringOrNumber = when(
  (value) => value == null || typeof value === 'string' || typeof value === 'number',
);
/** An array of anything. */
export const array = when(Array.isArray);

/** Absent, null, or an array whose items are objects of `shape`. */
export const maybeArrayOf =
  (shape: Shape): FieldRule =>
  (value) => {
    if (value == null) return undefined;
    if (!Array.isArray(value)) return '';
    for (const [index, item] of value.entries()) {
      const problem = problemIn(item, shape);
      if (problem !== undefined) return `.${index}${problem}`;
    }
    return undefined;
  };

/** An object of `shape`. */
export const objectOf =
  (shape: Shape): FieldRule =>
  (value) =>
    problemIn(value, shape);

/** Where `body` breaks `shape` ('' for the body itself, '.id' for a field), or undefined. */
const problemIn = (body: unknown, shape: Shape): string | undefined => {
  if (!isRecord(body)) return '';
  for (const [field, rule] of Object.entries(shape)) {
    const problem = rule(body[field]);
    if (problem !== undefined) return `.${field}${problem}`;
  }
  return undefined;
};

/** Whether `body` is an object of `shape`. */
export const fits = <T>(body: unknown, shape: Shape): body is T => problemIn(body, shape) === undefined;

/** The body, when it is an object of `shape`; else a 502 naming the first field that is not as expected. */
export const checked = <T>(body: unknown, shape: Shape, where: string, requestId?: string): T => {
  const problem = problemIn(body, shape);
  if (problem === undefined) return body as T;
  throw new UpstreamMalformedResponseError(`unexpected ${where}${problem}.`, requestId);
};

const pageShape: Shape = {
  object: absentOr('list'),
  data: array,
  first_id: maybeString,
  last_id: maybeString,
  // Pagination depends on it: a page that does not say whether more follow is refused.
  has_more: boolean,
};

/** A cursor page as OpenAI answers lists (invites, users). */
export interface Page<T> {
  object: 'list';
  data: T[];
  first_id?: string | null;
  last_id?: string | null;
  has_more: boolean;
  [field: string]: unknown;
}

/** A page whose items `readItem` reads; `first_id`/`last_id` filled from the data when OpenAI leaves them out. */
export const readPage = <T extends { id: string }>(
  body: unknown,
  requestId: string | undefined,
  readItem: (item: unknown, requestId: string | undefined, where: string) => T,
): Page<T> => {
  const page = checked<Page<unknown>>(body, pageShape, 'list', requestId);
  const data = page.data.map((item, index) => readItem(item, requestId, `data.${index}`));
  return {
    ...page,
    object: 'list',
    data,
    first_id: page.first_id ?? data[0]?.id ?? null,
    last_id: page.last_id ?? data.at(-1)?.id ?? null,
  };
};

/** A deletion receipt of `object` type (`organization.invite.deleted`, `organization.user.deleted`). */
export const readDeleted = <O extends string>(
  object: O,
  body: unknown,
  requestId?: string,
): { object: O; id: string; deleted: boolean } => ({
  ...checked<{ id: string; deleted: boolean }>(
    body,
    { object: absentOr(object), id: string, deleted: boolean },
    'body',
    requestId,
  ),
  object,
});
