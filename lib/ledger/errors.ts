/** The ledger's errors, in OpenAI's error shape. */
import { InvitesError } from '../commons/errors';

/** 404: no job with this id in the ledger (never started, or expired after the retention). */
export class JobNotFoundError extends InvitesError {
  constructor(jobId: string) {
    super(`No bulk job found with id '${jobId}'.`, {
      status: 404,
      type: 'invalid_request_error',
      code: 'job_not_found',
      param: 'job_id',
    });
  }
}

/** 503: the ledger could not be read (DynamoDB failed or timed out); retrying later may work. */
export class LedgerUnavailableError extends InvitesError {
  constructor(cause: unknown) {
    super('The invite ledger is unavailable. Please retry your request.', {
      status: 503,
      type: 'server_error',
      code: 'ledger_unavailable',
      cause,
    });
  }
}
