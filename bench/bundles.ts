/**
 * Bundle size and cold module load of each function, built as the stack builds it and loaded with
 * the Node options the stack sets (source maps and `--enable-source-maps` per context
 * `sourceMaps`, infra/bundling.ts), and of the floors: the API functions' (bench/floor-handler.ts)
 * and the bulk worker's (bench/worker-floor-handler.ts), measured in the same rounds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLING, nodeOptionsFor } from '../infra/bundling';
import { parseStackConfig } from '../infra/config';
import { median } from './report';
import { interleavedRounds, type PairedRatio } from './rounds';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BundleFigure {
  name: string;
  bytes: number;
  coldLoadMs: number;
  /** Cold load over the floor's, paired round by round (absent for the floor itself). */
  coldLoadRatio?: PairedRatio;
}

/** The bulk worker and its own floor (issue 13: "≤ 1.15 × its floor"). */
export const WORKER = 'bulk-invite-worker';
const WORKER_FLOOR = 'worker-floor';

/** The `sourceMaps` choice of cdk.json's context: what `cdk deploy` ships. */
export const deployedSourceMaps = (): boolean => {
  const { context } = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8'));
  return parseStackConfig((key) => context[key]).sourceMaps;
};

/** A function's bundle as the stack builds it (BUNDLING), written to `outdir`; its path. */
export const bundle = async (entry: string, outdir: string, sourceMaps = false): Promise<string> => {
  const outfile = join(outdir, 'index.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: BUNDLING.target,
    format: 'esm',
    mainFields: [...BUNDLING.mainFields],
    banner: { js: BUNDLING.banner },
    minify: BUNDLING.minify,
    sourcemap: sourceMaps,
    logLevel: 'error',
  });
  return outfile;
};

/** Milliseconds to import the bundle in a fresh Node process (module load only, not Node's start). */
const coldLoadMs = (file: string, nodeOptions: string | undefined): number => {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, AWS_REGION: 'us-east-1', NODE_OPTIONS: nodeOptions ?? '' },
  });
  return Number(output.toString());
};

export const measureBundles = async (
  sourceMaps: boolean = deployedSourceMaps(),
): Promise<{
  sourceMaps: boolean;
  floor: BundleFigure;
  functions: BundleFigure[];
  /** The worker's floor, and the worker's cold load over it, paired round by round. */
  workerFloor: BundleFigure & { workerRatio: PairedRatio };
}> => {
  const nodeOptions = nodeOptionsFor(sourceMaps);
  const out = mkdtempSync(join(tmpdir(), 'invites-bench-'));
  const entries = [
    { name: 'floor', entry: join(ROOT, 'bench/floor-handler.ts') },
    { name: WORKER_FLOOR, entry: join(ROOT, 'bench/worker-floor-handler.ts') },
    ...readdirSync(join(ROOT, 'functions'))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => ({ name: file.replace(/\.ts$/, ''), entry: join(ROOT, 'functions', file) })),
  ];
  const built = await Promise.all(
    entries.map(async ({ name, entry }) => ({
      name,
      file: await bundle(entry, join(out, name), sourceMaps),
    })),
  );
  const files = new Map(built.map(({ name, file }) => [name, file]));
  // Interleaved with the floor, for as many rounds as the noise needs (bench/rounds.ts).
  const { samples, ratios, ratioTo } = interleavedRounds(
    'floor',
    built.slice(1).map(({ name }) => name),
    (name) => coldLoadMs(files.get(name)!, nodeOptions),
    { precision: 0.02, minRounds: 15, maxRounds: 41 },
  );
  const figures = built.map(({ name, file }) => ({
    name,
    bytes: statSync(file).size,
    coldLoadMs: median(samples.get(name)!),
    coldLoadRatio: ratios.get(name),
  }));
  const [floor, workerFloor, ...functions] = figures;
  return {
    sourceMaps,
    floor: floor!,
    functions,
    workerFloor: { ...workerFloor!, workerRatio: ratioTo(WORKER, WORKER_FLOOR) },
  };
};
