/**
 * The README is a front page: about 200 lines at most, linking every page of docs/ (files whose
 * names start with `_` are fragments, merged elsewhere), and every relative link of README.md,
 * CHANGELOG.md and docs/ reaches a file that exists, so a page moved or renamed fails here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const docsPages = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md'));

/** Relative link targets of a Markdown text, without their `#anchor`. */
const relativeLinks = (text: string): string[] =>
  [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'))
    .map((target) => target.split('#')[0]!);

describe('README.md and docs/', () => {
  it('keeps the README to about 200 lines', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(210);
  });

  it('links every docs page from the README, except fragments whose names start with _', () => {
    const linked = new Set(relativeLinks(read('README.md')).map((target) => normalize(target)));
    const pages = docsPages.filter((name) => !name.startsWith('_'));

    expect(pages.length).toBeGreaterThanOrEqual(14);
    expect(pages.filter((name) => !linked.has(`docs/${name}`))).toEqual([]);
  });

  it('has no relative link to a file that does not exist', () => {
    const files = ['README.md', 'CHANGELOG.md', ...docsPages.map((name) => `docs/${name}`)];
    const broken = files.flatMap((file) =>
      relativeLinks(read(file))
        .filter((target) => !existsSync(join(ROOT, dirname(file), target)))
        .map((target) => `${file} → ${target}`),
    );

    expect(broken).toEqual([]);
  });

  it('carries no internal history in user docs (issue numbers, "until now")', () => {
    const files = ['README.md', ...docsPages.map((name) => `docs/${name}`)];
    const found = files.flatMap((file) =>
      read(file)
        .split('\n')
        .filter((line) => /\bissue \d+|\buntil now\b/i.test(line))
        .map((line) => `${file}: ${line.trim()}`),
    );

    expect(found).toEqual([]);
  });

  it('quotes examples/sdk.mjs in docs/local.md as the file is (its header comments aside)', () => {
    const quoted = /```js\n([\s\S]*?)```/.exec(read('docs/local.md'))![1]!;
    const file = read('examples/sdk.mjs').replace(/^(\/\/.*\n)+/, '');

    expect(quoted).toBe(file);
  });

  it('has no link to a heading that the page it names does not have', () => {
    // GitHub's anchors: lower case, punctuation dropped but `-` and `_`, spaces as `-`.
    const slug = (heading: string) =>
      heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-');
    const anchorsOf = (file: string) =>
      new Set([...read(file).matchAll(/^#+ (.*)$/gm)].map((match) => slug(match[1]!)));
    const files = ['README.md', 'CHANGELOG.md', ...docsPages.map((name) => `docs/${name}`)];
    const broken = files.flatMap((file) =>
      [...read(file).matchAll(/\]\(([^)\s]*)#([^)\s]+)\)/g)]
        .filter((match) => !/^[a-z]+:/i.test(match[1]!))
        .map((match) => ({
          target: match[1] ? normalize(join(dirname(file), match[1])) : file,
          anchor: match[2]!,
        }))
        .filter(({ target, anchor }) => target.endsWith('.md') && !anchorsOf(target).has(anchor))
        .map(({ target, anchor }) => `${file} → ${target}#${anchor}`),
    );

    expect(broken).toEqual([]);
  });
});
