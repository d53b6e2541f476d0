/**
 * `npm run bench`: the figures we quote, measured on this machine, printed as a table and written
 * to bench/results.json. Not part of `npm test`.
 *
 * 1. Bundles: each function built as the stack builds it (esbuild, minified ESM), its size and
 *    cold module load (median of 11 fresh processes), next to a floor built in the same run.
 * 2. Warm overhead of each API function in-process against a zero-latency upstream, next to raw
 *    fetch calls of the same upstream URLs.
 * 3. Secrets Manager reads per 1000 warm invocations (counted by SDK middleware, against moto).
 * 4. Bulk: 1000 and 10 000 invites through queue → worker → simulator limited to R requests/s.
 * 5. list-all: requests used to list N invites, next to ceil(N/100).
 * 6. Pacing at OpenAI's real limits: over-configuration and a throttling episode (bench/pacing.ts).
 */
import './quiet-env';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measureBulk } from './bulk';
import { measureBundles } from './bundles';
import { measurePacing } from './pacing';
import { measureListAll, measureSecretReads, measureWarmOverhead } from './warm';

const table = (title: string, header: string[], rows: (string | number)[][]): void => {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  console.log(`\n${title}`);
  for (const [index, row] of cells.entries()) {
    console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
    if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  }
};

const main = async () => {
  const startedAt = Date.now();
  const bundles = await measureBundles();
  table(
    'Bundles (minified ESM as the stack builds them; cold load = median of 21 fresh processes)',
    ['function', 'size KB', 'vs floor KB', 'cold load ms', 'vs floor'],
    bundles.functions.map((row) => [
      row.name,
      (row.bytes / 1024).toFixed(1),
      `+${((row.bytes - bundles.floor.bytes) / 1024).toFixed(1)}`,
      row.coldLoadMs.toFixed(1),
      `${(row.coldLoadMs / bundles.floor.coldLoadMs).toFixed(2)}×`,
    ]),
  );
  console.log(
    `floor (a handler importing only SecretsManagerClient): ${(bundles.floor.bytes / 1024).toFixed(1)} KB, ${bundles.floor.coldLoadMs.toFixed(1)} ms`,
  );

  const warm = await measureWarmOverhead();
  table(
    'Warm overhead per request (in-process handler vs raw fetch of the same upstream calls, zero-latency upstream)',
    ['function', 'p50 ms', 'p99 ms', 'raw p50 ms', 'raw p99 ms', 'p50 overhead ms', 'p50 ratio'],
    warm.map((row) => [
      row.name,
      row.p50.toFixed(3),
      row.p99.toFixed(3),
      row.rawP50.toFixed(3),
      row.rawP99.toFixed(3),
      (row.p50 - row.rawP50).toFixed(3),
      `${(row.p50 / row.rawP50).toFixed(2)}×`,
    ]),
  );

  const secretReads = await measureSecretReads();
  console.log(
    `\nSecrets Manager reads for ${secretReads.invocations} warm invocations of one container: ${secretReads.reads}`,
  );

  const listAll = await measureListAll();
  table(
    'list-all',
    ['invites', 'requests', 'ceil(N/100)'],
    listAll.map((row) => [row.invites, row.requests, row.minimum]),
  );

  const bulk = await measureBulk();
  table(
    `Bulk (in-process queue → ${bulk[0]?.workers} workers → simulator limited to R requests/s)`,
    ['invites', 'R', 'seconds', 'achieved/s', 'achieved/R', 'lost', 'duplicates', '429s'],
    bulk.map((row) => [
      row.invites,
      row.rateLimit,
      row.seconds.toFixed(1),
      row.achievedRate.toFixed(1),
      (row.achievedRate / row.rateLimit).toFixed(3),
      row.lost,
      row.duplicates,
      row.throttled,
    ]),
  );
  if (bulk.length === 2) {
    console.log(
      `time ratio 10 000 / 1000: ${(bulk[1]!.seconds / bulk[0]!.seconds).toFixed(2)} (linear would be 10)`,
    );
  }

  const pacing = await measurePacing();
  table(
    "Pacing at OpenAI's real limits (2 workers, token-bucket fake with message-only 429s; see bench/pacing.ts)",
    ['figure', 'result', 'target', 'met'],
    pacing.map((row) => [
      row.figure,
      Number.isInteger(row.result) ? row.result : row.result.toFixed(3),
      row.target,
      row.met ? 'yes' : 'NO',
    ]),
  );

  const results = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    bundles,
    warm,
    secretReads,
    listAll,
    bulk,
    pacing,
    durationSeconds: (Date.now() - startedAt) / 1000,
  };
  writeFileSync(
    fileURLToPath(new URL('results.json', import.meta.url)),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  console.log(`\nbench/results.json written; ${results.durationSeconds.toFixed(0)} s in all.`);
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
