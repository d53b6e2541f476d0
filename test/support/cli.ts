/** `openai-invites` run as an operator runs it: a child process, its exit code and its output. */
import { execFile } from 'node:child_process';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `onStdout` sees the output as it comes, for a test that acts while the command runs. */
export const runCli = (
  args: string[],
  env: Record<string, string | undefined> = {},
  onStdout?: (chunk: string) => void,
): Promise<CliResult> =>
  new Promise((resolve) => {
    const child = execFile(
      'node',
      ['dist/openai-invites.mjs', ...args],
      { timeout: 90_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    if (onStdout) child.stdout?.on('data', (chunk: Buffer) => onStdout(chunk.toString()));
  });
