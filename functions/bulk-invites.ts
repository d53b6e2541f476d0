/** POST /organization/invites/bulk: checks a whole job, enqueues one message per invite, answers 202. */
import { apiHandler } from '../lib/http/api-handler';
import { MAX_BULK_BODY_BYTES, parseBulkRequest } from '../lib/bulk/jobs';
import { enqueueInvites } from '../lib/bulk/producer';
import { readJsonBody, receivedAt } from '../lib/http/messages';
import { getInviteQueue } from '../lib/bulk/runtime';
import { recordJobStart } from '../lib/ledger/runtime';

export const handler = apiHandler('bulkInvites', async ({ event, audit }) => {
  const job = parseBulkRequest(readJsonBody(event, MAX_BULK_BODY_BYTES));
  const source = job.source ?? 'api';
  await recordJobStart({ jobId: job.jobId, total: job.valid.length, source });
  const count = await enqueueInvites(getInviteQueue(), job.valid, {
    jobId: job.jobId,
    source,
    replacePending: job.replacePending,
    eventAt: receivedAt(event),
  });
  audit('invite.bulk.enqueued', { jobId: job.jobId, count, source });
  return { statusCode: 202, body: { object: 'organization.invite.bulk_job', job_id: job.jobId, count } };
});
