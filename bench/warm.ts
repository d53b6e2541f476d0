/** Warm per-request overhead, Secrets Manager reads per warm invocations, and list-all request counts. */

import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { SecretsManagerAdminKey, StaticAdminKey } from '../lib/secrets/admin-key';
import { newUpstreamTrace, OpenAIInvitesClient } from '../lib/openai/client';
import { matchRoute } from '../lib/http/routes';
import { setInvitesClient } from '../lib/openai/runtime';
import { lambdaContext } from '../local/lambda-context';
import { InvitesSimulator } from '../local/openai-simulator';
import { type ProxyRequest, toProxyEvent } from '../local/proxy-event';
import { startMoto } from '../test/support/moto';
import type { FigureRow } from './report';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const KEY = 'sk-admin-bench-0000-key';
const WARMUP = 50;
const SAMPLES = 1000;

export interface WarmFigure {
  name: string;
  p50: number;
  p99: number;
  rawP50: number;
  rawP99: number;
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

const timeEach = async (count: number, run: (n: number) => Promise<unknown>): Promise<number[]> => {
  const times: number[] = [];
  for (let n = 0; n < count; n += 1) {
    const startedAt = performance.now();
    await run(n);
    times.push(performance.now() - startedAt);
  }
  return times;
};

const eventFor = (request: ProxyRequest): APIGatewayProxyEvent => {
  const match = matchRoute(request.method, request.path);
  if (match.kind !== 'found') throw new Error(`no route for ${request.path}`);
  return toProxyEvent(request, match.route, match.pathParameters);
};

const handlerOf = async (functionName: string): Promise<Handler> =>
  ((await import(`../functions/${functionName}.ts`)) as { handler: Handler }).handler;

export const measureWarmOverhead = async (): Promise<WarmFigure[]> => {
  const simulator = new InvitesSimulator({ apiKeys: [KEY] });
  const upstream = await simulator.start();
  setInvitesClient(new OpenAIInvitesClient({ baseUrl: upstream, adminKey: new StaticAdminKey(KEY) }));
  const auth = { Authorization: `Bearer ${KEY}`, Accept: 'application/json' };
  const raw = (method: string, path: string, body?: unknown) =>
    fetch(`${upstream}${path}`, {
      method,
      headers: body ? { ...auth, 'Content-Type': 'application/json' } : auth,
      body: body ? JSON.stringify(body) : undefined,
    }).then((response) => response.text());
  const json = { 'Content-Type': 'application/json' };
  const seeded = Array.from({ length: 20 }, (_, n) => simulator.seed(`seed${n}@example.com`));
  const id = seeded[0]!.id;
  const figures: WarmFigure[] = [];

  const measure = async (
    name: string,
    functionName: string,
    request: (n: number) => ProxyRequest,
    rawCalls: (n: number) => Promise<unknown>,
    prepare?: (n: number) => void,
  ) => {
    const handler = await handlerOf(functionName);
    const invoke = (n: number) => {
      prepare?.(n);
      return handler(eventFor(request(n)), lambdaContext(functionName, 29_000));
    };
    const rawRun = (n: number) => {
      prepare?.(n);
      return rawCalls(n);
    };
    await timeEach(WARMUP, invoke);
    await timeEach(WARMUP, rawRun);
    // Interleaved, one handler call then one raw call, so both see the same machine.
    const times: number[] = [];
    const rawTimes: number[] = [];
    for (let n = 0; n < SAMPLES; n += 1) {
      times.push(...(await timeEach(1, () => invoke(n + WARMUP))));
      rawTimes.push(...(await timeEach(1, () => rawRun(n + SAMPLES + WARMUP))));
    }
    figures.push({
      name,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      rawP50: percentile(rawTimes, 50),
      rawP99: percentile(rawTimes, 99),
    });
  };

  await measure(
    'list-invites',
    'list-invites',
    () => ({ method: 'GET', path: '/organization/invites', query: { limit: '20' } }),
    () => raw('GET', '/organization/invites?limit=20'),
  );
  await measure(
    'retrieve-invite',
    'retrieve-invite',
    () => ({ method: 'GET', path: `/organization/invites/${id}` }),
    () => raw('GET', `/organization/invites/${id}`),
  );
  const body = (n: number) => ({ email: `bench${n}@example.com`, role: 'reader' });
  await measure(
    'create-invite',
    'create-invite',
    (n) => ({ method: 'POST', path: '/organization/invites', headers: json, body: JSON.stringify(body(n)) }),
    (n) => raw('POST', '/organization/invites', body(n)),
  );
  // The function reads the invite before deleting it (for the audit line), so the raw
  // baseline makes the same two calls.
  const victims: string[] = [];
  await measure(
    'delete-invite (GET + DELETE upstream)',
    'delete-invite',
    (n) => ({ method: 'DELETE', path: `/organization/invites/${victims[n]}` }),
    async (n) => {
      await raw('GET', `/organization/invites/${victims[n]}`);
      return raw('DELETE', `/organization/invites/${victims[n]}`);
    },
    (n) => {
      victims[n] = simulator.seed(`victim${n}@example.com`).id;
    },
  );
  setInvitesClient(undefined);
  await simulator.stop();
  return figures;
};

export const measureSecretReads = async (): Promise<{ invocations: number; reads: number }> => {
  const moto = await startMoto();
  const simulator = new InvitesSimulator({ apiKeys: [KEY] });
  try {
    const upstream = await simulator.start();
    const config = {
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    };
    const secretsClient = new SecretsManagerClient(config);
    await secretsClient.send(new CreateSecretCommand({ Name: 'bench/admin-key', SecretString: KEY }));
    let reads = 0;
    secretsClient.middlewareStack.add(
      (next) => (args) => {
        reads += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countReads' },
    );
    const adminKey = new SecretsManagerAdminKey({
      secretId: 'bench/admin-key',
      provider: new SecretsProvider({ awsSdkV3Client: secretsClient }),
    });
    setInvitesClient(new OpenAIInvitesClient({ baseUrl: upstream, adminKey }));
    const handler = await handlerOf('list-invites');
    const invocations = 1000;
    for (let n = 0; n < invocations; n += 1) {
      await handler(
        eventFor({ method: 'GET', path: '/organization/invites' }),
        lambdaContext('list-invites', 29_000),
      );
    }
    return { invocations, reads };
  } finally {
    setInvitesClient(undefined);
    await simulator.stop();
    await moto.stop();
  }
};

export const measureListAll = async (): Promise<{ invites: number; requests: number; minimum: number }[]> => {
  const simulator = new InvitesSimulator({ apiKeys: [KEY] });
  const upstream = await simulator.start();
  const client = new OpenAIInvitesClient({ baseUrl: upstream, adminKey: new StaticAdminKey(KEY) });
  const figures = [];
  for (const count of [1, 250, 1000, 2050]) {
    simulator.reset();
    for (let n = 0; n < count; n += 1) simulator.seed(`list${n}@example.com`);
    const trace = newUpstreamTrace();
    let listed = 0;
    for await (const _ of client.listAllInvites({ trace })) listed += 1;
    if (listed !== count) throw new Error(`listed ${listed} of ${count}`);
    figures.push({ invites: count, requests: trace.attempts, minimum: Math.ceil(count / 100) });
  }
  await simulator.stop();
  return figures;
};

/** Target: at most 1 ms added to the p50 of the same upstream calls made with raw fetch. */
export const warmRows = (figures: WarmFigure[]): FigureRow[] =>
  figures.map((row) => ({
    figure: `warm overhead p50, ${row.name}`,
    result: `${(row.p50 - row.rawP50).toFixed(2)} ms over raw fetch (p50 ${row.p50.toFixed(2)} vs ${row.rawP50.toFixed(2)} ms; p99 ${row.p99 >= row.rawP99 ? '+' : '−'}${Math.abs(row.p99 - row.rawP99).toFixed(1)} ms)`,
    target: '≤ 1 ms',
    met: row.p50 - row.rawP50 <= 1,
  }));

export const secretReadRows = (figure: { invocations: number; reads: number }): FigureRow[] => [
  {
    figure: `Secrets Manager reads, ${figure.invocations} warm invocations of one container`,
    result: String(figure.reads),
    target: '1 per max age',
    met: figure.reads === 1,
  },
];

export const listAllRows = (
  figures: { invites: number; requests: number; minimum: number }[],
): FigureRow[] => [
  {
    figure: 'list-all requests',
    result: `${figures.map((row) => row.requests).join(', ')} for ${figures.map((row) => row.invites).join(', ')} invites`,
    target: 'ceil(N/100), the minimum',
    met: figures.every((row) => row.requests === row.minimum),
  },
];
