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
