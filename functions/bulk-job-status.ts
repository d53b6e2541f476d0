/** GET /organization/invites/bulk/{job_id}: a bulk job's progress, from the ledger. */
import { apiHandler } from '../lib/http/api-handler';
import { parseJobId } from '../lib/http/validation';
import { JobNotFoundError, LedgerUnavailableError } from '../lib/ledger/errors';
import { jobProgress } from '../lib/ledger/progress';
import { getLedger } from '../lib/ledger/runtime';

export const handler = apiHandler('bulkJobStatus', async ({ event }) => {
  const jobId = parseJobId(event.pathParameters?.job_id);
  const ledger = getLedger();
  const snapshot = await ledger.getJob(jobId).catch((error: unknown) => {
    throw new LedgerUnavailableError(error);
  });
  if (!snapshot) throw new JobNotFoundError(jobId);
  return { body: jobProgress(snapshot) };
});
