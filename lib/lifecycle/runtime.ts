/**
 * The reconciler as a container runs it (the sweeper function, `npm start`'s local route): a
 * client paced like a worker container's (its own pacer at the container's share of
 * OPENAI_RATE_LIMIT_RPS, one pacer an endpoint), the configured ledger, people and metrics.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { readWorkerConfig } from '../bulk/config';
import { EndpointPacers, pacedFetch } from '../bulk/endpoint-pacers';
import { ENV } from '../commons/env';
import { findLedger } from '../ledger/runtime';
import type { OpenAIInvitesClient } from '../openai/client';
import { type ClientConfig, readClientConfig } from '../openai/config';
import { createInvitesClient } from '../openai/runtime';
import { findBudget } from '../budget/runtime';
import { getPersonStore } from '../people/runtime';
import { readSweepConfig } from './config';
import { type AcceptanceReport, runAcceptanceCheck } from '../access/acceptance-check';
import { inLane } from '../budget/lanes';
import { InvalidRequestError } from '../http/errors';
import { type ReconcileInvocation, reconcileRequestOf } from './invocation';
import { type ReconcileReport, runReconcile } from './reconcile-run';

/** The actor of a scheduled (or invoked) sweep's history events and audit lines. */
export const SWEEP_ACTOR = 'sweep';
/** The actor of a roster run. */
export const ROSTER_ACTOR = 'roster';

let pacedClient: { client: OpenAIInvitesClient; pacer: EndpointPacers } | undefined;

const pacedClientFor = (config: ClientConfig) => {
  const { rateLimitRps, maxConcurrency } = readWorkerConfig();
  const pacer = new EndpointPacers(rateLimitRps / maxConcurrency);
  // With the shared budget (lib/budget/) the reconciler takes its tokens there instead.
  const paced = findBudget()
    ? {}
    : {
        beforeAttempt: (request: { method: string; url: string }) => pacer.for(request).take(),
        fetch: pacedFetch(pacer),
      };
  return { pacer, client: createInvitesClient(config, paced) };
};

const pacedClientOf = () => {
  pacedClient ??= pacedClientFor(readClientConfig());
  return pacedClient;
};

/** The reconciler's paced client (the offboarding list asks OpenAI through it too). */
export const reconcilerClient = (): OpenAIInvitesClient => pacedClientOf().client;

/** Points the reconciler at another upstream (`npm start`'s simulator, tests); undefined = the environment's. */
export const setSweepClientConfig = (config: ClientConfig | undefined): void => {
  pacedClient = config && pacedClientFor(config);
};

/**
 * `{"check": "acceptance"}` (its own schedule): the acceptance check with the reconciler's paced
 * client; anything else is a sweep or a roster run.
 */
export const runSweepOrCheck = async (
  event?: ReconcileInvocation | null,
  remainingMs?: number,
): Promise<ReconcileReport | AcceptanceReport> => {
  if (event?.check === undefined) return runSweep(event, remainingMs);
  if (event.check !== 'acceptance')
    throw new InvalidRequestError('check must be "acceptance" (or absent for a sweep).', 'check');
  const { client, pacer } = pacedClientOf();
  const deadline = remainingMs === undefined ? undefined : Date.now() + remainingMs - 5_000;
  pacer.setDeadline(deadline);
  try {
    // Grants to joiners: after leavers and people at a keyboard, before bulk (lib/budget/).
    return await inLane('joiner', () => runAcceptanceCheck({ client, store: getPersonStore(), deadline }));
  } finally {
    pacer.setDeadline(undefined);
  }
};

/** One run, ending before `remainingMs` (the invocation's time left) runs out. */
export const runSweep = async (
  event?: ReconcileInvocation | null,
  remainingMs?: number,
): Promise<ReconcileReport> => {
  const request = reconcileRequestOf(event);
  const { client, pacer } = pacedClientOf();
  const deadline = remainingMs === undefined ? undefined : Date.now() + remainingMs - 5_000;
  const metrics = new Metrics({
    namespace: process.env[ENV.metricsNamespace] ?? 'OpenAIInvites',
    serviceName: process.env[ENV.serviceName] ?? 'openai-invites',
  });
  const config = readSweepConfig();
  pacer.setDeadline(deadline);
  try {
    return await runReconcile(request, {
      client,
      store: getPersonStore(),
      ledger: findLedger(),
      metrics,
      actor: request.roster ? ROSTER_ACTOR : SWEEP_ACTOR,
      offboardMembers: config.offboardMembers,
      reinviteExpired: config.reinviteExpired,
      maxReinvites: config.maxTimes,
      maxRemovals: config.maxRemovals,
      deadline,
    });
  } finally {
    pacer.setDeadline(undefined);
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
