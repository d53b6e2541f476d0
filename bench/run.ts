/**
 * `npm run bench`: the figures we quote, measured on this machine, each printed with its target
 * and whether it was met, and written to bench/results.json (rows as bench/report.ts defines
 * them; `npm run bench:docs` copies them into docs/performance.md). Not part of `npm test`.
 *
 * 1. Bundles: each function built as the stack builds it (esbuild, minified ESM), its size and
 *    cold module load in fresh processes with the stack's NODE_OPTIONS, in rounds interleaved with
 *    a floor built in the same run; each ratio is the median of per-round ratios, with as many
 *    rounds as the noise needs. Then the same with the other source-map choice (context sourceMaps).
 * 2. Warm overhead of each API function in-process against a zero-latency upstream, interleaved
 *    with raw fetch calls of the same upstream URLs.
 * 3. Secrets Manager reads per 1000 warm invocations (counted by SDK middleware, against moto).
 * 4. list-all: requests used to list N invites, next to ceil(N/100); upstream calls per duplicate
 *    create at 100, 1,000 and 10,000 invites, without and with the ledger (bench/duplicates.ts).
 * 5. Bulk: 1000 and 10 000 invites through queue → worker → simulator limited to R requests/s.
 * 6. Pacing at OpenAI's real limits: over-configuration and a throttling episode (bench/pacing.ts).
 * 7. The CLI's start: `openai-invites --version` and `--help`, compiled (bench/cli-start.ts).
 * 8. Import + first call of create-invite and the worker against local fakes (bench/first-call.ts).
 * A module adds figures by returning FigureRow[]; add them to `sections` below.
 * `npm run bench -- --only WORDS` runs the sections whose title contains WORDS (results.json is
 * then left as it was: the README's figures stay those of one whole run).
 */
import './quiet-env';
import { cpus, loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { bulkRows, measureBulk } from './bulk';
import { accessRows, measureAccess } from './access';
import { cliStartRows, measureCliStart } from './cli-start';
import { hrExportRows, measureHrExport } from './hr-export';
import { firstCallRows, measureFirstCall } from './first-call';
import { duplicateRows, measureDuplicates } from './duplicates';
import { measurePacing, pacingRows } from './pacing';
import { measureScim, scimRows } from './scim';
import { budgetRows, measureBudget } from './budget';
import { bundleRows, sourceMapRows } from './bundle-rows';
import { measureBundles } from './bundles';
import { type BenchResults, type FigureRow, formatRows, RESULTS_FILE } from './report';
import {
  listAllRows,
  measureListAll,
  measureSecretReads,
  measureWarmOverhead,
  secretReadRows,
  warmRows,
} from './warm';

const main = async () => {
  const startedAt = Date.now();
  const loadAtStart = loadavg()[0]!;
  const details: Record<string, unknown> = {};
  /** Keeps a module's raw figures for results.json and passes them on. */
  const kept = <T>(key: string, value: T): T => {
    details[key] = value;
    return value;
  };
  const rows: FigureRow[] = [];
  const sections: [string, () => Promise<FigureRow[]>][] = [
    [
      'Bundles (minified ESM as the stack builds them) and cold module load, against the floor',
      async () => bundleRows(kept('bundles', await measureBundles())),
    ],
    [
      'Cold load as deployed against the other source-map choice (context sourceMaps)',
      async () => {
        const deployed = details.bundles as Awaited<ReturnType<typeof measureBundles>>;
        return sourceMapRows(
          deployed,
          kept('bundlesOtherSourceMaps', await measureBundles(!deployed.sourceMaps)),
        );
      },
    ],
    [
      'Warm overhead per request (in-process handler vs raw fetch, zero-latency upstream)',
      async () => warmRows(kept('warm', await measureWarmOverhead())),
    ],
    ['Secrets Manager reads', async () => secretReadRows(kept('secretReads', await measureSecretReads()))],
    ['list-all', async () => listAllRows(kept('listAll', await measureListAll()))],
    [
      'Duplicate creates (simulator holding N invites; before: no ledger, after: the ledger knows the email)',
      async () => duplicateRows(kept('duplicates', await measureDuplicates())),
    ],
    [
      'SCIM (warm p99 per operation; bundle and cold load against its floor)',
      async () => scimRows(kept('scim', await measureScim())),
    ],
    [
      'Bulk (in-process queue → 2 workers → simulator limited to R requests/s)',
      async () => bulkRows(kept('bulk', await measureBulk())),
    ],
    [
      "Pacing at OpenAI's real limits (2 workers, token-bucket fake with message-only 429s)",
      async () => pacingRows(kept('pacing', await measurePacing())),
    ],
    [
      'One budget (4 containers, interactive, leaver; moto)',
      async () => budgetRows(kept('budget', await measureBudget())),
    ],
    [
      'Cold start as import + first call (fresh process, local fakes), against the floors',
      async () => firstCallRows(kept('firstCall', await measureFirstCall())),
    ],
    [
      'Access: calls per joiner and per mover against the organization size',
      async () => accessRows(kept('access', await measureAccess())),
    ],
    [
      'CLI start (compiled, fresh process, wall time)',
      async () => cliStartRows(kept('cliStart', await measureCliStart())),
    ],
    [
      'HR export check (cli/bulk-file.ts)',
      async () => hrExportRows(kept('hrExport', await measureHrExport())),
    ],
  ];
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? process.argv[onlyAt + 1]?.toLowerCase() : undefined;
  for (const [title, measure] of sections) {
    if (only && !title.toLowerCase().includes(only)) continue;
    const section = await measure();
    console.log(formatRows(title, section));
    for (const row of section.filter((each) => each.noise)) console.log(`  ${row.figure}: ${row.noise}`);
    rows.push(...section);
  }

  const missed = rows.filter((row) => row.met === false);
  const results: BenchResults = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
    durationSeconds: (Date.now() - startedAt) / 1000,
    loadAverage: [loadAtStart, loadavg()[0]!],
    rows,
    details,
  };
  if (only) {
    console.log(`\nOnly the sections matching "${only}": bench/results.json left as it was.`);
    return;
  }
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    `\n${rows.filter((row) => row.met === true).length} targets met, ${missed.length} not met` +
      `${missed.length ? `: ${missed.map((row) => row.figure).join('; ')}` : ''}.`,
  );
  console.log(
    `bench/results.json written; ${results.durationSeconds.toFixed(0)} s in all. \`npm run bench:docs\` copies the figures into docs/performance.md.`,
  );
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
