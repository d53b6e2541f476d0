/**
 * Cold start as a caller meets it: import of the bundle plus its first call, in a fresh process,
 * against local fakes (a scripted AWS endpoint for Secrets Manager, DynamoDB and SQS; the OpenAI
 * simulator), for create-invite and the bulk worker, each next to its floor doing the same first
 * call the SDK way (read the admin key). The SDK's cost is mostly on the first call (middleware
 * stacks, endpoint rules, credentials), which module load alone does not see.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundle } from './bundles';
import { lambdaContext } from '../local/lambda-context';
import { type FigureRow, median } from './report';
import { interleavedRounds, type PairedRatio } from './rounds';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGET = 1.15;

const events = {
  'create-invite': (n: number) => ({
    httpMethod: 'POST',
    path: '/v1/organization/invites',
    resource: '/organization/invites',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `first-call-${n}@example.com`, role: 'reader' }),
    requestContext: { requestId: `bench-${n}`, authorizer: { principalId: 'bench' } },
  }),
  'bulk-invite-worker': (n: number) => ({
    Records: [
      {
        messageId: `m-${n}`,
        receiptHandle: `r-${n}`,
        body: JSON.stringify({ email: `first-call-worker-${n}@example.com`, role: 'reader' }),
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench',
        awsRegion: 'us-east-1',
      },
    ],
  }),
} as const;

export interface FirstCall {
  ms: Record<string, number>;
  ratios: Record<string, PairedRatio>;
  /** What each subject's first call answered in its last run (a check that it did the call). */
  answers: Record<string, string>;
}

export const measureFirstCall = async (): Promise<FirstCall> => {
  // The fakes run in a process of their own: the measurements below block this one (execFileSync).
  const fakes = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/first-call-fakes.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(fakes.stdout!, 'data')) as [Buffer];
  const { aws, openai } = JSON.parse(line.toString()) as { aws: string; openai: string };
  const out = mkdtempSync(join(tmpdir(), 'invites-first-call-'));
  const entries: Record<string, string> = {
    floor: 'bench/first-call-floor-handler.ts',
    'worker-floor': 'bench/first-call-worker-floor-handler.ts',
    'create-invite': 'functions/create-invite.ts',
    'bulk-invite-worker': 'functions/bulk-invite-worker.ts',
  };
  const files = Object.fromEntries(
    await Promise.all(
      Object.entries(entries).map(async ([name, entry]) => [
        name,
        await bundle(join(ROOT, entry), join(out, name)),
      ]),
    ),
  ) as Record<string, string>;
  const env = {
    ...process.env,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL: aws,
    INVITES_UPSTREAM_URL: openai,
    OPENAI_ADMIN_KEY_SECRET_ID: 'bench/admin-key',
    INVITE_LEDGER_TABLE: 'bench-ledger',
    INVITE_QUEUE_URL: 'http://127.0.0.1/000000000000/bench',
    INVITE_DLQ_URL: 'http://127.0.0.1/000000000000/bench-dlq',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    NODE_OPTIONS: '',
  };
  const answers: Record<string, string> = {};
  let n = 0;
  const measure = (name: string): number => {
    n += 1;
    const eventOf = events[name as keyof typeof events] as ((k: number) => unknown) | undefined;
    const event = eventOf ? eventOf(n) : {};
    const context = { ...lambdaContext(name, 30_000), getRemainingTimeInMillis: undefined };
    const script =
      `const t = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(files[name]!).href)});` +
      `const c = ${JSON.stringify(context)}; c.getRemainingTimeInMillis = () => 30000;` +
      `const r = await m.handler(${JSON.stringify(event)}, c); const ms = performance.now() - t;` +
      `process.stdout.write(JSON.stringify({ ms, r: JSON.stringify(r).slice(0, 120) }), () => process.exit(0));`;
    // Inside the child, the Lambda-only cold-start metric line is not wanted on stdout.
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...env, AWS_LAMBDA_FUNCTION_NAME: '' },
      encoding: 'utf8',
      // Kept-alive sockets would hold the child open after its answer: it exits itself; this is a backstop.
      timeout: 60_000,
    });
    const parsed = JSON.parse(output.slice(output.lastIndexOf('{"ms"'))) as { ms: number; r: string };
    answers[name] = parsed.r;
    return parsed.ms;
  };
  try {
    const { samples, ratios, ratioTo } = interleavedRounds(
      'floor',
      ['worker-floor', 'create-invite', 'bulk-invite-worker'],
      measure,
      {
        minRounds: 7,
        maxRounds: 15,
        precision: 0.04,
      },
    );
    return {
      ms: Object.fromEntries([...samples].map(([name, values]) => [name, median(values)])),
      ratios: {
        'create-invite': ratios.get('create-invite')!,
        'bulk-invite-worker': ratioTo('bulk-invite-worker', 'worker-floor'),
      },
      answers,
    };
  } finally {
    fakes.kill();
  }
};

export const firstCallRows = (first: FirstCall): FigureRow[] => [
  {
    figure: 'import + first call, floor (SecretsManagerClient, reads the key)',
    result: `${first.ms.floor!.toFixed(0)} ms`,
    target: '',
    met: null,
  },
  {
    figure: 'import + first call, worker floor (SQS and Secrets Manager clients, reads the key)',
    result: `${first.ms['worker-floor']!.toFixed(0)} ms`,
    target: '',
    met: null,
  },
  ...(['create-invite', 'bulk-invite-worker'] as const).map((name): FigureRow => {
    const ratio = first.ratios[name]!;
    const floor = name === 'create-invite' ? 'floor' : 'worker floor';
    return {
      figure: `import + first call, ${name}`,
      result: `${ratio.ratio.toFixed(2)} × ${floor} (${first.ms[name]!.toFixed(0)} ms)`,
      target: `≤ ${TARGET} × ${floor}`,
      met: ratio.ratio <= TARGET,
      noise: `95 % interval ${ratio.low.toFixed(2)}–${ratio.high.toFixed(2)} ×, ${ratio.rounds} rounds; answered ${first.answers[name]}`,
    };
  }),
];
