/**
 * `npm run bench:docs`: rewrites the marked block of docs/performance.md (`<!-- bench:start -->` …
 * `<!-- bench:end -->`) from bench/results.json, so the page quotes exactly one run's figures,
 * with their targets and verdicts, and cannot drift from what the bench measured
 * (`npm run docs:facts -- --check` compares them whenever bench/results.json exists).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BenchResults, RESULTS_FILE, verdict } from './report';

export const START = '<!-- bench:start -->';
export const END = '<!-- bench:end -->';

const cell = (text: string): string => text.replaceAll('|', '\\|') || '—';

/** The Markdown the block holds: one table row per figure, and where and when it was measured. */
export const renderFigures = (results: BenchResults): string => {
  const lines = [
    `Measured ${results.measuredAt.slice(0, 10)} on ${results.machine}, Node ${results.node.replace(/^v/, '')} ` +
      `(\`npm run bench\`, ${Math.round(results.durationSeconds)} s` +
      (results.loadAverage
        ? `, 1-minute load average ${results.loadAverage.map((load) => load.toFixed(1)).join(' at start, ')} at end`
        : '') +
      '; written by `npm run bench:docs` from `bench/results.json`):',
    '',
    '| figure | measured | target | |',
    '|---|---|---|---|',
    ...results.rows.map(
      (row) =>
        `| ${cell(row.figure)} | ${cell(row.noise ? `${row.result}; ${row.noise}` : row.result)} | ${cell(row.target)} | ${verdict(row.met)} |`,
    ),
  ];
  const missed = results.rows.filter((row) => row.met === false);
  lines.push(
    '',
    missed.length === 0
      ? 'Every target was met in that run.'
      : `Not met in that run: ${missed.map((row) => row.figure).join('; ')}.`,
  );
  return lines.join('\n');
};

/** The page with its marked block replaced; the markers must be there, once each. */
export const replaceBlock = (readme: string, block: string): string => {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start || readme.indexOf(START, start + 1) >= 0) {
    throw new Error(`docs/performance.md needs one ${START} … ${END} block.`);
  }
  return `${readme.slice(0, start + START.length)}\n${block}\n${readme.slice(end)}`;
};

const main = () => {
  const readmeFile = fileURLToPath(new URL('../docs/performance.md', import.meta.url));
  let results: BenchResults;
  try {
    results = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as BenchResults;
  } catch {
    console.error('bench/results.json is missing or unreadable: run `npm run bench` first.');
    process.exit(1);
  }
  if (!Array.isArray(results.rows)) {
    console.error(
      'bench/results.json has no figure rows: it predates this script; run `npm run bench` again.',
    );
    process.exit(1);
  }
  writeFileSync(readmeFile, replaceBlock(readFileSync(readmeFile, 'utf8'), renderFigures(results)));
  console.log(`docs/performance.md: ${results.rows.length} figures from the run of ${results.measuredAt}.`);
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
