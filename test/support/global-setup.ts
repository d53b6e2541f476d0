/**
 * One moto_server for the whole test run; its endpoint reaches every test file by `inject`. The
 * CLI is built first (dist/openai-invites.mjs), so its tests run what the source says.
 */
import type { TestProject } from 'vitest/node';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMoto } from './moto';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../cli/build.mjs', import.meta.url))], {
    stdio: 'inherit',
  });
  const moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
  return () => moto.stop();
}
