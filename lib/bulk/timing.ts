/**
 * The bulk worker's one timing model, checked in the worker's configuration (config.ts) and by
 * the stack at synth (infra/config.ts), and stated in the README ("Pacing"):
 *
 *   (B − 1) / (R / C) + A  ≤  min(D, T − 1 s)
 *
 * B the batch size, R/C a container's share of OPENAI_RATE_LIMIT_RPS, A one attempt's timeout
 * (OPENAI_ATTEMPT_TIMEOUT_MS), D the client's deadline (OPENAI_DEADLINE_MS) and T the worker's
 * timeout: at the configured ceiling, the last record of a batch starts its first attempt, and
 * that attempt ends, within the invocation's deadline (client.deadlineWithin: min(D, T − 1 s)).
 * When OpenAI allows less than the ceiling, records the pacer cannot start in time are re-sent
 * with a delay, not failed, so a slower OpenAI never burns receives.
 */
import { DEFAULT_ATTEMPT_TIMEOUT_MS, DEFAULT_DEADLINE_MS } from '../openai/client';

export interface TimingModel {
  /** OPENAI_RATE_LIMIT_RPS: the fleet's ceiling. */
  rateLimitRps: number;
  /** WORKER_MAX_CONCURRENCY. */
  maxConcurrency: number;
  /** The event source's batch size (WORKER_BATCH_SIZE). */
  batchSize: number;
  /** OPENAI_DEADLINE_MS (default 25 000). */
  deadlineMs?: number;
  /** OPENAI_ATTEMPT_TIMEOUT_MS (default 10 000). */
  attemptTimeoutMs?: number;
  /** The worker function's timeout; unknown inside the function (the deadline then governs). */
  workerTimeoutSeconds?: number;
}

/** Lambda's margin: deadlineWithin ends the budget 1 s before the function's timeout. */
const ANSWER_MARGIN_MS = 1_000;

/** What is wrong with a timing model, in words an operator can act on; empty when it holds. */
export const checkTimingModel = (model: TimingModel): string[] => {
  const deadlineMs = model.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const attemptMs = model.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const budgetMs =
    model.workerTimeoutSeconds === undefined
      ? deadlineMs
      : Math.min(deadlineMs, model.workerTimeoutSeconds * 1000 - ANSWER_MARGIN_MS);
  const perContainerRps = model.rateLimitRps / model.maxConcurrency;
  const neededMs = ((model.batchSize - 1) / perContainerRps) * 1000 + attemptMs;
  if (neededMs <= budgetMs) return [];
  const largestBatch = Math.max(1, Math.floor(((budgetMs - attemptMs) / 1000) * perContainerRps) + 1);
  return [
    `A batch of ${model.batchSize} at ${perContainerRps.toFixed(3)} requests/s per container ` +
      `(OPENAI_RATE_LIMIT_RPS ${model.rateLimitRps} / WORKER_MAX_CONCURRENCY ${model.maxConcurrency}) needs ` +
      `${(neededMs / 1000).toFixed(1)} s with a ${attemptMs / 1000} s attempt timeout, more than the ` +
      `${(budgetMs / 1000).toFixed(1)} s an invocation has: use a batch size of at most ${largestBatch}, ` +
      'a higher rate, or fewer containers.',
  ];
};
