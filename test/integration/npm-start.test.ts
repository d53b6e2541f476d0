/**
 * `npm start` as a newcomer runs it: every block of the README and docs/ marked
 * `<!-- runnable: npm start -->`, run exactly as printed (ports aside), prints what the page says
 * it prints, and Ctrl-C stops it cleanly.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { InvitesSimulator } from '../../local/openai-simulator';
import { type Listener, startListener } from '../support/listener';
import { freePort } from '../support/moto';
import { kill, npmStartEnv, type Started, startNpm } from '../support/npm-start';
import { runnableBlocks, type Step } from '../support/runnable-docs';

const run = (script: string, env: Record<string, string> = {}): Promise<string> =>
  new Promise((resolve, reject) =>
    execFile(
      'bash',
      ['-c', script],
      { timeout: 60_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    ),
  );

/** Runs documented steps as printed (ports aside) and checks each against its `# →` line. */
const checkSteps = async (
  steps: Step[],
  env: Record<string, string> = {},
  where = 'README',
): Promise<void> => {
  const separator = '@@step@@';
  const script = steps
    .map((step) => `${step.script}\necho; echo ${separator}`)
    .join('\n')
    .replaceAll('127.0.0.1:3000', `127.0.0.1:${port}`)
    .replaceAll('127.0.0.1:3001', `127.0.0.1:${simulatorPort}`);
  const outputs = (await run(`set -euo pipefail\n${script}`, env)).split(`${separator}\n`);

  for (const [index, step] of steps.entries()) {
    if (!step.expected) continue;
    const printed = outputs[index]!.replaceAll('\r', '');
    // "…" stands for parts that differ every run; the rest must appear in order.
    let from = 0;
    for (const piece of step.expected.split('…').filter((part) => part !== '')) {
      const at = printed.indexOf(piece, from);
      expect(
        at,
        `${where}, step ${index + 1}: ${step.script}\nexpected ${JSON.stringify(piece)} in\n${printed}`,
      ).toBeGreaterThanOrEqual(0);
      from = at + piece.length;
    }
  }
};

let main: Started;
let child: ChildProcess;
let output = '';
let port: number;
let simulatorPort: number;

beforeAll(async () => {
  [port, simulatorPort] = [await freePort(), await freePort()];
  main = await startNpm({ PORT: String(port), SIMULATOR_PORT: String(simulatorPort) });
  child = main.child;
  output = main.output();
}, 60_000);

afterAll(() => {
  kill(main);
});

describe('npm start', () => {
  it('says what it serves, which upstream it calls and where the key comes from', () => {
    expect(output).toContain(`Local gateway on http://127.0.0.1:${port}/v1`);
    expect(output).toContain(
      `POST   http://127.0.0.1:${port}/v1/organization/invites  → functions/create-invite.ts`,
    );
    expect(output).toContain(`OpenAI invites simulator at http://127.0.0.1:${simulatorPort}/v1`);
    expect(output).toMatch(/admin key +none needed/);
  });

  it('serves the job route from its SQLite ledger (without one it would answer 500)', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/v1/organization/invites/bulk/wave-unknown`);

    expect(output).toMatch(/ledger +SQLite in \/.*invites-state-/);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('job_not_found');
  });

  it("prints what the README's Try it says for each of its examples, run as printed", async () => {
    const tryIt = runnableBlocks().find((block) => block.file === 'README.md' && block.heading === 'Try it');
    expect(tryIt?.steps.filter((step) => step.expected).length).toBeGreaterThanOrEqual(7);

    await checkSteps(tryIt!.steps, {}, 'README.md, Try it');
  });

  it("gets 202 for docs/hr-webhooks.md's signed webhook-example of every HR provider, run as printed", async () => {
    const block = runnableBlocks().find((each) => each.file === 'docs/hr-webhooks.md');
    const providers = block!.steps.map((step) => /webhook-example (\w+)/.exec(step.script)?.[1]);
    expect(providers).toEqual(['standard', 'greenhouse', 'okta', 'bamboohr']);
    expect(block!.steps.every((step) => step.expected?.endsWith(' HTTP 202'))).toBe(true);

    // The CLI's default gateway is 127.0.0.1:3000; this run's gateway is on another port.
    await checkSteps(block!.steps, { INVITES_API_URL: `http://127.0.0.1:${port}/v1` }, 'docs/hr-webhooks.md');
  }, 90_000);

  it('prints what every other runnable block of docs/ says, run as printed', async () => {
    const others = runnableBlocks().filter(
      (block) => block.file !== 'README.md' && block.file !== 'docs/hr-webhooks.md',
    );
    expect(others.map((block) => block.file)).toEqual(
      expect.arrayContaining(['docs/api.md', 'docs/cli.md', 'docs/lifecycle.md', 'docs/local.md']),
    );

    try {
      for (const block of others) {
        expect(
          block.steps.some((step) => step.expected),
          `${block.file}: a runnable block checks its output`,
        ).toBe(true);
        await checkSteps(
          block.steps,
          { INVITES_API_URL: `http://127.0.0.1:${port}/v1` },
          `${block.file}, ${block.heading}`,
        );
      }
    } finally {
      // docs/cli.md and docs/lifecycle.md write their example files where they run, in the project.
      for (const file of ['wave.csv', 'roster.csv'])
        rmSync(new URL(`../../${file}`, import.meta.url), { force: true });
    }
  }, 120_000);

  it('on a busy port says which port and how to choose another, and exits 1', async () => {
    const second = spawn('npm', ['start', '--silent'], {
      env: npmStartEnv({ PORT: String(port), SIMULATOR_PORT: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let printed = '';
    second.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    second.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));

    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));

    expect(code).toBe(1);
    expect(printed).toContain(
      `npm start failed: port ${port} on 127.0.0.1 is already in use (another \`npm start\`?). Stop that process, or choose another port: PORT=${port + 100} npm start`,
    );
  }, 60_000);

  it('stops cleanly on Ctrl-C', async () => {
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );

    process.kill(-child.pid!, 'SIGINT');
    const { code, signal } = await exited;

    // npm re-raises the SIGINT it forwarded; the gateway itself shut down and exited 0.
    expect(code === 0 || signal === 'SIGINT').toBe(true);
    // The terminal has readable lines; the JSON log lines are in the state folder's log file.
    expect(main.output()).toContain('Stopping: finishing the requests and the batches in flight');
    expect(main.output()).toMatch(/\n\d+ invites wait for the next start/);
    // A reconcile's log line counts `"failed":0`; any error or failure said in words fails.
    expect(main.output()).not.toMatch(/Error|failed(?!":)/);
    await expect(fetch(`http://127.0.0.1:${port}/v1/organization/invites`)).rejects.toThrow();
  });
});

describe('npm start in a shell set up for the SDK', () => {
  let selfAimed: Started | undefined;

  afterAll(() => {
    kill(selfAimed);
  });

  it('ignores an OPENAI_BASE_URL that points at the gateway itself, and the SDK’s key with it', async () => {
    const selfPort = await freePort();
    selfAimed = await startNpm({
      PORT: String(selfPort),
      SIMULATOR_PORT: '0',
      OPENAI_BASE_URL: `http://localhost:${selfPort}/v1`,
      OPENAI_ADMIN_KEY: 'sk-admin-test-sdk-side',
    });

    const answer = await fetch(`http://127.0.0.1:${selfPort}/v1/organization/invites`);

    expect(selfAimed.output()).toContain('OPENAI_BASE_URL is not read');
    expect(selfAimed.output()).toContain('OPENAI_ADMIN_KEY is ignored too');
    expect(selfAimed.output()).toMatch(/upstream +OpenAI invites simulator/);
    expect(answer.status).toBe(200);
  }, 60_000);
});

describe('npm start with a real key (issue 16)', () => {
  const upstream = new InvitesSimulator({ apiKeys: ['sk-admin-test-real-key-stand-in'] });
  let withKey: Started | undefined;

  afterAll(async () => {
    kill(withKey);
    await upstream.stop();
  });

  it('warns at start, listens on 127.0.0.1 only, and answers a DNS-rebinding request 403 without calling OpenAI', async () => {
    const keyPort = await freePort();
    withKey = await startNpm({
      PORT: String(keyPort),
      INVITES_UPSTREAM_URL: await upstream.start(),
      OPENAI_ADMIN_KEY: 'sk-admin-test-real-key-stand-in',
    });
    // The request: curl -H 'Host: attacker.example' http://127.0.0.1:3000/v1/organization/invites -d …
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request(`http://127.0.0.1:${keyPort}/v1/organization/invites`, {
        method: 'POST',
        headers: { Host: 'attacker.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      })
        .on('response', (response) => {
          response.resume();
          resolve(response.statusCode);
        })
        .on('error', reject)
        .end('{"email":"x@example.com","role":"owner"}');
    });

    expect(withKey.output()).toMatch(/security +WARNING: no authentication here/);
    expect(withKey.output()).toContain('Bound to 127.0.0.1 only');
    expect(status).toBe(403);
    expect(upstream.requests).toEqual([]);
    // Not reachable on another address of this machine.
    await expect(fetch(`http://[::1]:${keyPort}/v1/organization/invites`)).rejects.toThrow();
  }, 60_000);
});

describe('npm start and OPENAI_BASE_URL (issue 29, item 1)', () => {
  const upstream = new InvitesSimulator({ apiKeys: ['sk-admin-test-real-key-stand-in'] });
  let started: Started | undefined;
  let listener: Listener | undefined;

  afterAll(async () => {
    kill(started);
    await upstream.stop();
    await listener?.stop();
  });

  it('sends the key only to INVITES_UPSTREAM_URL, says once that OPENAI_BASE_URL is not read, and the listener there gets nothing', async () => {
    listener = await startListener();
    const port = await freePort();
    started = await startNpm({
      PORT: String(port),
      OPENAI_BASE_URL: listener.url,
      INVITES_UPSTREAM_URL: await upstream.start(),
      OPENAI_ADMIN_KEY: 'sk-admin-test-real-key-stand-in',
    });

    const answer = await fetch(`http://127.0.0.1:${port}/v1/organization/invites`);

    expect(answer.status).toBe(200);
    expect(listener.requests).toEqual([]);
    expect(upstream.requests.length).toBeGreaterThan(0);
    expect(started.output().match(/OPENAI_BASE_URL is not read/g)).toHaveLength(1);
    expect(started.output()).toMatch(new RegExp(`upstream +${upstream.url}`));
  }, 60_000);
});
