/** One moto_server for the whole test run; its endpoint reaches every test file by `inject`. */
import type { TestProject } from 'vitest/node';
import { startMoto } from './moto';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
  return () => moto.stop();
}
