/**
 * The in-process dead-letter queue, read and redriven, for `openai-invites dlq` under `npm start`
 * (a deployed DLQ is read straight from SQS instead). Local-only routes: local-routes.ts.
 *
 * - `GET  /local/dead-letters[?job_id=]` → `{"object": "list", "data": [QueuedMessage…]}`
 * - `POST /local/dead-letters/redrive` `{"job_id"?, "dry_run"?}` → `{"object": "local.dead_letter_redrive", "moved" | "would_move": n}`
 */
import { ATTRIBUTE, redriveAttributes } from '../lib/bulk/messages';
import { InvalidRequestError } from '../lib/http/errors';
import { parseJobId } from '../lib/http/validation';
import type { LocalQueue, QueuedMessage } from './local-queue';
import { LOCAL_PATHS, type LocalRoute } from './local-routes';

export interface LocalQueues {
  queue: LocalQueue;
  deadLetterQueue: LocalQueue;
}

const ofJob =
  (jobId: string | undefined) =>
  (message: QueuedMessage): boolean =>
    jobId === undefined || message.attributes[ATTRIBUTE.jobId] === jobId;

const redriveRequest = (body: unknown): { jobId?: string; dryRun: boolean } => {
  const { job_id: jobId, dry_run: dryRun = false } = body as { job_id?: unknown; dry_run?: unknown };
  if (typeof dryRun !== 'boolean') throw new InvalidRequestError('dry_run must be a boolean.', 'dry_run');
  return { jobId: jobId === undefined ? undefined : parseJobId(jobId as string), dryRun };
};

export const deadLetterRoutes = (queues: LocalQueues): LocalRoute[] => [
  {
    method: 'GET',
    path: LOCAL_PATHS.deadLetters,
    describe: 'the in-process DLQ, ?job_id= (openai-invites dlq list)',
    handle: ({ url }) => {
      const jobId = url.searchParams.has('job_id') ? parseJobId(url.searchParams.get('job_id')) : undefined;
      return { object: 'list', data: queues.deadLetterQueue.list().filter(ofJob(jobId)) };
    },
  },
  {
    method: 'POST',
    path: LOCAL_PATHS.redrive,
    describe: 'back to the bulk queue (openai-invites dlq redrive)',
    handle: ({ body }) => {
      const { jobId, dryRun } = redriveRequest(body);
      const select = ofJob(jobId);
      if (dryRun) {
        const count = queues.deadLetterQueue.list().filter(select).length;
        return { object: 'local.dead_letter_redrive', would_move: count };
      }
      const moved = queues.deadLetterQueue.moveTo(queues.queue, select, redriveAttributes);
      return { object: 'local.dead_letter_redrive', moved };
    },
  },
];
