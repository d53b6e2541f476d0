/**
 * The CLI as shipped: `bin` is the JavaScript cli/build.mjs writes into dist/ (the test run's global
 * setup builds it, as `npm ci`'s `prepare` does), which needs Node 24 and nothing else: run from a
 * folder with no node_modules, it still answers --version, --help and a command's --help.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
};

const run = (file: string, args: string[], cwd: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, [file, ...args], { cwd, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );

describe('the compiled CLI', () => {
  it('is what bin names (through a launcher at a path that never changes), and npm ci builds it (prepare)', () => {
    // npx links a project's bin by its path once: a path that moved would leave it dangling.
    expect(packageJson.bin['openai-invites']).toBe('cli/bin/openai-invites.mjs');
    expect(readFileSync('cli/bin/openai-invites.mjs', 'utf8')).toContain(
      "import '../../dist/openai-invites.mjs';",
    );
    expect(packageJson.scripts.prepare).toBe('npm run build:cli');
    expect(packageJson.scripts['build:cli']).toBe('node cli/build.mjs');
    expect(readFileSync('dist/openai-invites.mjs', 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('imports nothing but Node’s own modules at run time (no tsx, no package)', () => {
    const metafile = JSON.parse(readFileSync('dist/openai-invites.meta.json', 'utf8')) as {
      outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
    };
    const external = Object.values(metafile.outputs).flatMap((output) =>
      output.imports.filter((imported) => imported.external).map((imported) => imported.path),
    );

    expect(external.length).toBeGreaterThan(0);
    // The AWS SDK's optional SigV4a signers, asked for in a try only when a request needs SigV4a
    // (multi-region access points), which no call of this CLI makes.
    const optional = new Set(['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a']);
    expect(external.filter((path) => !isBuiltin(path) && !optional.has(path))).toEqual([]);
  });

  it('answers --version and --help from a folder with no node_modules', async () => {
    const shipped = mkdtempSync(join(tmpdir(), 'invites-cli-'));
    cpSync('dist', join(shipped, 'dist'), { recursive: true });
    cpSync('cli/bin', join(shipped, 'cli', 'bin'), { recursive: true });
    copyFileSync('package.json', join(shipped, 'package.json'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'invites-cwd-'));

    const version = await run(join(shipped, 'cli', 'bin', 'openai-invites.mjs'), ['--version'], elsewhere);
    const help = await run(join(shipped, 'dist', 'openai-invites.mjs'), ['--help'], elsewhere);

    expect(version).toEqual({ code: 0, stdout: `openai-invites ${packageJson.version}\n`, stderr: '' });
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: openai-invites COMMAND \[options\]\n/);
    expect(help.stdout).toContain('bulk-invite FILE');
    // --help answers from the entry point with the text captured at build: cli.ts's own, to the byte.
    const source = await run('node_modules/tsx/dist/cli.mjs', ['cli/cli.ts', '--help'], process.cwd());
    expect(help.stdout).toBe(source.stdout);
    // A command loads the commands' chunk from the same folder.
    const job = await run(join(shipped, 'dist', 'openai-invites.mjs'), ['job', '--help'], elsewhere);
    expect(job).toMatchObject({ code: 0, stderr: '' });
    expect(job.stdout).toMatch(/^Usage: openai-invites job JOB_ID/);
  });
});
