/**
 * `npm run docs:facts`: rewrites the generated blocks of README.md and docs/*.md from the code and
 * the synthesized template, and the performance figures of docs/performance.md from
 * bench/results.json when a bench run left one. `npm run docs:facts -- --check` writes nothing and
 * exits 1 naming every page whose blocks disagree (a test runs it).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderFigures, replaceBlock } from '../../bench/readme-figures';
import type { BenchResults } from '../../bench/report';
import { differences, fillBlocks } from './blocks';
import { renderers } from './facts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RESULTS = join(ROOT, 'bench/results.json');

/** README.md and every docs page, relative to the project's root. */
export const pages = (root = ROOT): string[] => [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

/** What a page should hold: its generated blocks filled in, and the bench figures if given. */
export const expectedPage = (
  file: string,
  text: string,
  render: (name: string) => string | undefined,
  results?: BenchResults,
): string => {
  const filled = fillBlocks(text, render, file);
  return results && file === 'docs/performance.md' ? replaceBlock(filled, renderFigures(results)) : filled;
};

/** Per page, where it disagrees with the code (empty: every page agrees). */
export const check = (root = ROOT, render = renderers(), results = readResults()): string[] =>
  pages(root).flatMap((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const expected = expectedPage(file, text, render, results);
    if (expected === text) return [];
    const found = differences(text, expected, file);
    return found.length > 0 ? found : [`${file}: the bench figures differ from bench/results.json.`];
  });

const readResults = (): BenchResults | undefined =>
  existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as BenchResults) : undefined;

const main = () => {
  const render = renderers();
  if (process.argv.includes('--check')) {
    const problems = check(ROOT, render);
    if (problems.length > 0) {
      console.error(`${problems.join('\n')}\n\nRun \`npm run docs:facts\` to rewrite the generated blocks.`);
      process.exit(1);
    }
    console.log(`${pages().length} pages agree with the code.`);
    return;
  }
  const results = readResults();
  for (const file of pages()) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const expected = expectedPage(file, text, render, results);
    if (expected !== text) {
      writeFileSync(join(ROOT, file), expected);
      console.log(`${file}: rewritten`);
    }
  }
  if (!results) console.log('bench/results.json absent: docs/performance.md keeps the figures it has.');
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
