/** The one test that runs real esbuild bundling (local, no Docker), for every function of the stack. */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStackConfig } from '../../infra/config';
import { InvitesStack } from '../../infra/invites-stack';
import { ROUTES } from '../../lib/http/routes';
import { FEATURE_FLAGS, logicalIdOf, TEST_ENV } from './synth';

const outdir = mkdtempSync(join(tmpdir(), 'invites-cdk-'));

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('bundling', () => {
  // Token mode, so the authorizer is bundled too.
  const app = new App({ outdir, context: FEATURE_FLAGS });
  const stack = new InvitesStack(app, 'Invites', {
    env: TEST_ENV,
    config: parseStackConfig((key) => (key === 'authMode' ? 'token' : undefined)),
  });
  app.synth();
  const template = Template.fromStack(stack).toJSON();

  it.each([...stack.functions.keys()])(
    'builds functions/%s.ts into a loadable ES module',
    async (functionName) => {
      const fn = stack.functions.get(functionName)!;
      const code = template.Resources[logicalIdOf(stack, fn)].Properties.Code as { S3Key: string };
      const assetDir = join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
      const bundle = join(assetDir, 'index.mjs');

      expect(existsSync(bundle)).toBe(true);
      expect(statSync(bundle).size).toBeGreaterThan(1_000);
      // Source maps are off by default (context sourceMaps; infra/bundling.ts says why).
      expect(existsSync(`${bundle}.map`)).toBe(false);
      expect(readFileSync(bundle, 'utf8').startsWith("import { createRequire } from 'module';")).toBe(true);
      const loaded = await import(pathToFileURL(bundle).href);
      expect(typeof loaded.handler).toBe('function');
    },
  );
});

describe('bundling with source maps', () => {
  // One function is enough, and keeps esbuild runs down: the hook is the same for every function.
  const synthInto = (dir: string) => {
    const app = new App({ outdir: dir, context: FEATURE_FLAGS });
    const stack = new InvitesStack(app, 'Invites', {
      env: TEST_ENV,
      config: parseStackConfig((key) => (key === 'sourceMaps' ? true : undefined)),
      routes: ROUTES.filter((route) => route.functionName === 'create-invite'),
      workers: [],
    });
    app.synth();
    const fn = stack.functions.get('create-invite')!;
    const code = Template.fromStack(stack).toJSON().Resources[logicalIdOf(stack, fn)].Properties.Code;
    return (code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
  };
  const shallow = synthInto(join(outdir, 'maps'));
  const deep = synthInto(join(outdir, 'a', 'much', 'deeper', 'cdk.out'));

  it('gives the same asset hash whatever the synth output directory (issue 17)', () => {
    expect(deep).toBe(shallow);
  });

  it('names sources relative to the project, never the output directory', () => {
    const map = JSON.parse(readFileSync(join(outdir, 'maps', `asset.${shallow}`, 'index.mjs.map'), 'utf8'));
    const sources = map.sources as string[];

    expect(sources).toContain('functions/create-invite.ts');
    expect(sources).toContain('lib/commons/logger.ts');
    for (const source of sources) expect(source).not.toContain(outdir);
  });
});
