/**
 * The runbook's "the DLQ has messages" through `npm start` itself, with the CLI as the operator
 * runs it: a bulk job watched to the end with one invite refused, the dead letter listed, redriven
 * once the cause is gone, and the job completed with nothing failed. And issue 14's job of 200 with
 * 5 invalid items through 429s and 5xx: `job --watch` ends with exact counts and every failure.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { freePort } from '../support/moto';

const execFileAsync = promisify(execFile);
let child: ChildProcess;
let output = '';
let gateway: string;
let simulator: string;

beforeAll(async () => {
  const [port, simulatorPort] = [await freePort(), await freePort()];
  gateway = `http://127.0.0.1:${port}/v1`;
  simulator = `http://127.0.0.1:${simulatorPort}`;
  child = spawn('npm', ['start', '--silent'], {
    detached: true,
    env: {
      ...process.env,
      PORT: String(port),
      SIMULATOR_PORT: String(simulatorPort),
      OPENAI_ADMIN_KEY_SECRET_ID: '',
      OPENAI_BASE_URL: '',
      INVITES_UPSTREAM_URL: '',
      OPENAI_ADMIN_KEY: '',
      INVITE_QUEUE_URL: '',
      INVITE_DLQ_URL: '',
      // The 200-invite job below in seconds: the simulator has no rate limit of its own here.
      OPENAI_RATE_LIMIT_RPS: '100',
      // Its own state, once npm start keeps one (LOCAL_STATE_DIR): nothing left from another run.
      LOCAL_STATE_DIR: mkdtempSync(join(tmpdir(), 'npm-start-cli-state-')),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const giveUpAt = Date.now() + 30_000;
  while (!output.includes('Ctrl-C stops it.')) {
    if (child.exitCode !== null || Date.now() > giveUpAt)
      throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 60_000);

afterAll(() => {
  if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
});

describe('the CLI against npm start', () => {
  it('watches a job, lists its dead letter, redrives it after the fix, and the job ends with nothing failed', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'npm-start-cli-')), 'wave.csv');
    writeFileSync(file, 'email,role\nn0@example.com,reader\nn1@example.com,reader\nn2@example.com,reader\n');
    // OpenAI refuses the first create for good (an unknown project, say).
    const fault = await fetch(`${simulator}/_simulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        kind: 'status',
        method: 'POST',
        pathPrefix: '/organization/invites',
        status: 400,
        body: {
          error: {
            message: 'Project proj_x not found.',
            type: 'invalid_request_error',
            param: null,
            code: 'project_not_found',
          },
        },
      }),
    });
    expect(fault.status).toBe(200);
    expect(output).toContain(
      `GET    http://127.0.0.1:${new URL(gateway).port}/local/dead-letters  → the in-process DLQ`,
    );

    const sent = await runCli(['bulk-invite', file, '--job-id', 'start-1', '--wait', '--interval', '0.3'], {
      INVITES_API_URL: gateway,
    });
    const listed = await runCli(['dlq', 'list', '--job', 'start-1'], { INVITES_API_URL: gateway });
    const redriven = await runCli(['dlq', 'redrive'], { INVITES_API_URL: gateway });
    const watched = await runCli(['job', 'start-1', '--watch', '--interval', '0.3'], {
      INVITES_API_URL: gateway,
    });

    expect(sent.code).toBe(1);
    expect(sent.stdout).toContain(
      'Job start-1: completed, 3 of 3 invites settled (created 2, already_invited 0, revoked 0, failed 1, pending 0).',
    );
    // --wait names each failure by the file and line it came from.
    expect(sent.stdout).toMatch(
      / {2}\S+wave\.csv:\d n\d@example\.com {2}project_not_found: Project proj_x not found\./,
    );
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      /n\d@example\.com +start-1 +\d +project_not_found +1 +\d+s +Project proj_x/,
    );
    expect(listed.stdout).toContain('1 dead letter of job start-1 in');
    expect(redriven).toMatchObject({ code: 0 });
    expect(redriven.stdout).toContain('Moved 1 dead letter back to the bulk queue.');
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain(
      'Job start-1: completed, 3 of 3 invites settled (created 3, already_invited 0, revoked 0, failed 0, pending 0).',
    );
  }, 90_000);

  it('a job of 200 with 5 invalid items, through 429s and 5xx: job --watch ends with exact counts and every failure by index', async () => {
    const emails = Array.from({ length: 200 }, (_, index) => `w${index}@example.com`);
    const file = join(mkdtempSync(join(tmpdir(), 'npm-start-cli-')), 'wave-200.csv');
    writeFileSync(file, ['email,role', ...emails.map((email) => `${email},reader`)].join('\n'));
    const inject = async (fault: object) => {
      const answer = await fetch(`${simulator}/_simulator/faults`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(fault),
      });
      expect(answer.status).toBe(200);
    };
    const refusal = { message: 'Project proj_x not found.', type: 'invalid_request_error', param: null };
    // Five creates refused for good; five throttled in a row, naming no wait at all (no Retry-After,
    // nothing in the message): the shared budget backs off (1, 2, 4, 8 s), then climbs back to the
    // configured rate within a minute (docs/rate-budget.md); ten upstream errors.
    await inject({
      kind: 'status',
      method: 'POST',
      pathPrefix: '/organization/invites',
      status: 400,
      times: 5,
      body: { error: { ...refusal, code: 'project_not_found' } },
    });
    await inject({
      kind: 'status',
      method: 'POST',
      pathPrefix: '/organization/invites',
      status: 429,
      times: 5,
      body: {
        error: {
          message: 'Rate limit reached for requests.',
          type: 'requests',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    });
    await inject({
      kind: 'status',
      method: 'POST',
      pathPrefix: '/organization/invites',
      status: 503,
      times: 10,
    });

    const sent = await runCli(['bulk-invite', file, '--job-id', 'wave-200'], { INVITES_API_URL: gateway });
    expect(sent.code).toBe(0);
    const watched = await runCli(['job', 'wave-200', '--watch', '--interval', '0.5'], {
      INVITES_API_URL: gateway,
    });

    expect(watched.code).toBe(1);
    expect(watched.stdout).toContain(
      'Job wave-200: completed, 200 of 200 invites settled (created 195, already_invited 0, revoked 0, failed 5, pending 0).',
    );
    const failures = watched.stdout.match(
      / {2}#\d+ w\d+@example\.com {2}project_not_found: Project proj_x not found\./g,
    );
    expect(failures).toHaveLength(5);
    // Each invite exists once at the simulator, whatever was retried or redelivered.
    const state = (await (await fetch(`${simulator}/_simulator/state`)).json()) as {
      invites: { email: string }[];
    };
    const made = state.invites.filter((invite) => invite.email.startsWith('w')).map((invite) => invite.email);
    expect(new Set(made).size).toBe(made.length);
    expect(made).toHaveLength(195);
  }, 120_000);
});

describe('the seeds’ bash client against npm start (issue 29, item 9)', () => {
  it('deletes an invite with exactly what it sends: curl -d "" -X DELETE (an empty body declared as a form)', async () => {
    // Prepare: an invite to delete.
    const created = await fetch(`${gateway}/organization/invites`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'seed-bash@example.com', role: 'reader' }),
    });
    const { id } = (await created.json()) as { id: string };

    // Act: curl as the generated bash client runs it.
    const { stdout } = await execFileAsync('curl', [
      '-sS',
      '-d',
      '',
      '-X',
      'DELETE',
      '-H',
      'Accept: application/json',
      `${gateway}/organization/invites/${id}`,
    ]);

    // Assess
    expect(JSON.parse(stdout)).toEqual({ object: 'organization.invite.deleted', id, deleted: true });
  });
});
