/**
 * The sweeper as a container runs it: a client paced like a worker container's (its own pacer at
 * the container's share of OPENAI_RATE_LIMIT_RPS), the configured ledger and metrics.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { readWorkerConfig } from '../bulk/config';
import { AdaptivePacer, pacedFetch } from '../bulk/pacer';
import { ENV } from '../commons/env';
import { getLedger } from '../ledger/runtime';
import type { OpenAIInvitesClient } from '../openai/client';
import { createInvitesClient } from '../openai/runtime';
import { readSweepConfig } from './config';
import { sweepInvites, type SweepSummary } from './sweeper';

/** What an invocation may ask: `{ "dryRun": true }`; a scheduled event carries neither. */
export interface SweepRequest {
  dryRun?: boolean;
}

let pacedClient: { client: OpenAIInvitesClient; pacer: AdaptivePacer } | undefined;

const pacedClientOf = () => {
  if (!pacedClient) {
    const { rateLimitRps, maxConcurrency } = readWorkerConfig();
    const pacer = new AdaptivePacer(rateLimitRps / maxConcurrency);
    pacedClient = {
      pacer,
      client: createInvitesClient(undefined, { beforeAttempt: () => pacer.take(), fetch: pacedFetch(pacer) }),
    };
  }
  return pacedClient;
};

/** Replaces the sweeper's client (the local gateway, tests); undefined = rebuild from the environment. */
export const setSweepClient = (client: OpenAIInvitesClient | undefined): void => {
  pacedClient = client && { client, pacer: new AdaptivePacer(1_000) };
};

/** One sweep, ending before `remainingMs` (the invocation's time left) runs out. */
export const runSweep = async (request: SweepRequest = {}, remainingMs?: number): Promise<SweepSummary> => {
  const { client, pacer } = pacedClientOf();
  const deadline = remainingMs === undefined ? undefined : Date.now() + remainingMs - 5_000;
  const metrics = new Metrics({
    namespace: process.env[ENV.metricsNamespace] ?? 'OpenAIInvites',
    serviceName: process.env[ENV.serviceName] ?? 'openai-invites',
  });
  pacer.setDeadline(deadline);
  try {
    return await sweepInvites({
      ...readSweepConfig(),
      client,
      ledger: getLedger(),
      metrics,
      dryRun: request.dryRun === true,
      deadline,
    });
  } finally {
    pacer.setDeadline(undefined);
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
