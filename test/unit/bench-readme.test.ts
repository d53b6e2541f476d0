/** docs/performance.md's figures come from bench/results.json through one script, with targets and verdicts. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { END, renderFigures, replaceBlock, START } from '../../bench/readme-figures';
import type { BenchResults } from '../../bench/report';

const results: BenchResults = {
  measuredAt: '2026-11-23T19:00:00.000Z',
  node: 'v20.19.0',
  machine: '2 × Test CPU',
  durationSeconds: 101.4,
  loadAverage: [12.8, 12.64],
  details: {},
  rows: [
    {
      figure: 'cold load, create-invite',
      result: '1.12 × floor (92 ms)',
      target: '≤ 1.15 × floor',
      met: true,
      noise: '95 % interval 1.10–1.14 ×, 21 rounds',
    },
    {
      figure: 'bundle, create-invite',
      result: '362.0 KB = floor + 66.0 KB',
      target: '≤ floor + 60 KB',
      met: false,
    },
    { figure: 'bulk time, 10 × the invites', result: '× 10.1', target: '', met: null },
  ],
};

describe('npm run bench:docs', () => {
  it('renders every row with its target and verdict, and names what was not met', () => {
    const block = renderFigures(results);

    expect(block).toContain(
      '| cold load, create-invite | 1.12 × floor (92 ms); 95 % interval 1.10–1.14 ×, 21 rounds | ≤ 1.15 × floor | met |',
    );
    expect(block).toContain(
      '| bundle, create-invite | 362.0 KB = floor + 66.0 KB | ≤ floor + 60 KB | NOT MET |',
    );
    expect(block).toContain('| bulk time, 10 × the invites | × 10.1 | — | — |');
    expect(block).toMatch(
      /^Measured 2026-11-23 on 2 × Test CPU, Node 20\.19\.0 \(`npm run bench`, 101 s, 1-minute load average 12\.8 at start, 12\.6 at end;/,
    );
    expect(block).toMatch(/Not met in that run: bundle, create-invite\.$/);
  });

  it('replaces only the marked block, and refuses a page without one', () => {
    const readme = `# Title\n\nbefore\n${START}\nold figures\n${END}\nafter\n`;

    expect(replaceBlock(readme, 'new figures')).toBe(
      `# Title\n\nbefore\n${START}\nnew figures\n${END}\nafter\n`,
    );
    expect(() => replaceBlock('# no block\n', 'x')).toThrow(
      /docs\/performance\.md needs one <!-- bench:start -->/,
    );
  });

  it('has the marked block in docs/performance.md', () => {
    const section = readFileSync(new URL('../../docs/performance.md', import.meta.url), 'utf8');

    expect(section.indexOf(START)).toBeGreaterThan(0);
    expect(section.indexOf(END)).toBeGreaterThan(section.indexOf(START));
  });
});
