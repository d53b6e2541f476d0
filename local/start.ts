/**
 * `npm start`: the product on one machine. The local gateway serves the route table on
 * http://127.0.0.1:${PORT:-3000}/v1; with no OpenAI upstream or key configured, the invites
 * simulator stands in for OpenAI, so no AWS account and no OpenAI key are needed.
 */
import { readClientConfig } from '../lib/config';
import { logger } from '../lib/logger';
import { ROUTES } from '../lib/routes';
import { adminKeySourceFrom, createInvitesClient, setInvitesClient } from '../lib/runtime';
import { LocalGateway } from './gateway';
import { CONTROL_PREFIX, InvitesSimulator, type SimulatorOptions } from './openai-simulator';

/** The key the gateway sends to its own simulator: any non-empty key is accepted there. */
const SIMULATOR_KEY = 'sk-local-simulator';
/** A fixed port, so the README's control examples work as printed; `SIMULATOR_PORT=0` picks a free one. */
const DEFAULT_SIMULATOR_PORT = 3001;

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

const main = async () => {
  const config = readClientConfig();
  const upstreamConfigured = Boolean(
    process.env.OPENAI_BASE_URL || config.adminKey || config.adminKeySecretId,
  );
  const lines: string[] = [];
  let simulator: InvitesSimulator | undefined;

  if (upstreamConfigured) {
    const keySource = adminKeySourceFrom(config);
    lines.push(`upstream     ${config.baseUrl}`, `admin key    from ${keySource.description}`);
    setInvitesClient(createInvitesClient(config));
  } else {
    simulator = new InvitesSimulator(simulatorOptionsFromEnv());
    const url = await simulator.start(numberFromEnv('SIMULATOR_PORT') ?? DEFAULT_SIMULATOR_PORT);
    const control = url.replace(/\/v1$/, CONTROL_PREFIX);
    lines.push(
      `upstream     OpenAI invites simulator at ${url} (control: ${control}/state)`,
      'admin key    none needed: set OPENAI_ADMIN_KEY or OPENAI_ADMIN_KEY_SECRET_ID to call a real upstream',
    );
    setInvitesClient(createInvitesClient({ ...config, baseUrl: url, adminKey: SIMULATOR_KEY }));
  }

  const gateway = new LocalGateway();
  const url = await gateway.start(numberFromEnv('PORT') ?? 3000);
  const routes = ROUTES.map(
    (route) => `  ${route.method.padEnd(6)} ${url}${route.path}  → functions/${route.functionName}.ts`,
  );
  console.log([`Local gateway on ${url}`, ...routes, ...lines, 'Ctrl-C stops it.'].join('\n'));

  const stop = async (signal: string) => {
    logger.info('stopping', { signal });
    await Promise.all([gateway.stop(), simulator?.stop()]);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
};

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
