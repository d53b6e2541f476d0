/**
 * The ledger table's keys and item shapes (README, "Ledger"). One table, three kinds of item:
 *
 * | pk              | sk            | holds                                                       |
 * |-----------------|---------------|-------------------------------------------------------------|
 * | `EMAIL#<email>` | `INVITE`      | the latest of that email's invite (no TTL: the lifecycle's memory) |
 * | `JOB#<id>`      | `JOB`         | total, one counter per outcome, times, `expiresAt`          |
 * | `JOB#<id>`      | `ITEM#000042` | the item's email, outcome, failure code and message, `expiresAt` |
 *
 * Email records that wait for a person (types.ts NEEDS_ACTION_CODES) also carry `needs_action`
 * (their failure code): the key of the sparse index NEEDS_ACTION_INDEX, which holds only them.
 * People (lib/people/dynamodb-items.ts) live on the same email item, beside these attributes, and
 * their history in `EMAIL#<email>` / `EVENT#…` items.
 *
 * Item sort keys are zero-padded so a Query returns items by index. Attribute names are
 * snake_case, as the product's answers; `expiresAt` (Unix seconds) is the table's TTL attribute,
 * as in the webhook replay table.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { InviteProject } from '../openai/types';
import {
  type InviteRecord,
  type JobItemRecord,
  type JobRecord,
  type Outcome,
  OUTCOMES,
  type OutcomeCounts,
} from './types';

export type Item = Record<string, AttributeValue>;

/** Jobs and their items expire this long after their last write: long enough to look back on a wave. */
export const JOB_RETENTION_DAYS = 90;
export const TTL_ATTRIBUTE = 'expiresAt';
/** The sparse GSI of email records awaiting a person: partition `needs_action`, sort `updated_at`. */
export const NEEDS_ACTION_INDEX = 'needs-action';
export const NEEDS_ACTION_ATTRIBUTE = 'needs_action';
/**
 * The sparse GSI of started jobs, newest first: partition `job_list` (always `JOB`, set by
 * startJob), sort `created_at`. Jobs started before it existed are not in it (getJob still reads them).
 */
export const JOBS_INDEX = 'jobs-by-time';
export const JOBS_INDEX_ATTRIBUTE = 'job_list';
export const JOBS_INDEX_VALUE = 'JOB';
const INDEX_DIGITS = 6;

export const emailKey = (email: string): Item => ({ pk: { S: `EMAIL#${email}` }, sk: { S: 'INVITE' } });
export const jobKey = (jobId: string): Item => ({ pk: { S: `JOB#${jobId}` }, sk: { S: 'JOB' } });
export const ITEM_PREFIX = 'ITEM#';
export const itemKey = (jobId: string, index: number): Item => ({
  pk: { S: `JOB#${jobId}` },
  sk: { S: `${ITEM_PREFIX}${String(index).padStart(INDEX_DIGITS, '0')}` },
});

export const expiresAtFor = (now: Date): AttributeValue => ({
  N: String(Math.floor(now.getTime() / 1000) + JOB_RETENTION_DAYS * 86_400),
});

export const s = (value: string): AttributeValue => ({ S: value });
export const n = (value: number): AttributeValue => ({ N: String(value) });

const str = (item: Item, name: string): string | undefined => item[name]?.S;
const num = (item: Item, name: string): number | undefined =>
  item[name]?.N === undefined ? undefined : Number(item[name].N);

export const projectsValue = (projects: InviteProject[]): AttributeValue => ({
  L: projects.map((project) => ({ M: { id: s(project.id), role: s(project.role) } })),
});

const projectsOf = (value: AttributeValue | undefined): InviteProject[] | undefined =>
  value?.L?.map((entry) => ({
    id: entry.M!.id!.S!,
    role: entry.M!.role!.S as InviteProject['role'],
  }));

/** Drops undefined fields, so records read back equal what was written. */
const defined = <T extends object>(record: T): T =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;

export const inviteRecordOf = (item: Item): InviteRecord =>
  defined({
    email: str(item, 'email')!,
    inviteId: str(item, 'invite_id'),
    status: str(item, 'status') as InviteRecord['status'],
    role: str(item, 'role'),
    projects: projectsOf(item.projects),
    source: str(item, 'source')!,
    jobId: str(item, 'job_id'),
    index: num(item, 'job_index'),
    lastOutcome: str(item, 'last_outcome') as Outcome,
    failureCode: str(item, 'failure_code'),
    failureMessage: str(item, 'failure_message'),
    reinviteCount: num(item, 'reinvite_count'),
    reinvitedFrom: str(item, 'reinvited_from'),
    createdAt: str(item, 'created_at')!,
    updatedAt: str(item, 'updated_at')!,
  });

export const jobRecordOf = (item: Item): JobRecord =>
  defined({
    jobId: str(item, 'job_id')!,
    total: num(item, 'total'),
    source: str(item, 'source'),
    counts: Object.fromEntries(
      OUTCOMES.map((outcome) => [outcome, num(item, outcome) ?? 0]),
    ) as OutcomeCounts,
    createdAt: str(item, 'created_at')!,
    updatedAt: str(item, 'updated_at')!,
  });

export const jobItemRecordOf = (item: Item): JobItemRecord =>
  defined({
    jobId: str(item, 'job_id')!,
    index: num(item, 'job_index')!,
    email: str(item, 'email') ?? '',
    outcome: str(item, 'outcome') as Outcome,
    code: str(item, 'failure_code'),
    message: str(item, 'failure_message'),
    updatedAt: str(item, 'updated_at')!,
  });

/** `SET`/`REMOVE` clauses from named values: undefined values are left out. */
export class UpdateBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Item = {};
  readonly #set: string[] = [];
  readonly #remove: string[] = [];

  set(name: string, value: Item[string] | undefined, onlyIfAbsent = false): this {
    if (value === undefined) return this;
    this.names[`#${name}`] = name;
    this.values[`:${name}`] = value;
    this.#set.push(onlyIfAbsent ? `#${name} = if_not_exists(#${name}, :${name})` : `#${name} = :${name}`);
    return this;
  }

  remove(name: string): this {
    this.names[`#${name}`] = name;
    this.#remove.push(`#${name}`);
    return this;
  }

  get expression(): string {
    return [
      this.#set.length ? `SET ${this.#set.join(', ')}` : '',
      this.#remove.length ? `REMOVE ${this.#remove.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }
}
