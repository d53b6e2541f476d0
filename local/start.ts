/**
 * `npm start`: the product on one machine. The local gateway serves the route table on
 * http://127.0.0.1:${PORT:-3000}/v1; the bulk worker drains the queue through a local stand-in
 * of the Lambda SQS event source. With no OpenAI upstream or key configured, the invites
 * simulator stands in for OpenAI; with no INVITE_QUEUE_URL, an in-process queue stands in for
 * SQS; with no INVITE_LEDGER_TABLE, a SQLite ledger stands in for DynamoDB. The local ones keep
 * their state in LOCAL_STATE_DIR, so a restart resumes. No AWS account and no OpenAI key are needed.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { readQueueConfig, readWorkerConfig } from '../lib/bulk/config';
import { type ClientConfig, readClientConfig } from '../lib/openai/config';
import { logger } from '../lib/commons/logger';
import { SqsQueue } from '../lib/bulk/queue';
import { ROUTES } from '../lib/http/routes';
import { createBulkWorker, setQueues } from '../lib/bulk/runtime';
import { adminKeySourceFrom, createInvitesClient, setInvitesClient } from '../lib/openai/runtime';
import { setWebhookRuntime } from '../lib/webhooks/runtime';
import { localDevelopmentWebhookSecrets } from '../lib/webhooks/providers/registry';
import { parseWebhookSecrets, StaticWebhookSecrets } from '../lib/webhooks/secrets';
import { readLedgerConfig } from '../lib/ledger/config';
import { getLedger, setLedger } from '../lib/ledger/runtime';
import { readPeopleConfig } from '../lib/people/config';
import { getPersonStore, setPersonStore } from '../lib/people/runtime';
import { QueueEventSource } from './event-source';
import { LocalGateway } from './gateway';
import { LocalQueue } from './local-queue';
import { deadLetterRoutes } from './dead-letter-routes';
import { offboardingDoneRoute, offboardingRoute } from './offboarding-route';
import { sweepRoute } from './sweep-route';
import { statusRoute } from './status-route';
import { acceptanceCheckRoute } from './acceptance-check-route';
import { setSweepClientConfig } from '../lib/lifecycle/runtime';
import { CONTROL_PREFIX, InvitesSimulator, type SimulatorOptions } from './openai-simulator';
import { SqliteSimulatorOrganization } from './simulator-organization';
import { SqliteLedger } from './sqlite-ledger';
import { SqliteBudgetStore } from './sqlite-budget';
import { createBudget, findBudget, setBudget } from '../lib/budget/runtime';
import { readBudgetConfig } from '../lib/budget/config';
import { SqlitePersonStore } from './sqlite-people';
import { DEFAULT_STATE_DIR, StateStore } from './state-store';
import { setUpScim } from './scim-setup';
import { ENV, NOT_READ } from '../lib/commons/env';
import { join } from 'node:path';
import { shellSetup } from './shell-setup';
import { sortLogLines } from './terminal-log';

/** The key the gateway sends to its own simulator: any non-empty key is accepted there. */
const SIMULATOR_KEY = 'sk-local-simulator';
/** A fixed port, so the README's control examples work as printed; `SIMULATOR_PORT=0` picks a free one. */
const DEFAULT_SIMULATOR_PORT = 3001;
/** The stack's settings for the in-process queue. */
const LOCAL_VISIBILITY_TIMEOUT_SECONDS = 30;
const LOCAL_MAX_RECEIVE_COUNT = 5;
/** Ctrl-C: how long the requests in flight, then the worker's batches in flight, may take to finish. */
const DRAIN_GRACE_MS = 3_000;
const WORKER_STOP_GRACE_MS = 5_000;
/** npm and tsx pass one Ctrl-C on as more SIGINTs: only a later one is the user's second. */
const SECOND_SIGNAL_AFTER_MS = 500;

/** A port already taken, said with the one thing to do (the raw EADDRINUSE names neither). */
class PortInUseError extends Error {
  constructor(port: number, variable: 'PORT' | 'SIMULATOR_PORT') {
    super(
      `port ${port} on 127.0.0.1 is already in use (another \`npm start\`?). Stop that process, or choose another port: ${variable}=${port + 100} npm start`,
    );
  }
}

const numberFromEnv = (name: string): number | undefined => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
};

const simulatorOptionsFromEnv = (): SimulatorOptions => {
  const rate = numberFromEnv('SIMULATOR_RATE_LIMIT_RPS');
  return {
    latencyMs: numberFromEnv('SIMULATOR_LATENCY_MS'),
    failureRate: numberFromEnv('SIMULATOR_FAILURE_RATE'),
    rateLimit: rate ? { ratePerSecond: rate } : undefined,
  };
};

/** On SIMULATOR_PORT, else on 3001; a port that is taken is refused with what to do. */
const startSimulator = async (simulator: InvitesSimulator): Promise<string> => {
  const chosen = numberFromEnv('SIMULATOR_PORT');
  if (chosen !== undefined) {
    return simulator.start(chosen).catch((error: unknown) => {
      throw (error as { code?: string }).code === 'EADDRINUSE'
        ? new PortInUseError(chosen, 'SIMULATOR_PORT')
        : error;
    });
  }
  // Refused like the gateway's port, never moved: the docs' :3001/_simulator examples would reach whatever owns it.
  return simulator.start(DEFAULT_SIMULATOR_PORT).catch((error: unknown) => {
    throw (error as { code?: string }).code === 'EADDRINUSE'
      ? new PortInUseError(DEFAULT_SIMULATOR_PORT, 'SIMULATOR_PORT')
      : error;
  });
};

/** True when `baseUrl` names this gateway itself (a loopback host on the gateway's port). */
const pointsAtGateway = (baseUrl: string, gatewayPort: number): boolean => {
  const url = new URL(baseUrl);
  const loopback = ['127.0.0.1', 'localhost', '[::1]', '0.0.0.0'].includes(url.hostname);
  return loopback && Number(url.port || (url.protocol === 'https:' ? 443 : 80)) === gatewayPort;
};

/**
 * `OPENAI_BASE_URL` is the official SDK's variable and is never read here (the Admin key would
 * follow it): say so once when it is set. When it names this gateway, the shell is set up for an
 * SDK aimed at it, so `OPENAI_ADMIN_KEY` is that SDK's token, not an Admin key: it is ignored too.
 */
const setAsideSdkVariables = (lines: string[], gatewayPort: number): NodeJS.ProcessEnv => {
  const sdkBaseUrl = process.env[NOT_READ.openaiBaseUrl]?.trim();
  if (!sdkBaseUrl) return process.env;
  const aimedHere = URL.canParse(sdkBaseUrl) && pointsAtGateway(sdkBaseUrl, gatewayPort);
  lines.push(
    aimedHere
      ? `note         ${NOT_READ.openaiBaseUrl} is not read (the upstream is ${ENV.invitesUpstreamUrl}); it is this gateway (set for an SDK?), so ${ENV.adminKey} is ignored too`
      : `note         ${NOT_READ.openaiBaseUrl} is not read: the upstream is ${ENV.invitesUpstreamUrl} (default OpenAI, or the simulator)`,
  );
  return aimedHere ? { ...process.env, [ENV.adminKey]: undefined } : process.env;
};

/** The upstream the functions call: the configured one, or a simulator started here. */
const startUpstream = async (
  lines: string[],
  gatewayPort: number,
  store: StateStore,
): Promise<{ config: ClientConfig; simulator?: InvitesSimulator }> => {
  const env = setAsideSdkVariables(lines, gatewayPort);
  const config = readClientConfig(env);
  const baseUrlConfigured = Boolean(env[ENV.invitesUpstreamUrl]?.trim());
  if (baseUrlConfigured && pointsAtGateway(config.baseUrl, gatewayPort)) {
    throw new Error(`${ENV.invitesUpstreamUrl} names this gateway itself: every call would loop back here.`);
  }
  if (baseUrlConfigured || config.adminKey || config.adminKeySecretId) {
    lines.push(
      `upstream     ${config.baseUrl}`,
      `admin key    from ${adminKeySourceFrom(config).description}`,
      // The gateway has no authentication of its own: say so whenever a real upstream is behind it.
      `security     WARNING: no authentication here; any local program reaching 127.0.0.1:${gatewayPort} uses this key.`,
      '             Bound to 127.0.0.1 only; other Host names, cross-site browser requests and non-JSON writes get 403.',
    );
    return { config };
  }
  const simulator = new InvitesSimulator(simulatorOptionsFromEnv(), new SqliteSimulatorOrganization(store));
  const url = await startSimulator(simulator);
  lines.push(
    `upstream     OpenAI invites simulator at ${url} (control: ${url.replace(/\/v1$/, CONTROL_PREFIX)}/state), ${simulator.invites.length} invites kept`,
    'admin key    none needed: set OPENAI_ADMIN_KEY or OPENAI_ADMIN_KEY_SECRET_ID to call a real upstream',
  );
  return {
    config: { ...config, baseUrl: url, adminKey: SIMULATOR_KEY, adminKeySecretId: undefined },
    simulator,
  };
};

/** The bulk queue and its dead-letter queue: SQS when INVITE_QUEUE_URL is set, else in-process. */
const queuesFor = (lines: string[], store: StateStore) => {
  const { queueUrl, deadLetterQueueUrl, leaverQueueUrl } = readQueueConfig();
  if (queueUrl) {
    if (!deadLetterQueueUrl) throw new Error('INVITE_DLQ_URL must be set with INVITE_QUEUE_URL');
    lines.push(`bulk queue   ${queueUrl} (dead letters: ${deadLetterQueueUrl})`);
    lines.push(
      `leaver queue ${leaverQueueUrl ?? 'none: leavers share the bulk queue (set LEAVER_QUEUE_URL)'}`,
    );
    return {
      queues: {
        queue: new SqsQueue(queueUrl),
        deadLetterQueue: new SqsQueue(deadLetterQueueUrl),
        ...(leaverQueueUrl ? { leaverQueue: new SqsQueue(leaverQueueUrl) } : {}),
      },
      local: undefined,
    };
  }
  const deadLetterQueue = new LocalQueue({ name: 'invites-dlq', store });
  const queue = new LocalQueue({
    name: 'invites',
    visibilityTimeoutSeconds: LOCAL_VISIBILITY_TIMEOUT_SECONDS,
    maxReceiveCount: LOCAL_MAX_RECEIVE_COUNT,
    deadLetterQueue,
    store,
  });
  // Leavers' revocations: a queue of their own, drained by the same worker beside the bulk one.
  const leaverQueue = new LocalQueue({
    name: 'leavers',
    visibilityTimeoutSeconds: LOCAL_VISIBILITY_TIMEOUT_SECONDS,
    maxReceiveCount: LOCAL_MAX_RECEIVE_COUNT,
    deadLetterQueue,
    store,
  });
  // The last run's consumer is gone: what it had received is due again now.
  queue.releaseInFlight();
  leaverQueue.releaseInFlight();
  lines.push(
    'bulk queue   in-process, and a leaver queue beside it (set INVITE_QUEUE_URL, INVITE_DLQ_URL and LEAVER_QUEUE_URL for SQS)',
    `resuming     ${queue.size} invites and ${leaverQueue.size} leavers queued by the last run, ${deadLetterQueue.size} in the dead-letter queue`,
  );
  return {
    queues: { queue, deadLetterQueue, leaverQueue },
    local: { queue, deadLetterQueue },
  };
};

/**
 * The webhook secrets: Secrets Manager when WEBHOOK_SECRETS_SECRET_ID is set (as in AWS), else the
 * JSON in WEBHOOK_SECRETS, else obviously fake local development secrets, printed here.
 */
const webhookSecretsFor = (lines: string[]) => {
  if (process.env.WEBHOOK_SECRETS_SECRET_ID?.trim()) {
    lines.push(
      `webhooks     secrets from Secrets Manager secret ${process.env.WEBHOOK_SECRETS_SECRET_ID.trim()}`,
    );
    return;
  }
  if (process.env.WEBHOOK_SECRETS?.trim()) {
    const secrets = parseWebhookSecrets(process.env.WEBHOOK_SECRETS, 'WEBHOOK_SECRETS');
    setWebhookRuntime({
      secretSource: new StaticWebhookSecrets(secrets, 'the WEBHOOK_SECRETS environment variable'),
    });
    lines.push(`webhooks     secrets from WEBHOOK_SECRETS (${Object.keys(secrets.signing).join(', ')})`);
    return;
  }
  const development = localDevelopmentWebhookSecrets();
  setWebhookRuntime({ secretSource: new StaticWebhookSecrets(development) });
  lines.push(
    'webhooks     local development secrets (fake; set WEBHOOK_SECRETS or WEBHOOK_SECRETS_SECRET_ID for others):',
    ...Object.entries(development.signing).map(
      ([provider, secret]) => `               ${provider.padEnd(10)} ${secret}`,
    ),
  );
};

const main = async () => {
  const lines: string[] = [];
  const port = numberFromEnv('PORT') ?? 3000;
  // First, so a second `npm start` on the same folder refuses before it touches anything.
  const store = StateStore.open(process.env[ENV.localStateDir]?.trim() || DEFAULT_STATE_DIR);
  lines.push(`state        ${store.location} (${ENV.localStateDir}; delete the folder to start afresh)`);
  // One readable line per invite outcome here; the JSON lines to a file, unless LOG_FORMAT=json.
  const logs =
    process.env.LOG_FORMAT?.trim().toLowerCase() === 'json'
      ? undefined
      : join(store.location, 'npm-start.log.jsonl');
  if (logs) sortLogLines(logs);
  const { config, simulator } = await startUpstream(lines, port, store);
  // One budget for every function's calls (lib/budget/): in SQLite unless a ledger table is named.
  if (!readLedgerConfig().tableName && readBudgetConfig().enabled)
    setBudget(createBudget(new SqliteBudgetStore(store)));
  lines.push(`budget       ${findBudget()?.store.description ?? 'none: each function paces alone'}`);
  setInvitesClient(createInvitesClient(config));
  const { queues, local } = queuesFor(lines, store);
  setQueues(queues);
  webhookSecretsFor(lines);
  // DynamoDB when INVITE_LEDGER_TABLE names a table (as in AWS), else SQLite in the state folder.
  if (!readLedgerConfig().tableName) setLedger(new SqliteLedger(store));
  lines.push(`ledger       ${getLedger().description}`);
  // People live beside the ledger: on its DynamoDB table, or in the same SQLite database.
  const people = readPeopleConfig();
  if (!people.tableName) {
    const personStore = new SqlitePersonStore(store, { historyDays: people.historyDays });
    // The last run is gone: the creates it was sending are due now, as its received messages are.
    personStore.expireCreateClaims();
    setPersonStore(personStore);
  }
  lines.push(`people       ${getPersonStore().description}`);

  const workerConfig = readWorkerConfig();
  // Each poller stands for one container with its own share of the rate.
  const handlerFor = () => {
    const bulkWorker = createBulkWorker(config, workerConfig);
    return (event: SQSEvent, context: Context) => bulkWorker.handle(event, context);
  };
  const bulkSource = new QueueEventSource({
    queue: queues.queue,
    maxConcurrency: workerConfig.maxConcurrency,
    handlerFor,
  });
  // The leaver queue's own event source, as in AWS: the same worker, never behind the bulk backlog.
  const leaverSource = queues.leaverQueue
    ? new QueueEventSource({ queue: queues.leaverQueue, maxConcurrency: 1, handlerFor })
    : undefined;
  const worker = {
    start: () => [bulkSource, leaverSource].forEach((source) => source?.start()),
    stop: async () => void (await Promise.all([bulkSource.stop(), leaverSource?.stop()])),
  };
  worker.start();
  lines.push(
    `bulk worker  ${workerConfig.maxConcurrency} pollers, ${workerConfig.rateLimitRps} requests/s to the upstream in all`,
  );

  setSweepClientConfig(config);
  // What the CLI reaches under `npm start` and a deployed stack offers another way (local-routes.ts).
  const localRoutes = [
    sweepRoute,
    acceptanceCheckRoute,
    offboardingRoute,
    offboardingDoneRoute,
    ...(local ? deadLetterRoutes(local) : []),
    statusRoute({ queues: local, upstream: config.baseUrl, rateLimitRps: workerConfig.rateLimitRps }),
  ];
  const gateway = new LocalGateway({ localRoutes });
  const url = await gateway.start(port).catch((error: unknown) => {
    throw (error as { code?: string }).code === 'EADDRINUSE' ? new PortInUseError(port, 'PORT') : error;
  });
  lines.push(...setUpScim(store, url));
  const routes = ROUTES.map(
    (route) => `  ${route.method.padEnd(6)} ${url}${route.path}  → functions/${route.functionName}.ts`,
  );
  const origin = new URL(url).origin;
  for (const route of localRoutes)
    routes.push(`  ${route.method.padEnd(6)} ${origin}${route.path}  → ${route.describe}`);
  console.log(
    [
      `Local gateway on ${url}`,
      ...routes,
      ...lines,
      ...shellSetup({ gatewayUrl: url, simulatorUrl: simulator?.url, logFile: logs }),
      'Ctrl-C stops it.',
    ].join('\n'),
  );

  let stoppingSince: number | undefined;
  const stop = async (signal: string) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < SECOND_SIGNAL_AFTER_MS) return;
      // Every accepted message is already committed to SQLite: leaving now loses none of them.
      console.log('Stopped at once; the messages accepted so far wait for the next start.');
      process.exit(130);
    }
    stoppingSince = Date.now();
    logger.info('stopping', { signal });
    console.log('Stopping: finishing the requests and the batches in flight (Ctrl-C again to stop at once)…');
    // In this order: no new requests, then no new batches, and only then no upstream.
    await gateway.drain(DRAIN_GRACE_MS);
    const workerStopped = await Promise.race([
      worker.stop().then(() => true),
      new Promise<false>((resolve) => setTimeout(resolve, WORKER_STOP_GRACE_MS, false)),
    ]);
    if (!workerStopped) console.log('A batch still in flight returns to the queue at the next start.');
    await simulator?.stop();
    if (local) console.log(`${local.queue.size} invites wait for the next start (${store.location}).`);
    store.close();
    process.exit(0);
  };
  const onSignal = (signal: string) =>
    void stop(signal).catch((error: unknown) => {
      console.error(
        `npm start failed to stop cleanly: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exit(1);
    });
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
};

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
