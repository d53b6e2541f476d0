/**
 * GET /organization/invites/bulk/{job_id}: a bulk job's progress, and GET /organization/invites/bulk:
 * the recent jobs, newest first; both from the ledger.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { apiHandler } from '../lib/http/api-handler';
import { parseJobId } from '../lib/http/validation';
import { JobNotFoundError, LedgerUnavailableError } from '../lib/ledger/errors';
import { jobList, parseJobListQuery } from '../lib/ledger/job-list';
import { jobProgress } from '../lib/ledger/progress';
import { getLedger } from '../lib/ledger/runtime';

const unavailable = (error: unknown): never => {
  throw new LedgerUnavailableError(error);
};

const jobStatus = apiHandler('bulkJobStatus', async ({ event }) => {
  const jobId = parseJobId(event.pathParameters?.job_id);
  const snapshot = await getLedger().getJob(jobId).catch(unavailable);
  if (!snapshot) throw new JobNotFoundError(jobId);
  return { body: jobProgress(snapshot) };
});

const listJobs = apiHandler('listBulkJobs', async ({ event }) => {
  const limit = parseJobListQuery(event.queryStringParameters);
  const jobs = await getLedger()
    .listJobs(limit + 1)
    .catch(unavailable);
  return { body: jobList(jobs, limit) };
});

/** One function, two routes: the job's own when the path names one. */
export const handler = (event: APIGatewayProxyEvent, context?: Context) =>
  event.pathParameters?.job_id === undefined
    ? listJobs(event, context as Context)
    : jobStatus(event, context as Context);
