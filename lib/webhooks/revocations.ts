/**
 * The revoke message on the bulk queue: body `{"email": "…"}` with message attributes
 * `action=revoke`, `job_id` (the event id) and `source` (the provider). The bulk worker finds the
 * pending invite for that email and deletes it (lib/bulk/worker.ts).
 */
import { ATTRIBUTE } from '../bulk/jobs';
import { EnqueueFailedError } from '../bulk/errors';
import type { MessageQueue } from '../bulk/queue';

/** Message attribute naming what a message asks for; absent = an invite. */
export const ACTION_ATTRIBUTE = 'action';
export const REVOKE_ACTION = 'revoke';

export const enqueueRevocation = async (
  queue: MessageQueue,
  email: string,
  options: { jobId: string; source: string },
): Promise<void> => {
  try {
    await queue.send({
      body: JSON.stringify({ email }),
      attributes: {
        [ACTION_ATTRIBUTE]: REVOKE_ACTION,
        [ATTRIBUTE.jobId]: options.jobId,
        [ATTRIBUTE.source]: options.source,
      },
    });
  } catch (error) {
    throw new EnqueueFailedError(1, (error as Error)?.name ?? 'Error', error);
  }
};
