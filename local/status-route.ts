/**
 * `GET /local/status`: what `openai-invites status` shows of `npm start` that a deployed stack
 * offers through SQS and its configuration instead: the bulk queue's depth, the dead letters by
 * failure code, and the OpenAI rate. Local-only routes: local-routes.ts.
 */
import { deadLetterCode } from '../lib/bulk/dead-letter-select';
import { type OpenAiRate, openAiRate } from '../lib/bulk/openai-rate';
import { findBudget } from '../lib/budget/runtime';
import type { LocalQueues } from './dead-letter-routes';
import type { LocalQueue } from './local-queue';
import { LOCAL_PATHS, type LocalRoute } from './local-routes';

export interface LocalStatus {
  object: 'local.status';
  upstream: string;
  /** null when the queues are SQS (INVITE_QUEUE_URL): read them there. */
  queue: { messages: number } | null;
  dead_letters: { total: number; by_code: Record<string, number> } | null;
  openai_rate: OpenAiRate;
}

/** The endpoint whose learned rate status shows: creating invites, what a wave waits on. */
const CREATE_INVITE_ENDPOINT = { method: 'POST', url: 'https://upstream.invalid/v1/organization/invites' };

const byCode = (queue: LocalQueue): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const message of queue.list()) {
    const code = deadLetterCode(message.attributes);
    counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
};

export const statusRoute = (options: {
  queues?: LocalQueues;
  upstream: string;
  rateLimitRps: number;
}): LocalRoute => ({
  method: 'GET',
  path: LOCAL_PATHS.status,
  describe: 'queue depth, dead letters by code, the OpenAI rate (openai-invites status)',
  handle: (): LocalStatus => ({
    object: 'local.status',
    upstream: options.upstream,
    queue: options.queues ? { messages: options.queues.queue.size } : null,
    dead_letters: options.queues
      ? { total: options.queues.deadLetterQueue.size, by_code: byCode(options.queues.deadLetterQueue) }
      : null,
    openai_rate: openAiRate({
      rateLimitRps: options.rateLimitRps,
      learnedRps: findBudget()?.learnedRateOf(CREATE_INVITE_ENDPOINT),
    }),
  }),
});
