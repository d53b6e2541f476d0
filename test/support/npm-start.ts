/** `npm start` as a child process, as a newcomer runs it (test/integration/npm-start*.test.ts). */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Started {
  child: ChildProcess;
  output: () => string;
}

/** A fresh LOCAL_STATE_DIR, so no two runs share a state (or its lock). */
export const tempStateDir = (): string => mkdtempSync(join(tmpdir(), 'invites-state-'));

/** The environment of a start with no upstream, key or state configured by the caller's shell. */
export const npmStartEnv = (env: Record<string, string>): NodeJS.ProcessEnv => ({
  ...process.env,
  OPENAI_ADMIN_KEY_SECRET_ID: '',
  OPENAI_BASE_URL: '',
  INVITES_UPSTREAM_URL: '',
  OPENAI_ADMIN_KEY: '',
  LOCAL_STATE_DIR: tempStateDir(),
  ...env,
});

/** `npm start` in its own process group, so "Ctrl-C" reaches npm and all under it, as in a terminal. */
export const startNpm = async (env: Record<string, string>): Promise<Started> => {
  let output = '';
  const started = spawn('npm', ['start', '--silent'], {
    detached: true,
    env: npmStartEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  started.stdout?.on('data', collect);
  started.stderr?.on('data', collect);
  const giveUpAt = Date.now() + 30_000;
  while (!output.includes('Ctrl-C stops it.')) {
    if (started.exitCode !== null || Date.now() > giveUpAt)
      throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child: started, output: () => output };
};

/** Ctrl-C in its terminal: the signal to npm's whole process group; resolves when it has exited. */
export const interrupt = async (
  started: Started,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> => {
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // 'close', not 'exit': the last lines it printed are read by then.
    started.child.once('close', (code, signal) => resolve({ code, signal })),
  );
  process.kill(-started.child.pid!, 'SIGINT');
  return exited;
};

export const kill = (started: Started | undefined) => {
  if (started && started.child.exitCode === null && started.child.signalCode === null) {
    process.kill(-started.child.pid!, 'SIGKILL');
  }
};
