/**
 * What every OpenAI answer the product reads has in common (invite-shape.ts, user-shape.ts): a body
 * checked against a tolerant schema (a 502 naming the first unexpected field), cursor pages, and
 * deletion receipts.
 */
import * as z from 'zod/mini';
import { lazy } from '../commons/lazy';
import { UpstreamMalformedResponseError } from './errors';

/** The body read by `schema`, or a 502 naming the first field that is not as expected. */
export const checked = <T>(schema: z.ZodMiniType<T>, body: unknown, where: string, requestId?: string): T => {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.length ? `${where}.${issue.path.join('.')}` : where;
  throw new UpstreamMalformedResponseError(`unexpected ${path}.`, requestId);
};

const upstreamListSchema = lazy(() =>
  z.looseObject({
    object: z.optional(z.literal('list')),
    data: z.array(z.unknown()),
    first_id: z.optional(z.nullable(z.string())),
    last_id: z.optional(z.nullable(z.string())),
    // Pagination depends on it: a page that does not say whether more follow is refused.
    has_more: z.boolean(),
  }),
);

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
  const page = checked(upstreamListSchema(), body, 'list', requestId);
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
  ...checked(
    z.looseObject({ object: z.optional(z.literal(object)), id: z.string(), deleted: z.boolean() }),
    body,
    'body',
    requestId,
  ),
  object,
});
