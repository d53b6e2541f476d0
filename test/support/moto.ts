/**
 * Starts a real `moto_server` on a free loopback port, and stops it. Never skips: without
 * moto_server on PATH the run fails with an install hint.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

export const MOTO_INSTALL_HINT =
  "moto_server was not found on PATH. Install it with: pip install 'moto[server]==5.2.1' (see README, Tests).";

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

const waitUntilUp = async (endpoint: string, child: ChildProcess): Promise<void> => {
  const giveUpAt = Date.now() + 30_000;
  while (Date.now() < giveUpAt) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early with code ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('moto_server did not start within 30 s');
};

export const startMoto = async (): Promise<MotoServer> => {
  if (spawnSync('sh', ['-c', 'command -v moto_server']).status !== 0) throw new Error(MOTO_INSTALL_HINT);
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilUp(endpoint, child);
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
};
