/**
 * Bulk invite jobs: `{"invites": [InviteRequest, ...], "job_id"?, "source"?, "replace_pending"?}`
 * checked as a whole and item by item (the bulk route, the worker's fan-out of whole-job
 * messages). Sending them: producer.ts; the messages' format: messages.ts.
 */
import { randomUUID } from 'node:crypto';
import { InvalidJobError } from './errors';
import { InvitesError } from '../commons/errors';
import { InvalidRequestError } from '../http/errors';
import type { InviteRequest } from '../openai/types';
import { isLabel, labelRule, parseInviteRequest } from '../http/validation';
import { describeTerms } from '../openai/invite-terms';
import { isReservedJobId, isReservedSource } from './origins';

export const MAX_INVITES_PER_JOB = 1000;
/** 1000 invites with a few projects each fit well within this. */
export const MAX_BULK_BODY_BYTES = 1024 * 1024;
/** A caller-chosen `source` (e.g. `cli`, `hr-csv`) is a short label: it ends up in logs and messages. */
const MAX_SOURCE_LENGTH = 64;

export interface InvalidItem {
  index: number;
  param: string | null;
  message: string;
}

export interface CheckedJob {
  jobId: string;
  /** The job's own `source`, when it named one (the bulk route records it in each message). */
  source?: string;
  /** `"replace_pending": true`: a pending invite of other terms is replaced, not dead-lettered. */
  replacePending: boolean;
  valid: { index: number; invite: InviteRequest }[];
  invalid: InvalidItem[];
}

const newJobId = (): string => `job_${randomUUID()}`;

/**
 * Checks a job: its shape strictly (InvalidJobError), each item on its own. The caller
 * decides what invalid items mean: the bulk route refuses the whole job, the worker sends them
 * to the dead-letter queue.
 */
export const checkJob = (body: unknown): CheckedJob => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidJobError('Invalid type for the request body: expected a JSON object.', null);
  }
  const {
    invites,
    job_id: jobId,
    source,
    replace_pending: replacePending,
    ...unknown
  } = body as Record<string, unknown>;
  const extra = Object.keys(unknown)[0];
  if (extra !== undefined)
    throw new InvalidJobError(`Unrecognized request argument supplied: ${extra}.`, extra);
  if (!Array.isArray(invites))
    throw new InvalidJobError("Missing required parameter: 'invites' (an array).", 'invites');
  if (invites.length === 0 || invites.length > MAX_INVITES_PER_JOB) {
    throw new InvalidJobError(
      `Invalid value for 'invites': 1 to ${MAX_INVITES_PER_JOB} invites per job.`,
      'invites',
    );
  }
  if (jobId !== undefined && !isLabel(jobId)) {
    throw new InvalidJobError(`Invalid value for 'job_id': ${labelRule()}.`, 'job_id');
  }
  if (source !== undefined && !isLabel(source, MAX_SOURCE_LENGTH)) {
    throw new InvalidJobError(`Invalid value for 'source': ${labelRule(MAX_SOURCE_LENGTH)}.`, 'source');
  }
  if (replacePending !== undefined && typeof replacePending !== 'boolean') {
    throw new InvalidJobError("Invalid type for 'replace_pending': expected a boolean.", 'replace_pending');
  }
  const checked: CheckedJob = {
    jobId: jobId ?? newJobId(),
    replacePending: replacePending === true,
    valid: [],
    invalid: [],
  };
  if (source !== undefined) checked.source = source;
  for (const [index, item] of invites.entries()) {
    try {
      checked.valid.push({ index, invite: parseInviteRequest(item) });
    } catch (error) {
      if (!(error instanceof InvitesError)) throw error;
      const param = `invites[${index}]${error.param ? (error.param.startsWith('[') ? '' : '.') + error.param : ''}`;
      checked.invalid.push({ index, param, message: error.message });
    }
  }
  return refuseConflictingDuplicates(checked);
};

/** Role and projects as one comparable key; omitted projects (the default project) differ from any list. */
const termsKey = ({ role, projects }: InviteRequest): string =>
  `${role}|${
    projects === undefined
      ? '*'
      : projects
          .map((project) => `${project.id}:${project.role}`)
          .sort()
          .join(',')
  }`;

/** An item that shares its email with others in one job. */
export interface SameEmail<Item> {
  item: Item;
  /** The other items with this email. */
  others: Item[];
  /** true: some of them ask for other terms (the job refuses all of them); false: repeats of the same terms. */
  conflicting: boolean;
}

/**
 * Items that share an email (case-insensitive) with another item, in their order. The ONE rule a
 * job's duplicates follow, used by the bulk route and the worker's fan-out (checkJob) and by
 * `bulk-invite`, dry run included, before it sends: the same email with different terms cannot
 * both be right (whichever ran first would win), so every such item is refused; the same email
 * with the same terms is one invite (the worker deduplicates it; the CLI sends it once).
 */
export const sameEmailItems = <Item extends { invite: InviteRequest }>(items: Item[]): SameEmail<Item>[] => {
  const byEmail = new Map<string, Item[]>();
  for (const item of items) {
    const email = item.invite.email.toLowerCase();
    byEmail.set(email, [...(byEmail.get(email) ?? []), item]);
  }
  const found: SameEmail<Item>[] = [];
  for (const item of items) {
    const group = byEmail.get(item.invite.email.toLowerCase())!;
    if (group.length < 2) continue;
    const conflicting = new Set(group.map((other) => termsKey(other.invite))).size > 1;
    found.push({ item, others: group.filter((other) => other !== item), conflicting });
  }
  return found;
};

/** Why an item of other terms than its email's others is refused; `where` names an item (`invites[3]`, `FILE:4`). */
export const conflictMessage = <Item extends { invite: InviteRequest }>(
  duplicate: SameEmail<Item>,
  where: (item: Item) => string,
): string =>
  `The same email is also at ${duplicate.others.map(where).join(', ')} ` +
  `with different terms (here ${describeTerms(duplicate.item.invite)}); one job may hold one set of terms per email.`;

/** Every item of an email asked for with different terms becomes invalid, naming the others' indexes. */
const refuseConflictingDuplicates = (job: CheckedJob): CheckedJob => {
  const conflicting = new Set<number>();
  for (const duplicate of sameEmailItems(job.valid)) {
    if (!duplicate.conflicting) continue;
    conflicting.add(duplicate.item.index);
    job.invalid.push({
      index: duplicate.item.index,
      param: `invites[${duplicate.item.index}].email`,
      message: conflictMessage(duplicate, (other) => `invites[${other.index}]`),
    });
  }
  if (conflicting.size === 0) return job;
  job.invalid.sort((a, b) => a.index - b.index);
  return { ...job, valid: job.valid.filter((item) => !conflicting.has(item.index)) };
};

/** The job, all of it valid, or a 400 that names every bad item with its index. */
export const parseBulkRequest = (body: unknown): CheckedJob => {
  const job = checkJob(body);
  // An API caller's job is its own: not an HR system's source, nor a webhook's id namespace.
  if (job.source !== undefined && isReservedSource(job.source)) {
    throw new InvalidJobError(
      `Invalid value for 'source': '${job.source}' is reserved for the product's own sources (webhooks, SCIM, the sweeper).`,
      'source',
    );
  }
  if (isReservedJobId(job.jobId)) {
    throw new InvalidJobError(
      `Invalid value for 'job_id': the prefix '${job.jobId.slice(0, job.jobId.indexOf(':'))}:' is reserved for the product's own jobs.`,
      'job_id',
    );
  }
  if (job.invalid.length === 0) return job;
  const details = job.invalid.map((item) => `${item.param}: ${item.message}`).join(' ');
  throw new InvalidRequestError(
    `${job.invalid.length} of ${job.invalid.length + job.valid.length} invites are invalid; nothing was enqueued. ${details}`,
    job.invalid[0]!.param,
  );
};
