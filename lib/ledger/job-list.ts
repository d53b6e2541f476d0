/**
 * The answer of `GET /organization/invites/bulk?limit=`: the most recently started jobs with their
 * progress, newest first, in OpenAI's list shape. Each job's failures are on its own route.
 */
import { InvalidRequestError } from '../http/errors';
import { refuseUnknownQuery } from '../http/validation';
import { jobProgress, type JobProgress } from './progress';
import type { JobRecord } from './types';

export const DEFAULT_JOB_LIST_LIMIT = 20;
export const MAX_JOB_LIST_LIMIT = 100;

export interface JobList {
  object: 'list';
  data: Omit<JobProgress, 'failures'>[];
  has_more: boolean;
}

/** `limit` from the query (1–100, default 20); any other parameter is a 400 naming it. */
export const parseJobListQuery = (query: Record<string, string | undefined> | null | undefined): number => {
  refuseUnknownQuery(query, ['limit']);
  const raw = query?.limit;
  if (raw === undefined) return DEFAULT_JOB_LIST_LIMIT;
  const limit = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_JOB_LIST_LIMIT))
    throw new InvalidRequestError(
      `Invalid value for 'limit': expected an integer from 1 to ${MAX_JOB_LIST_LIMIT}.`,
      'limit',
    );
  return limit;
};

/** The list answer from up to `limit + 1` jobs (one more than asked tells whether there are more). */
export const jobList = (jobs: JobRecord[], limit: number): JobList => ({
  object: 'list',
  data: jobs.slice(0, limit).map((job) => {
    const { failures: _failures, ...progress } = jobProgress({ job, failures: [] });
    return progress;
  }),
  has_more: jobs.length > limit,
});
