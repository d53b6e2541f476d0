/**
 * Module boundaries that `npm test` holds as well as ESLint (eslint.config.js): a client's errors
 * belong to the client, so lib/openai/ imports nothing of the HTTP layer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const OPENAI_DIR = fileURLToPath(new URL('../../lib/openai/', import.meta.url));

/** Every module specifier a source imports or re-exports from. */
const specifiersOf = (source: string): string[] =>
  [
    ...source.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1] ?? match[2]!);

describe('lib/openai/', () => {
  it('imports nothing of lib/http/', () => {
    const files = readdirSync(OPENAI_DIR, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.ts'),
    );
    const offending = files.flatMap((file) =>
      specifiersOf(readFileSync(`${OPENAI_DIR}${file}`, 'utf8'))
        .filter((specifier) => /(^|\/)http(\/|$)/.test(specifier))
        .map((specifier) => `${file}: ${specifier}`),
    );

    expect(files).toContain('client.ts');
    expect(specifiersOf("import { a } from '../http/errors';\nexport { b } from './x';")).toEqual([
      '../http/errors',
      './x',
    ]);
    expect(offending).toEqual([]);
  });
});
