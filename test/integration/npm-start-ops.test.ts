/**
 * Issue 28 against `npm start` itself, with the CLI as an operator runs it: the export lines it
 * prints are what the CLI reads, one readable line per invite outcome (JSON logs in a file), a
 * taken simulator port refused, `smoke` passing without inviting anyone, `jobs` newest first,
 * `status` on one screen, the list route refusing an unknown query parameter, quiet EPIPE.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { freePort } from '../support/moto';
import { kill, npmStartEnv, type Started, startNpm, tempStateDir } from '../support/npm-start';

let started: Started;
let stateDir: string;
let exports: Record<string, string>;
let simulator: string;

/** `export NAME=value` lines of the banner, as a shell would read them. */
const exportLines = (output: string): Record<string, string> =>
  Object.fromEntries([...output.matchAll(/^export (\w+)=(\S+)$/gm)].map((match) => [match[1]!, match[2]!]));

beforeAll(async () => {
  stateDir = tempStateDir();
  started = await startNpm({
    PORT: String(await freePort()),
    SIMULATOR_PORT: String(await freePort()),
    LOCAL_STATE_DIR: stateDir,
    OPENAI_RATE_LIMIT_RPS: '8/min',
    INVITE_QUEUE_URL: '',
    INVITE_DLQ_URL: '',
    LOG_FORMAT: '',
  });
  exports = exportLines(started.output());
  simulator = exports.INVITES_SIMULATOR_URL!;
}, 60_000);
afterAll(() => kill(started));

/** The CLI in a shell where the export lines were pasted, and no --gateway. */
const cli = (args: string[]) => runCli(args, { ...exports, INVITES_API_TOKEN: undefined });

const simulatorInvites = async (): Promise<unknown[]> =>
  ((await (await fetch(`${simulator}/_simulator/state`)).json()) as { invites: unknown[] }).invites;

describe('npm start for an operator', () => {
  it('prints export lines for the URLs the CLI and examples/sdk.mjs read', () => {
    expect(exports.INVITES_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(exports.INVITES_SIMULATOR_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.output()).toContain('unset INVITES_API_TOKEN');
    expect(readFileSync('examples/sdk.mjs', 'utf8')).toContain('process.env.INVITES_API_URL');
  });

  it('smoke passes against it and invites nobody', async () => {
    const before = await simulatorInvites();
    const result = await cli(['smoke']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Smoke test of ${exports.INVITES_API_URL} (nobody is invited):`);
    expect(result.stdout).toMatch(/^ok +auth, and the Admin key accepted by OpenAI/m);
    expect(result.stdout).toMatch(/^ok +an unknown invite is a 404 in OpenAI's error shape/m);
    expect(result.stdout).toMatch(/^ok +the bulk queue is reachable: in-process/m);
    expect(result.stdout).toContain('All 6 checks passed.');
    expect(await simulatorInvites()).toEqual(before);
  });

  it('smoke exits non-zero with the cause when a check fails, and 3 when nothing answers', async () => {
    const rejecting = await fetch(`${simulator}/_simulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        kind: 'status',
        method: 'GET',
        pathPrefix: '/organization/invites',
        status: 401,
        times: 1,
        body: {
          error: {
            message: 'Incorrect API key provided.',
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_api_key',
          },
        },
      }),
    });
    expect(rejecting.status).toBeLessThan(300);
    const failed = await cli(['smoke']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^FAIL {2}auth, and the Admin key accepted by OpenAI .*: HTTP \d{3}/m);
    expect(failed.stdout).toMatch(/checks failed\.$/m);

    const nowhere = await runCli(['smoke', '--gateway', `http://127.0.0.1:${await freePort()}/v1`]);
    expect(nowhere.code).toBe(3);
    expect(nowhere.stderr).toContain('Cannot reach the gateway');
  });

  it('shows one readable line per invite outcome, with the JSON lines in the state folder', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ops-')), 'wave.csv');
    writeFileSync(file, 'Name,Work Email\nAda,ops-ada@example.com\nLin,ops-lin@example.com\n');
    const sent = await cli([
      'bulk-invite',
      file,
      '--role',
      'reader',
      '--job-id',
      'ops-wave-1',
      '--wait',
      '--interval',
      '0.3',
    ]);
    expect(sent.code).toBe(0);

    expect(started.output()).toMatch(
      /\d\d:\d\d:\d\d {2}invite\.created +ops-ada@example\.com invite-\S+ {2}\(bulk:cli, job ops-wave-1\)/,
    );
    expect(started.output()).not.toMatch(/^\{"level"/m);
    const logFile = join(stateDir, 'npm-start.log.jsonl');
    expect(existsSync(logFile)).toBe(true);
    const logged = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(logged.some((entry) => entry.audit?.email === 'ops-lin@example.com')).toBe(true);
  }, 60_000);

  it('jobs lists recent jobs newest first, and job ids the API would refuse exit 2', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ops-')), 'two.csv');
    writeFileSync(file, 'email,role\nops-two@example.com,reader\n');
    expect((await cli(['bulk-invite', file, '--job-id', 'ops-wave-2'])).code).toBe(0);

    const listed = await cli(['jobs']);
    expect(listed.code).toBe(0);
    const rows = listed.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^JOB +STATUS +SETTLED +COUNTS +STARTED$/);
    expect(rows.findIndex((row) => row.startsWith('ops-wave-2'))).toBeLessThan(
      rows.findIndex((row) => row.startsWith('ops-wave-1')),
    );
    const json = JSON.parse((await cli(['jobs', '--json', '--limit', '1'])).stdout);
    expect(json).toMatchObject({ object: 'list', has_more: true, data: [{ job_id: 'ops-wave-2' }] });

    const bad = await cli(['job', 'bad id!']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a job id');
  }, 60_000);

  it('status shows the product on one screen: recent jobs, queue, dead letters, leavers, the OpenAI rate', async () => {
    const result = await cli(['status']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Gateway ${exports.INVITES_API_URL}\n  reachable (npm start; upstream`);
    expect(result.stdout).toMatch(/recent jobs: \d/);
    expect(result.stdout).toMatch(/Bulk queue\n {2}\d+ waiting or in flight \(in-process\)/);
    expect(result.stdout).toContain('Dead letters\n  none');
    expect(result.stdout).toContain('Awaiting offboarding\n  nobody');
    // Invites were created above, so the shared budget has read its bucket: the learned rate,
    // never above the configured 8/min.
    const rate = /OpenAI rate\n {2}([\d.]+) requests\/s \(([\d.]+)\/min, learned\)/.exec(result.stdout);
    expect(rate, result.stdout).not.toBeNull();
    expect(Number(rate![2])).toBeGreaterThan(0);
    expect(Number(rate![2])).toBeLessThanOrEqual(8);
  });

  it("answers a list with an unknown query parameter with a 400 naming it, in OpenAI's shape", async () => {
    const answer = await fetch(`${exports.INVITES_API_URL}/organization/invites?status=pending`);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({
      error: {
        message: "Unknown query parameter 'status': this route reads only 'limit', 'after'.",
        type: 'invalid_request_error',
        param: 'status',
        code: 'unknown_parameter',
      },
    });
  });

  it('refuses a simulator port that is taken instead of moving to another', async () => {
    const holder = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const second = spawn('npm', ['start', '--silent'], {
        env: npmStartEnv({ PORT: String(await freePort()), SIMULATOR_PORT: String(port) }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      second.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      second.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => second.once('close', resolve));
      expect(code).toBe(1);
      expect(output).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(output).toContain('SIMULATOR_PORT=');
    } finally {
      holder.close();
    }
  }, 60_000);
});

describe("the CLI's manners, through its binary", () => {
  it("bare --help is a short overview; COMMAND --help and help COMMAND are the command's own", async () => {
    const overview = await runCli(['--help']);
    expect(overview.code).toBe(0);
    expect(overview.stdout.split('\n').length).toBeLessThan(40);
    expect(overview.stdout).toContain('jobs ');
    expect(overview.stdout).not.toContain('Usage: openai-invites job JOB_ID');
    for (const args of [
      ['job', '--help'],
      ['help', 'job'],
    ]) {
      const own = await runCli(args);
      expect(own.code, args.join(' ')).toBe(0);
      expect(own.stdout, args.join(' ')).toMatch(/^Usage: openai-invites job JOB_ID/);
    }
  });

  it('suggests the flag or command meant, names a missing argument, all exit 2', async () => {
    const flag = await runCli(['job', 'x', '--wach']);
    const command = await runCli(['jbos']);
    const missing = await runCli(['job']);

    expect([flag.code, command.code, missing.code]).toEqual([2, 2, 2]);
    expect(flag.stderr).toBe('openai-invites job: unknown option --wach. Did you mean --watch?\n');
    expect(command.stderr).toMatch(/^openai-invites: unknown command "jbos"\. Did you mean jobs\?/);
    expect(missing.stderr).toMatch(/^openai-invites job: missing JOB_ID, the id bulk-invite printed/);
  });

  it("is a scoped package: npx openai-invites runs the project's own, and --no refuses to fetch any other", async () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
      name: string;
      bin: Record<string, string>;
    };
    expect(manifest.name).toMatch(/^@[a-z0-9-]+\/[a-z0-9-]+$/);
    expect(manifest.bin['openai-invites']).toBeDefined();
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn('npx', ['--no', '--', 'openai-invites', '--version'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.once('close', (code) => resolve({ code, stdout }));
    });
    expect(result).toEqual({ code: 0, stdout: 'openai-invites 0.1.0\n' });
  }, 60_000);

  it('exits quietly when the reader of its output goes away (| head)', async () => {
    const child = spawn('node', ['dist/openai-invites.mjs', 'help', 'dlq'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });
});
