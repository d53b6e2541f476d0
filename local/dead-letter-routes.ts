/**
 * Local-only admin routes of the `npm start` gateway, outside `/v1` (no stack deploys them): the
 * in-process dead-letter queue read and redriven, for `openai-invites dlq` (a deployed DLQ is read
 * straight from SQS instead). They sit behind the gateway's loopback guard like every route.
 *
 * - `GET  /local/dead-letters[?job_id=]` → `{"object": "list", "data": [QueuedMessage…]}`
 * - `POST /local/dead-letters/redrive` `{"job_id"?, "dry_run"?}` → `{"object": "local.dead_letter_redrive", "moved" | "would_move": n}`
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { ATTRIBUTE, redriveAttributes } from '../lib/bulk/messages';
import { InvalidRequestError, MethodNotAllowedError } from '../lib/http/errors';
import { jsonResponse } from '../lib/http/messages';
import { parseJobId } from '../lib/http/validation';
import type { LocalQueue, QueuedMessage } from './local-queue';

export const LOCAL_PREFIX = '/local';
const LIST_PATH = `${LOCAL_PREFIX}/dead-letters`;
const REDRIVE_PATH = `${LOCAL_PREFIX}/dead-letters/redrive`;

export interface LocalQueues {
  queue: LocalQueue;
  deadLetterQueue: LocalQueue;
}

const ofJob =
  (jobId: string | undefined) =>
  (message: QueuedMessage): boolean =>
    jobId === undefined || message.attributes[ATTRIBUTE.jobId] === jobId;

const redriveRequest = (body: Buffer): { jobId?: string; dryRun: boolean } => {
  let parsed: unknown = {};
  try {
    if (body.byteLength > 0) parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidRequestError('The body is not JSON.', null, 'invalid_json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidRequestError('Expected a JSON object {"job_id"?, "dry_run"?}.');
  const { job_id: jobId, dry_run: dryRun = false } = parsed as { job_id?: unknown; dry_run?: unknown };
  if (typeof dryRun !== 'boolean') throw new InvalidRequestError('dry_run must be a boolean.', 'dry_run');
  return { jobId: jobId === undefined ? undefined : parseJobId(jobId as string), dryRun };
};

/** The answer for a local route, or undefined when `path` is none of them. */
export const serveDeadLetters = (
  queues: LocalQueues,
  method: string,
  url: URL,
  body: Buffer,
): APIGatewayProxyResult | undefined => {
  if (url.pathname === LIST_PATH) {
    if (method !== 'GET') throw new MethodNotAllowedError(method, ['GET']);
    const jobId = url.searchParams.has('job_id') ? parseJobId(url.searchParams.get('job_id')) : undefined;
    return jsonResponse(200, { object: 'list', data: queues.deadLetterQueue.list().filter(ofJob(jobId)) });
  }
  if (url.pathname === REDRIVE_PATH) {
    if (method !== 'POST') throw new MethodNotAllowedError(method, ['POST']);
    const { jobId, dryRun } = redriveRequest(body);
    const select = ofJob(jobId);
    if (dryRun) {
      const count = queues.deadLetterQueue.list().filter(select).length;
      return jsonResponse(200, { object: 'local.dead_letter_redrive', would_move: count });
    }
    const moved = queues.deadLetterQueue.moveTo(queues.queue, select, redriveAttributes);
    return jsonResponse(200, { object: 'local.dead_letter_redrive', moved });
  }
  return undefined;
};
