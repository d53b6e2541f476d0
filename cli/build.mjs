// Builds the CLI `bin` runs: cli/bin.ts, cli/cli.ts and everything they import, dependencies
// included, into dist/ (git-ignored): dist/openai-invites.mjs and the chunk of the commands it
// loads on demand. `npm ci` runs it (the `prepare` script), and so does the test run's global
// setup, so the tests always run what the source says. The files need Node 24 and nothing else:
// no tsx, no devDependency, not even node_modules.
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUTDIR = fileURLToPath(new URL('../dist', import.meta.url));
export const CLI_OUTFILE = fileURLToPath(new URL('../dist/openai-invites.mjs', import.meta.url));

const once = (help) =>
  build({
    absWorkingDir: ROOT,
    entryPoints: [{ in: 'cli/bin.ts', out: 'openai-invites' }],
    outdir: OUTDIR,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    // As the Lambda bundles (infra/bundling.ts): ESM entry points first, `require` for CommonJS.
    mainFields: ['module', 'main'],
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    define: { __CLI_HELP__: help === undefined ? 'undefined' : JSON.stringify(help) },
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });

export const buildCli = async () => {
  rmSync(OUTDIR, { recursive: true, force: true });
  // First without the help text, to capture what cli.ts prints for --help; then with it, so
  // --help answers without loading the commands.
  await once(undefined);
  const help = execFileSync(process.execPath, [CLI_OUTFILE, '--help'], { encoding: 'utf8' });
  rmSync(OUTDIR, { recursive: true, force: true });
  const result = await once(help);
  chmodSync(CLI_OUTFILE, 0o755);
  // What the bundle leaves to be found at run time, for the test that keeps it to Node's own.
  writeFileSync(CLI_OUTFILE.replace(/\.mjs$/, '.meta.json'), JSON.stringify(result.metafile));
  return result;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
