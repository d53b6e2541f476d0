/**
 * The documented facts agree with the code and the synthesized template: `npm run docs:facts --
 * --check` (the same function) finds nothing stale in README.md and docs/, and does find a page
 * with a deliberately wrong figure, naming the page, the block and both lines.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFigures } from '../../bench/readme-figures';
import type { BenchResults } from '../../bench/report';
import { blocksOf, fillBlocks } from '../../scripts/docs-facts/blocks';
import { checkEnvDefaults } from '../../scripts/docs-facts/env-defaults';
import { ENV_WORDS } from '../../scripts/docs-facts/descriptions';
import { contextKeys, renderers } from '../../scripts/docs-facts/facts';
import { check, pages } from '../../scripts/docs-facts/main';
import { ENV } from '../../lib/commons/env';
import { ROUTES } from '../../lib/http/routes';

const ROOT = new URL('../../', import.meta.url).pathname;
const render = renderers();
let copy: string;

/** A copy of README.md and docs/ to break on purpose. */
beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'docs-facts-'));
  cpSync(join(ROOT, 'docs'), join(copy, 'docs'), { recursive: true });
  cpSync(join(ROOT, 'README.md'), join(copy, 'README.md'));
});

afterAll(() => rmSync(copy, { recursive: true, force: true }));

const edit = (file: string, from: string | RegExp, to: string) => {
  const text = readFileSync(join(copy, file), 'utf8');
  const changed = text.replace(from, to);
  expect(changed, `${file} should contain ${String(from)}`).not.toBe(text);
  writeFileSync(join(copy, file), changed);
};

describe('npm run docs:facts -- --check', () => {
  it('finds every page of README.md and docs/ in agreement with the code', () => {
    expect(check(ROOT, render, undefined)).toEqual([]);
  }, 120_000);

  it('places each generated block somewhere: routes, env, context, concurrency, alarms, outputs, retained, secrets', () => {
    const names = pages(ROOT).flatMap((file) =>
      blocksOf(readFileSync(join(ROOT, file), 'utf8')).map((block) => block.name),
    );

    expect(new Set(names)).toEqual(
      new Set(['routes', 'env', 'context', 'concurrency', 'alarms', 'outputs', 'retained', 'secrets']),
    );
  });

  it('fails on a deliberately wrong reserved-concurrency figure, naming the page, block and both lines', () => {
    const right = /\| \*\*reserved in all\*\* \| \*\*(\d+)\*\* \|/.exec(
      readFileSync(join(copy, 'docs/deploying.md'), 'utf8'),
    )!;
    edit('docs/deploying.md', right[0], '| **reserved in all** | **68** |');

    const problems = check(copy, render, undefined);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('docs/deploying.md: block "concurrency" disagrees with the code.');
    expect(problems[0]).toContain('page:      | **reserved in all** | **68** |');
    expect(problems[0]).toContain(`generated: | **reserved in all** | **${right[1]}** |`);
  });

  it('fails on a route, a variable or a context default that the code does not have', () => {
    edit('docs/api.md', '`/people/{email}`', '`/persons/{email}`');
    edit('docs/configuration.md', '| `REINVITE_MAX_TIMES` | `2` |', '| `REINVITE_MAX_TIMES` | `3` |');
    edit('docs/configuration.md', '| `workerBatchSize` | `10` |', '| `workerBatchSize` | `5` |');

    const problems = check(copy, render, undefined).join('\n');

    expect(problems).toContain('docs/api.md: block "routes"');
    expect(problems).toContain('docs/configuration.md: block "env"');
    expect(problems).toContain('docs/configuration.md: block "context"');
  });

  it('fails when the figures of docs/performance.md are not those of bench/results.json', () => {
    const results: BenchResults = {
      measuredAt: '2026-12-04T07:00:00.000Z',
      node: 'v24.21.0',
      machine: '2 × Test CPU',
      durationSeconds: 480,
      details: {},
      rows: [{ figure: 'bundle, create-invite', result: '394.8 KB', target: '≤ floor + 60 KB', met: false }],
    };

    const problems = check(copy, render, results);

    expect(problems).toContain('docs/performance.md: the bench figures differ from bench/results.json.');
    expect(renderFigures(results)).toContain(
      '| bundle, create-invite | 394.8 KB | ≤ floor + 60 KB | NOT MET |',
    );
  });

  it('lists every route of the table, every environment variable and every context key the stack reads', () => {
    const routes = render('routes')!;
    const env = render('env')!;
    const context = render('context')!;

    for (const route of ROUTES) expect(routes).toContain(`| \`${route.method}\` | \`${route.path}\` |`);
    for (const name of Object.values(ENV)) expect(env).toContain(`| \`${name}\` |`);
    for (const key of contextKeys()) expect(context).toContain(`| \`${key}\` |`);
    expect(env.match(/\| `PERSON_HISTORY_DAYS` \|/g)).toHaveLength(1);
  });

  it('refuses a marker whose name no generator knows, or a block left open', () => {
    expect(() => fillBlocks('<!-- generated:routez -->\n<!-- /generated -->\n', render, 'x.md')).toThrow(
      'x.md: no generated block is named "routez".',
    );
    expect(() => fillBlocks('<!-- generated:routes -->\ntext\n', render, 'x.md')).toThrow(
      /x\.md: every <!-- generated:NAME --> needs its own <!-- \/generated -->/,
    );
  });

  it("documents the environment's defaults as the code's config readers apply them, and catches a wrong one", () => {
    const right = checkEnvDefaults();
    const wrong = checkEnvDefaults({
      ...ENV_WORDS,
      REINVITE_MAX_TIMES: ['`3`', 'a deliberately wrong default'],
    });

    expect(right.problems).toEqual([]);
    expect(right.verified.length).toBeGreaterThanOrEqual(15);
    expect(right.verified).toEqual(expect.arrayContaining(['OPENAI_RATE_LIMIT_RPS', 'PERSON_HISTORY_DAYS']));
    expect(wrong.problems).toEqual([
      'REINVITE_MAX_TIMES: documented default `3` is not what the code reads when it is unset.',
    ]);
  });
});
