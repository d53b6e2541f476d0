/**
 * The answer of `GET /organization/invites/bulk/{job_id}`: a pure function of the job's records,
 * so the route, the CLI and tests compute progress the same way.
 */
import { DEFAULT_FAILURE_LIMIT } from './ledger';
import { personPath } from '../people/paths';
import type { JobSnapshot, OutcomeCounts } from './types';

export interface JobFailure {
  index: number;
  email: string;
  code: string;
  message: string;
  /**
   * The person's record and history: `GET /v1/people/{email}` (relative to the API's base URL);
   * absent for an item without a usable email (an invalid item of a job enqueued whole).
   */
  person?: string;
}

export interface JobProgress {
  object: 'organization.invite.bulk_job';
  job_id: string;
  status: 'in_progress' | 'completed';
  total: number;
  counts: OutcomeCounts & { pending: number };
  failures: JobFailure[];
  /** Unix seconds, as OpenAI's objects give times. */
  created_at: number;
  updated_at: number;
}

const unixSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

/**
 * Progress of a job: `pending` = total − settled, `completed` when nothing is pending, and the
 * first `failureLimit` failures by index. A job whose total is unknown (outcomes recorded for a
 * job nobody started) counts what has settled as its total.
 */
export const jobProgress = (
  { job, failures }: JobSnapshot,
  failureLimit: number = DEFAULT_FAILURE_LIMIT,
): JobProgress => {
  const { created, already_invited, revoked, failed } = job.counts;
  const settled = created + already_invited + revoked + failed;
  const total = Math.max(job.total ?? settled, settled);
  const pending = total - settled;
  return {
    object: 'organization.invite.bulk_job',
    job_id: job.jobId,
    status: pending === 0 ? 'completed' : 'in_progress',
    total,
    counts: { created, already_invited, revoked, failed, pending },
    failures: failures
      .filter((item) => item.outcome === 'failed')
      .sort((a, b) => a.index - b.index)
      .slice(0, failureLimit)
      .map((item) => ({
        index: item.index,
        email: item.email,
        code: item.code ?? 'failed',
        message: item.message ?? '',
        ...(item.email ? { person: personPath(item.email) } : {}),
      })),
    created_at: unixSeconds(job.createdAt),
    updated_at: unixSeconds(job.updatedAt),
  };
};
