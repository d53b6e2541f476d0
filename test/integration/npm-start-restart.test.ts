/**
 * `npm start` remembers (issue 14): Ctrl-C in the middle of a bulk job of 200 against a slow
 * simulator keeps every queued invite and says how many; the next start on the same state folder
 * resumes them, and all 200 end created exactly once. A second start on a folder in use refuses.
 */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/moto';
import { interrupt, kill, npmStartEnv, type Started, startNpm, tempStateDir } from '../support/npm-start';

const JOB_ID = 'wave-restart';
const TOTAL = 200;

/** Slow enough that Ctrl-C lands mid-job, fast enough that the whole test stays well under a minute. */
const SLOW = { SIMULATOR_LATENCY_MS: '100', SIMULATOR_RATE_LIMIT_RPS: '40', OPENAI_RATE_LIMIT_RPS: '20' };

interface JobProgress {
  status: string;
  counts: Record<'created' | 'already_invited' | 'revoked' | 'failed' | 'pending', number>;
}

const stateDir = tempStateDir();
let port: number;
let first: Started | undefined;
let second: Started | undefined;

afterAll(() => {
  kill(first);
  kill(second);
});

const start = async () => {
  port ??= await freePort();
  return startNpm({ ...SLOW, PORT: String(port), SIMULATOR_PORT: '0', LOCAL_STATE_DIR: stateDir });
};

const progress = async (): Promise<JobProgress> => {
  const response = await fetch(`http://127.0.0.1:${port}/v1/organization/invites/bulk/${JOB_ID}`);
  expect(response.status).toBe(200);
  return (await response.json()) as JobProgress;
};

const waitFor = async (done: (job: JobProgress) => boolean, timeoutMs: number): Promise<JobProgress> => {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const job = await progress();
    if (done(job)) return job;
    if (Date.now() > giveUpAt) throw new Error(`job still at ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/** Every invite in the simulator's organization, through the gateway's list route, page by page. */
const organizationEmails = async (): Promise<string[]> => {
  const emails: string[] = [];
  let after: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ limit: '100', ...(after ? { after } : {}) });
    const response = await fetch(`http://127.0.0.1:${port}/v1/organization/invites?${query}`);
    const page = (await response.json()) as { data: { email: string }[]; has_more: boolean; last_id: string };
    emails.push(...page.data.map((invite) => invite.email));
    if (!page.has_more) return emails;
    after = page.last_id;
  }
};

describe('npm start across a Ctrl-C', () => {
  it('keeps the queued invites of a job cut short, says how many, and refuses a second start on the folder', async () => {
    first = await start();
    const invites = Array.from({ length: TOTAL }, (_, index) => ({
      email: `restart${index}@example.com`,
      role: 'reader',
    }));
    const accepted = await fetch(`http://127.0.0.1:${port}/v1/organization/invites/bulk`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ job_id: JOB_ID, invites }),
    });
    expect(accepted.status).toBe(202);
    await waitFor((job) => job.counts.created >= 20, 30_000);

    // A second start on the same folder, on other ports: refused before it serves anything.
    const refused = spawn('npm', ['start', '--silent'], {
      env: npmStartEnv({ PORT: String(await freePort()), SIMULATOR_PORT: '0', LOCAL_STATE_DIR: stateDir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let printed = '';
    refused.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    refused.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    expect(await new Promise((resolve) => refused.once('exit', resolve))).toBe(1);
    expect(printed).toContain(
      `npm start failed: ${stateDir}/state.db is in use by another \`npm start\`. Stop that one, or give this one its own folder: LOCAL_STATE_DIR=${stateDir}-2 npm start`,
    );

    const stoppedAt = Date.now();
    const { code, signal } = await interrupt(first);

    expect(code === 0 || signal === 'SIGINT').toBe(true);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    const waiting = /\n(\d+) invites wait for the next start/.exec(first.output());
    expect(waiting, first.output().slice(-2000)).not.toBeNull();
    expect(Number(waiting![1])).toBeGreaterThan(0);
    expect(Number(waiting![1])).toBeLessThan(TOTAL);
    expect(first.output()).not.toMatch(/Error|failed/);
  }, 60_000);

  it('resumes them at the next start, and ends with all 200 created exactly once', async () => {
    const waiting = Number(/\n(\d+) invites wait for the next start/.exec(first!.output())![1]);
    second = await start();

    expect(second.output()).toMatch(
      new RegExp(`resuming +${waiting} invites and 0 leavers queued by the last run`),
    );
    const job = await waitFor((current) => current.status === 'completed', 40_000);
    expect(job.counts).toEqual({ created: TOTAL, already_invited: 0, revoked: 0, failed: 0, pending: 0 });
    const emails = await organizationEmails();
    expect(emails).toHaveLength(TOTAL);
    expect(new Set(emails).size).toBe(TOTAL);
  }, 60_000);
});

describe('npm start and a second Ctrl-C', () => {
  const dir = tempStateDir();
  let stuck: Started | undefined;
  let resumed: Started | undefined;

  afterAll(() => {
    kill(stuck);
    kill(resumed);
  });

  it('exits at once while a batch is still in flight, and the next start still settles every accepted invite', async () => {
    const stuckPort = await freePort();
    // Each upstream call takes 2 s: the first Ctrl-C then waits on the worker's batch.
    stuck = await startNpm({
      SIMULATOR_LATENCY_MS: '2000',
      PORT: String(stuckPort),
      SIMULATOR_PORT: '0',
      LOCAL_STATE_DIR: dir,
    });
    const invites = Array.from({ length: 30 }, (_, index) => ({
      email: `twice${index}@example.com`,
      role: 'reader',
    }));
    const accepted = await fetch(`http://127.0.0.1:${stuckPort}/v1/organization/invites/bulk`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ job_id: 'wave-twice', invites }),
    });
    expect(accepted.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const exited = new Promise<number | null>((resolve) => stuck!.child.once('close', resolve));
    process.kill(-stuck.child.pid!, 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const secondAt = Date.now();
    process.kill(-stuck.child.pid!, 'SIGINT');
    await exited;

    expect(Date.now() - secondAt).toBeLessThan(2_000);
    expect(stuck.output()).toContain(
      'Stopped at once; the messages accepted so far wait for the next start.',
    );
    expect(stuck.output()).not.toMatch(/invites wait for the next start/);

    const resumedPort = await freePort();
    resumed = await startNpm({ PORT: String(resumedPort), SIMULATOR_PORT: '0', LOCAL_STATE_DIR: dir });
    const giveUpAt = Date.now() + 30_000;
    let job: JobProgress;
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const response = await fetch(`http://127.0.0.1:${resumedPort}/v1/organization/invites/bulk/wave-twice`);
      job = (await response.json()) as JobProgress;
    } while (job.status !== 'completed' && Date.now() < giveUpAt);

    // An invite made by the call cut short reads "already invited" on its redelivery: made once either way.
    expect(job.counts.created + job.counts.already_invited).toBe(30);
    expect(job.counts).toMatchObject({ failed: 0, pending: 0 });
    const list = await fetch(`http://127.0.0.1:${resumedPort}/v1/organization/invites?limit=100`);
    const emails = ((await list.json()) as { data: { email: string }[] }).data.map((invite) => invite.email);
    expect(new Set(emails)).toEqual(new Set(invites.map((invite) => invite.email)));
    expect(emails).toHaveLength(30);
  }, 60_000);
});
