/**
 * The SCIM endpoint (docs/scim.md): warm p99 of each operation identity providers send, through
 * the function's handler in-process with the stores in memory and 1,000 users already held (a
 * list filter reads them all), target ≤ 50 ms; and the SCIM function's bundle and cold load
 * against its floor, a handler importing only the SQS and Secrets Manager clients (what the
 * function needs of the SDK: its token and the bulk queue), paired round by round, ≤ 1.15 ×.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { setQueues } from '../lib/bulk/runtime';
import { MemoryPersonStore } from '../lib/people/memory-store';
import { setPersonStore } from '../lib/people/runtime';
import { readScimConfig } from '../lib/scim/config';
import { scimHandler } from '../lib/scim/handler';
import { setScimRuntime } from '../lib/scim/runtime';
import { MemoryScimStore } from '../lib/scim/store';
import { StaticScimToken } from '../lib/scim/token';
import { nodeOptionsFor } from '../infra/bundling';
import { LocalQueue } from '../local/local-queue';
import { bundle, deployedSourceMaps } from './bundles';
import { type FigureRow, median, percentile } from './report';
import { interleavedRounds, type PairedRatio } from './rounds';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'bench-scim-token';
const HELD_USERS = 1_000;
const ITERATIONS = 300;
const P99_TARGET_MS = 50;
const COLD_LOAD_TARGET = 1.15;

export interface ScimOperationFigure {
  operation: string;
  p50: number;
  p99: number;
}

export interface ScimBenchFigures {
  operations: ScimOperationFigure[];
  bundle: {
    bytes: number;
    floorBytes: number;
    coldLoadMs: number;
    floorColdLoadMs: number;
    ratio: PairedRatio;
  };
}

let requestCount = 0;

const event = (
  method: string,
  resource: string,
  options: { id?: string; query?: Record<string, string>; body?: unknown } = {},
): APIGatewayProxyEvent =>
  ({
    httpMethod: method,
    resource: `/scim/v2${resource}`,
    path: `/scim/v2${resource}`,
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      Host: '127.0.0.1:3000',
      ...(options.body !== undefined ? { 'Content-Type': 'application/scim+json' } : {}),
    },
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: options.id ? { id: options.id } : null,
    stageVariables: null,
    body: options.body !== undefined ? JSON.stringify(options.body) : null,
    isBase64Encoded: false,
    requestContext: { requestId: `bench-${++requestCount}`, requestTimeEpoch: Date.now(), stage: 'v1' },
  }) as unknown as APIGatewayProxyEvent;

const call = async (request: APIGatewayProxyEvent): Promise<Record<string, unknown>> => {
  const answer = await scimHandler(request);
  if (answer.statusCode >= 300 && answer.statusCode !== 204)
    throw new Error(`SCIM answered ${answer.statusCode}: ${answer.body}`);
  return answer.body ? (JSON.parse(answer.body) as Record<string, unknown>) : {};
};

const user = (n: number) => ({
  userName: `user${n}@bench.example.com`,
  name: { givenName: 'Bench', familyName: `User ${n}` },
  emails: [{ value: `user${n}@bench.example.com`, type: 'work', primary: true }],
  active: true,
});

const patch = (...Operations: unknown[]) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations,
});

const timed = async (work: (index: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> => {
  const times: number[] = [];
  for (let index = 0; index < ITERATIONS; index += 1) {
    const started = performance.now();
    await work(index);
    times.push(performance.now() - started);
  }
  return { p50: median(times), p99: percentile(times, 99) };
};

const measureOperations = async (): Promise<ScimOperationFigure[]> => {
  const queue = new LocalQueue({ name: 'bench-scim' });
  setQueues({ queue, deadLetterQueue: new LocalQueue({ name: 'bench-scim-dlq' }) });
  setPersonStore(new MemoryPersonStore());
  setScimRuntime({
    store: new MemoryScimStore(),
    tokenSource: new StaticScimToken(TOKEN),
    config: readScimConfig({}),
  });
  const ids: string[] = [];
  for (let n = 0; n < HELD_USERS; n += 1)
    ids.push((await call(event('POST', '/Users', { body: user(n) }))).id as string);
  const group = (await call(event('POST', '/Groups', { body: { displayName: 'Bench', members: [] } })))
    .id as string;
  // Warm-up: the first calls of each path load and compile it.
  for (let n = 0; n < 20; n += 1) await call(event('GET', '/Users/{id}', { id: ids[n]! }));

  const figures: ScimOperationFigure[] = [];
  const run = async (operation: string, work: (index: number) => Promise<unknown>) =>
    figures.push({ operation, ...(await timed(work)) });
  await run('POST /Users (create)', (i) => call(event('POST', '/Users', { body: user(HELD_USERS + i) })));
  await run('GET /Users/{id}', (i) => call(event('GET', '/Users/{id}', { id: ids[i % ids.length]! })));
  await run(`GET /Users?filter=userName eq (of ${HELD_USERS + ITERATIONS})`, (i) =>
    call(event('GET', '/Users', { query: { filter: `userName eq "user${i}@bench.example.com"` } })),
  );
  await run('GET /Users?startIndex&count=100', (i) =>
    call(event('GET', '/Users', { query: { startIndex: String(1 + (i % 10) * 100), count: '100' } })),
  );
  await run('PATCH /Users/{id} active false (Okta)', (i) =>
    call(
      event('PATCH', '/Users/{id}', {
        id: ids[i]!,
        body: patch({ op: 'replace', value: { active: false } }),
      }),
    ),
  );
  await run('PATCH /Users/{id} path active "True" (Entra)', (i) =>
    call(
      event('PATCH', '/Users/{id}', {
        id: ids[i]!,
        body: patch({ op: 'Replace', path: 'active', value: 'True' }),
      }),
    ),
  );
  await run('PUT /Users/{id}', (i) =>
    call(event('PUT', '/Users/{id}', { id: ids[i]!, body: { ...user(i), displayName: 'Put' } })),
  );
  await run('PATCH /Groups/{id} add member', (i) =>
    call(
      event('PATCH', '/Groups/{id}', {
        id: group,
        body: patch({ op: 'add', path: 'members', value: [{ value: ids[i]! }] }),
      }),
    ),
  );
  await run('DELETE /Users/{id}', (i) =>
    call(event('DELETE', '/Users/{id}', { id: ids[HELD_USERS - 1 - i]! })),
  );
  setScimRuntime({});
  setPersonStore(undefined);
  setQueues({});
  return figures;
};

const coldLoadMs = (file: string, nodeOptions: string | undefined): number => {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, AWS_REGION: 'us-east-1', NODE_OPTIONS: nodeOptions ?? '' },
  });
  return Number(output.toString());
};

const measureBundle = async (): Promise<ScimBenchFigures['bundle']> => {
  const sourceMaps = deployedSourceMaps();
  const out = mkdtempSync(join(tmpdir(), 'invites-bench-scim-'));
  const files = new Map([
    ['floor', await bundle(join(ROOT, 'bench/worker-floor-handler.ts'), join(out, 'floor'), sourceMaps)],
    ['scim', await bundle(join(ROOT, 'functions/scim.ts'), join(out, 'scim'), sourceMaps)],
  ]);
  const { samples, ratios } = interleavedRounds(
    'floor',
    ['scim'],
    (name) => coldLoadMs(files.get(name)!, nodeOptionsFor(sourceMaps)),
    { precision: 0.02, minRounds: 15, maxRounds: 41 },
  );
  return {
    bytes: statSync(files.get('scim')!).size,
    floorBytes: statSync(files.get('floor')!).size,
    coldLoadMs: median(samples.get('scim')!),
    floorColdLoadMs: median(samples.get('floor')!),
    ratio: ratios.get('scim')!,
  };
};

export const measureScim = async (): Promise<ScimBenchFigures> => ({
  operations: await measureOperations(),
  bundle: await measureBundle(),
});

export const scimRows = ({ operations, bundle: figures }: ScimBenchFigures): FigureRow[] => [
  ...operations.map((row): FigureRow => ({
    figure: `SCIM warm, ${row.operation}`,
    result: `p99 ${row.p99.toFixed(2)} ms (p50 ${row.p50.toFixed(2)} ms, ${ITERATIONS} calls)`,
    target: `p99 ≤ ${P99_TARGET_MS} ms`,
    met: row.p99 <= P99_TARGET_MS,
  })),
  {
    figure: 'bundle, scim against its floor (SQS and Secrets Manager clients only)',
    result: `${(figures.bytes / 1024).toFixed(1)} KB = floor + ${((figures.bytes - figures.floorBytes) / 1024).toFixed(1)} KB`,
    target: '',
    met: null,
  },
  {
    figure: 'cold load, scim against its floor',
    result: `${figures.ratio.ratio.toFixed(2)} × floor (${figures.coldLoadMs.toFixed(0)} ms vs ${figures.floorColdLoadMs.toFixed(0)} ms)`,
    target: `≤ ${COLD_LOAD_TARGET} × floor`,
    met: figures.ratio.ratio <= COLD_LOAD_TARGET,
    noise: `95 % interval ${figures.ratio.low.toFixed(2)}–${figures.ratio.high.toFixed(2)} ×, ${figures.ratio.rounds} rounds`,
  },
];
