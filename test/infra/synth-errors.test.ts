/** `cdk synth` with a bad context value: the entry point prints the message naming the key, no stack. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('infra/app.ts (what cdk.json runs)', () => {
  it('prints a configuration error as one line without a stack trace and exits 1', async () => {
    const result = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        'node',
        ['--import', 'tsx', 'infra/app.ts'],
        {
          timeout: 60_000,
          // How the CDK CLI hands `-c authMode=nope` to the app.
          env: {
            ...process.env,
            CDK_CONTEXT_JSON: JSON.stringify({ authMode: 'nope' }),
            CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'synth-error-')),
          },
        },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
      ),
    );

    expect(result).toEqual({
      code: 1,
      stderr: 'Invalid stack configuration: Context authMode must be "iam" or "token".\n',
    });
  }, 60_000);
});
