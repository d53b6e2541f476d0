/**
 * The bulk queue's message contract, in one place: attribute names, how an invite and a
 * revocation are encoded, and `decodeRecord`, which tells the worker what a record is.
 *
 * - Invite: body = one InviteRequest JSON; attributes `job_id`, `source`, `index`, and
 *   `replace_pending=true` when a pending invite of other terms is to be replaced (webhooks, jobs
 *   that say `"replace_pending": true`); optional `groups`, a JSON array of organization group
 *   ids the person's intent names (an HR webhook's department, WEBHOOK_DEPARTMENT_GROUPS). An
 *   invite without it declares no groups, as every message did before it existed.
 * - Revocation: body `{"email"}`; attribute `action=revoke` (plus `job_id`, `source`), and
 *   `offboard=true` for a roster's leaver declared with `--offboard` (authority to remove a member).
 * - Every message of a person's intent says which event it carries: `event_id` (a webhook event's
 *   id; absent for a job's items, which are `job:index`) and `event_at` (ISO-8601: the event's own
 *   time where the sender signs one, else when the product received it). People are ordered by it.
 * - Whole job: body `{"invites": [InviteRequest…], "job_id"?, "replace_pending"?}`, which the
 *   worker fans out.
 * - A record the worker re-sends because OpenAI throttled carries `attempt` (1, 2, …): it is a
 *   new message, so SQS's receive count (and maxReceiveCount) starts again for it.
 * - What the worker dead-letters carries the FAILURE_ATTRIBUTE set (`failure_code`, …).
 * - A job the worker fanned out only in part is re-sent as a job of the unsent items, with
 *   `indexes` naming their places in the original job.
 */
import type { SQSRecord } from 'aws-lambda';
import type { InvitesError } from '../commons/errors';
import { canonicalIsoTime } from '../commons/iso-time';
import { parseInviteRequest } from '../http/validation';
import type { InviteRequest } from '../openai/types';
import type { OutgoingMessage } from './queue';

/** Message attributes set by producers and read by the worker. */
export const ATTRIBUTE = {
  jobId: 'job_id',
  source: 'source',
  /** The item's place in its job. */
  index: 'index',
  /** What the message asks for; absent = an invite. */
  action: 'action',
  /** Re-sends after throttling (absent = 0). */
  attempt: 'attempt',
  /** When OpenAI's rate limit first held the record back (ISO-8601): the give-up time counts from it. */
  throttledSince: 'throttled_since',
  /** A remainder job: comma-separated places of its items in the original job. */
  indexes: 'indexes',
  /** `true`: a pending invite of other terms is deleted and the new one made (else dead-lettered). */
  replacePending: 'replace_pending',
  /** The event this message carries (a webhook event's id); absent for a job's items. */
  eventId: 'event_id',
  /** ISO-8601: the event's own signed time, else when the product received it. */
  eventAt: 'event_at',
  /** `true` on a revocation: declared with `--offboard`, so it may remove a member. */
  offboard: 'offboard',
  /** On an invite: JSON array of the organization group ids the person's intent names. */
  groups: 'groups',
} as const;

export const REVOKE_ACTION = 'revoke';

/** Dead-letter message attributes that say why (only on what the worker itself dead-letters). */
export const FAILURE_ATTRIBUTE = {
  reason: 'failure_reason',
  code: 'failure_code',
  status: 'failure_status',
  messageId: 'source_message_id',
  receiveCount: 'receive_count',
} as const;

/**
 * A dead letter's attributes for its way back to the bulk queue: without the FAILURE_ATTRIBUTE
 * set, so that if it fails again, SQS's redrive cannot pass it off as one the worker dead-lettered;
 * and without its throttling record, so a letter dead-lettered `rate_limited_too_long` gets a
 * new give-up time instead of coming straight back.
 */
export const redriveAttributes = (attributes: Record<string, string>): Record<string, string> => {
  const dropped = new Set<string>([
    ...Object.values(FAILURE_ATTRIBUTE),
    ATTRIBUTE.attempt,
    ATTRIBUTE.throttledSince,
  ]);
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => !dropped.has(name)));
};

/** SQS's limit on a message, body and attributes together. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/** The longest `event_id` read back: a longer one is ignored (webhook ids are at most 128). */
export const MAX_EVENT_ID_LENGTH = 256;

/**
 * A message's size as SQS counts it against MAX_MESSAGE_BYTES: the body, and each attribute's
 * name, data type (`String`) and value, in UTF-8 bytes.
 */
export const messageBytes = (message: { body: string; attributes?: Record<string, string> }): number =>
  Object.entries(message.attributes ?? {}).reduce(
    (total, [name, value]) => total + Buffer.byteLength(name) + 'String'.length + Buffer.byteLength(value),
    Buffer.byteLength(message.body),
  );

export interface MessageMeta {
  jobId?: string;
  /** Who enqueued it (`api`, a webhook provider, …); `queue` when unnamed. */
  source: string;
  index?: number;
  /** Throttling re-sends so far. */
  attempt: number;
  /** ISO-8601: when throttling first held it back (set on the first re-send). */
  throttledSince?: string;
  /** Replace a pending invite of other terms instead of refusing it. */
  replacePending: boolean;
  /** The event's id (a webhook event's); undefined for a job's items: the worker uses `job:index`. */
  eventId?: string;
  /** ISO-8601 (canonical UTC): the event's own signed time, else when the product received it. */
  eventAt?: string;
  /** A revocation declared with `--offboard`: authority to remove a member. */
  offboard?: boolean;
}

/** Which event a message carries, as producers pass it (every field optional). */
export interface EventStamp {
  eventId?: string;
  /** ISO-8601 with a zone (a signed time, or when the request arrived); one that is not is left out. */
  eventAt?: string;
}

/** The `event_id` / `event_at` attributes of a stamp (only those it has; `event_at` canonical UTC). */
const stampAttributes = ({ eventId, eventAt }: EventStamp): Record<string, string> => {
  const at = canonicalIsoTime(eventAt);
  return {
    ...(eventId !== undefined ? { [ATTRIBUTE.eventId]: eventId } : {}),
    ...(at !== undefined ? { [ATTRIBUTE.eventAt]: at } : {}),
  };
};

/** A group id as the worker accepts it on a message (as `PUT /v1/people/{email}` does). */
const GROUP_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** The most groups one message may name (as `PUT /v1/people/{email}` allows). */
export const MAX_MESSAGE_GROUPS = 100;

export type DecodedRecord =
  | {
      kind: 'invite';
      request: InviteRequest;
      /** The intended organization groups (attribute `groups`); undefined when the message names none. */
      groups?: string[];
      meta: MessageMeta;
    }
  | { kind: 'revoke'; email: string; meta: MessageMeta }
  | { kind: 'job'; body: object; meta: MessageMeta }
  | {
      kind: 'poison';
      code: string;
      reason: string;
      status?: number;
      /** The person it was about, when its email itself is usable (for the ledger). */
      email?: string;
      meta: MessageMeta;
    };

type Message = Omit<OutgoingMessage, 'id'>;

/** One invite a message. */
export const encodeInvite = (
  invite: InviteRequest,
  options: {
    jobId: string;
    source: string;
    index: number;
    replacePending?: boolean;
    /** The person's intended organization groups (an HR webhook's department). */
    groups?: readonly string[];
  } & EventStamp,
): Message => ({
  body: JSON.stringify(invite),
  attributes: {
    [ATTRIBUTE.jobId]: options.jobId,
    [ATTRIBUTE.source]: options.source,
    [ATTRIBUTE.index]: String(options.index),
    ...(options.replacePending ? { [ATTRIBUTE.replacePending]: 'true' } : {}),
    ...(options.groups ? { [ATTRIBUTE.groups]: JSON.stringify(options.groups) } : {}),
    ...stampAttributes(options),
  },
});

/** What a revocation says besides its email. */
export interface RevocationOptions extends EventStamp {
  jobId: string;
  source: string;
  /** Declared with `--offboard` (a roster): may remove a member. */
  offboard?: boolean;
}

/** A revocation: the worker deletes the pending invite for the email. */
export const encodeRevocation = (email: string, options: RevocationOptions): Message => ({
  body: JSON.stringify({ email }),
  attributes: {
    [ATTRIBUTE.action]: REVOKE_ACTION,
    [ATTRIBUTE.jobId]: options.jobId,
    [ATTRIBUTE.source]: options.source,
    ...(options.offboard ? { [ATTRIBUTE.offboard]: 'true' } : {}),
    ...stampAttributes(options),
  },
});

/** A whole job's unsent items, as a job again; `indexes` keeps their places in the original. */
export const encodeRemainderJob = (
  jobId: string,
  items: { index: number; invite: InviteRequest }[],
  source: string,
  replacePending = false,
  stamp: EventStamp = {},
): Message => ({
  body: JSON.stringify({
    job_id: jobId,
    invites: items.map((item) => item.invite),
    ...(replacePending ? { replace_pending: true } : {}),
  }),
  attributes: {
    [ATTRIBUTE.jobId]: jobId,
    [ATTRIBUTE.source]: source,
    [ATTRIBUTE.indexes]: items.map((item) => item.index).join(','),
    ...stampAttributes(stamp),
  },
});

/** The string attributes of a received record, as a producer would set them again. */
export const stringAttributes = (record: SQSRecord): Record<string, string> =>
  Object.fromEntries(
    Object.entries(record.messageAttributes)
      .filter(([, value]) => value.stringValue !== undefined)
      .map(([name, value]) => [name, value.stringValue as string]),
  );

/** The same message again, one throttling attempt further, to be sent with a delay. */
export const encodeThrottledResend = (record: SQSRecord, attempt: number, since: string): Message => ({
  body: record.body,
  attributes: {
    ...stringAttributes(record),
    [ATTRIBUTE.attempt]: String(attempt),
    [ATTRIBUTE.throttledSince]: record.messageAttributes[ATTRIBUTE.throttledSince]?.stringValue ?? since,
  },
});

/** A remainder job's `indexes`: the original places of its items, else 0…n-1. */
export const originalIndexes = (record: SQSRecord, count: number): number[] => {
  const listed = record.messageAttributes[ATTRIBUTE.indexes]?.stringValue?.split(',').map(Number);
  if (listed?.length === count && listed.every(Number.isInteger)) return listed;
  return Array.from({ length: count }, (_, index) => index);
};

/** The event's id and time, read leniently: a bad or oversized value is left out, never poison. */
const stampOf = (attribute: (name: string) => string | undefined): Partial<MessageMeta> => {
  const eventId = attribute(ATTRIBUTE.eventId)?.trim();
  const eventAt = canonicalIsoTime(attribute(ATTRIBUTE.eventAt));
  return {
    ...(eventId && eventId.length <= MAX_EVENT_ID_LENGTH ? { eventId } : {}),
    ...(eventAt ? { eventAt } : {}),
    ...(attribute(ATTRIBUTE.offboard) === 'true' ? { offboard: true } : {}),
    ...(canonicalIsoTime(attribute(ATTRIBUTE.throttledSince))
      ? { throttledSince: canonicalIsoTime(attribute(ATTRIBUTE.throttledSince)) }
      : {}),
  };
};

const metaOf = (record: SQSRecord): MessageMeta => {
  const attribute = (name: string) => record.messageAttributes[name]?.stringValue;
  const index = Number(attribute(ATTRIBUTE.index));
  const attempt = Number(attribute(ATTRIBUTE.attempt));
  return {
    jobId: attribute(ATTRIBUTE.jobId),
    source: attribute(ATTRIBUTE.source) ?? 'queue',
    index: attribute(ATTRIBUTE.index) !== undefined && Number.isInteger(index) ? index : undefined,
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 0,
    replacePending: attribute(ATTRIBUTE.replacePending) === 'true',
    ...stampOf(attribute),
  };
};

/**
 * What a record is: an invite (checked as `POST /organization/invites` checks it), a
 * revocation, a whole job (checked item by item when it is fanned out), or poison, with the
 * reason it can never succeed.
 */
/** The email as the API would accept it, else undefined. */
export const usableEmail = (email: unknown): string | undefined => {
  try {
    return parseInviteRequest({ email, role: 'reader' }).email;
  } catch {
    return undefined;
  }
};

/**
 * The `groups` attribute: undefined when absent (the message names no groups), else the ids, or
 * 'invalid'. Never read leniently: dropping a group would declare an intent without it, and the
 * product would take away a group it granted.
 */
const groupsOf = (value: string | undefined): string[] | 'invalid' | undefined => {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return 'invalid';
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length > MAX_MESSAGE_GROUPS ||
    !parsed.every((id) => typeof id === 'string' && GROUP_ID.test(id)) ||
    new Set(parsed).size !== parsed.length
  )
    return 'invalid';
  return parsed as string[];
};

export const decodeRecord = (record: SQSRecord): DecodedRecord => {
  const meta = metaOf(record);
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return { kind: 'poison', code: 'unparsable_body', reason: 'The message body is not JSON.', meta };
  }
  if (record.messageAttributes[ATTRIBUTE.action]?.stringValue === REVOKE_ACTION) {
    try {
      const email = (body as { email?: unknown } | null)?.email;
      return { kind: 'revoke', email: parseInviteRequest({ email, role: 'reader' }).email, meta };
    } catch (error) {
      const reason = (error as InvitesError).message;
      return { kind: 'poison', code: 'invalid_revocation', reason, status: 400, meta };
    }
  }
  if (typeof body === 'object' && body !== null && 'invites' in body) return { kind: 'job', body, meta };
  try {
    const request = parseInviteRequest(body);
    const groups = groupsOf(record.messageAttributes[ATTRIBUTE.groups]?.stringValue);
    if (groups === 'invalid')
      return {
        kind: 'poison',
        code: 'invalid_groups',
        reason: `The '${ATTRIBUTE.groups}' attribute must be a JSON array of at most ${MAX_MESSAGE_GROUPS} distinct group ids.`,
        status: 400,
        email: request.email,
        meta,
      };
    return { kind: 'invite', request, ...(groups ? { groups } : {}), meta };
  } catch (error) {
    const invalid = error as InvitesError;
    const email = usableEmail((body as { email?: unknown } | null)?.email);
    return {
      kind: 'poison',
      code: 'invalid_invite',
      reason: invalid.message,
      status: invalid.status,
      ...(email ? { email } : {}),
      meta,
    };
  }
};
