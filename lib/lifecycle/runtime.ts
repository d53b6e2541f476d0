/**
 * The sweeper as a container runs it: a client paced like a worker container's (its own pacer at
 * the container's share of OPENAI_RATE_LIMIT_RPS, one pacer an endpoint), the configured ledger and metrics.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { readWorkerConfig } from '../bulk/config';
import { EndpointPacers, pacedFetch } from '../bulk/endpoint-pacers';
import { ENV } from '../commons/env';
import { getLedger } from '../ledger/runtime';
import type { OpenAIInvitesClient } from '../openai/client';
import { type ClientConfig, readClientConfig } from '../openai/config';
import { createInvitesClient } from '../openai/runtime';
import { readSweepConfig } from './config';
import { sweepInvites, type SweepSummary } from './sweeper';

/** What an invocation may ask: `{ "dryRun": true }`; a scheduled event carries neither. */
export interface SweepRequest {
  dryRun?: boolean;
}

let pacedClient: { client: OpenAIInvitesClient; pacer: EndpointPacers } | undefined;

const pacedClientFor = (config: ClientConfig) => {
  const { rateLimitRps, maxConcurrency } = readWorkerConfig();
  const pacer = new EndpointPacers(rateLimitRps / maxConcurrency);
  return {
    pacer,
    client: createInvitesClient(config, {
      beforeAttempt: (request) => pacer.for(request).take(),
      fetch: pacedFetch(pacer),
    }),
  };
};

const pacedClientOf = () => {
  pacedClient ??= pacedClientFor(readClientConfig());
  return pacedClient;
};

/** Points the sweeper at another upstream (`npm start`'s simulator, tests); undefined = the environment's. */
export const setSweepClientConfig = (config: ClientConfig | undefined): void => {
  pacedClient = config && pacedClientFor(config);
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
