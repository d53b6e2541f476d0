/**
 * The in-process dead-letter queue, read and redriven, for `openai-invites dlq` under `npm start`
 * (a deployed DLQ is read straight from SQS instead). Local-only routes: local-routes.ts.
 *
 * - `GET  /local/dead-letters[?job_id=]` → `{"object": "list", "data": [QueuedMessage…]}`
 * - `POST /local/dead-letters/redrive` `{"job_id"?, "dry_run"?}` → `{"object": "local.dead_letter_redrive", "moved" | "would_move": n}`
 * - `POST /local/dead-letters/discard` `{"job_id", "code"?, "dry_run"?}` → `{"object": "local.dead_letter_discard", "dry_run", "data": [QueuedMessage…]}`
 */
import { ATTRIBUTE, redriveAttributes } from '../lib/bulk/messages';
import { selectsDeadLetter } from '../lib/bulk/dead-letter-select';
import { logger } from '../lib/commons/logger';
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

/** A discard names its job (dead letters are discarded job by job); the code narrows it. */
const discardRequest = (body: unknown): { jobId: string; code?: string; dryRun: boolean } => {
  const { job_id: jobId, code, dry_run: dryRun = false } = body as Record<string, unknown>;
  if (typeof dryRun !== 'boolean') throw new InvalidRequestError('dry_run must be a boolean.', 'dry_run');
  if (code !== undefined && (typeof code !== 'string' || !/^[a-z_]{1,64}$/.test(code)))
    throw new InvalidRequestError('code must be a failure code such as invalid_invite.', 'code');
  return { jobId: parseJobId(jobId as string), code: code as string | undefined, dryRun };
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
  {
    method: 'POST',
    path: LOCAL_PATHS.discard,
    describe: 'drop dead letters fixed at the source (openai-invites dlq discard)',
    handle: ({ body }) => {
      const { jobId, code, dryRun } = discardRequest(body);
      const select = (message: QueuedMessage) => selectsDeadLetter(message.attributes, jobId, code);
      if (dryRun)
        return {
          object: 'local.dead_letter_discard',
          dry_run: true,
          data: queues.deadLetterQueue.list().filter(select),
        };
      const discarded = queues.deadLetterQueue.discard(select);
      for (const message of discarded)
        logger.info('dead letter discarded', {
          messageId: message.messageId,
          jobId,
          failureCode: message.attributes.failure_code,
        });
      return { object: 'local.dead_letter_discard', dry_run: false, data: discarded };
    },
  },
];
