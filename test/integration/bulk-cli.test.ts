/**
 * The bulk CLI as an operator runs it: a child process reading a real file, sending to a gateway
 * or straight to SQS (moto), with a summary and an exit code that tells whether all was accepted.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SqsQueue } from '../../lib/bulk/queue';
import { setQueues } from '../../lib/bulk/runtime';
import { LocalGateway } from '../../local/gateway';
import { createQueuePair, drain } from '../support/queues';

const directory = mkdtempSync(join(tmpdir(), 'bulk-cli-'));
const csv = join(directory, 'wave.csv');
const jsonl = join(directory, 'wave.jsonl');
writeFileSync(
  csv,
  [
    'email,role,projects',
    'ada@example.com,reader,',
    'grace@example.com,owner,proj_a:member;proj_b:owner',
    'bad-email,reader,',
    'lin@example.com,admin,',
    'none@example.com,reader,-',
  ].join('\n'),
);
writeFileSync(
  jsonl,
  '{"email":"x@example.com","role":"reader"}\n{"email":"y@example.com","role":"owner","projects":[]}\n',
);

const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) =>
    execFile('node', ['cli/bin/openai-invites.mjs', ...args], { timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );

const gateway = new LocalGateway();
let gatewayUrl: string;
let queue: SqsQueue;

beforeAll(async () => {
  gatewayUrl = await gateway.start();
});
afterAll(async () => {
  await gateway.stop();
  setQueues({});
});
beforeEach(async () => {
  const pair = await createQueuePair();
  queue = pair.queue;
  setQueues(pair);
});

describe('openai-invites bulk-invite', () => {
  it('checks a file with --dry-run, reports each bad line, sends nothing and exits 1', async () => {
    const result = await cli(['bulk-invite', csv, '--dry-run', '--gateway', gatewayUrl]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${csv}:4: Invalid value for 'email'`);
    expect(result.stderr).toContain(`${csv}:5: Invalid value for 'role'`);
    expect(result.stdout).toContain('5 lines: 3 valid, 2 rejected.');
    expect(await drain(queue)).toEqual([]);
  });

  it('posts the valid lines to the gateway, summarises, and exits 1 because lines were rejected', async () => {
    const result = await cli(['bulk-invite', csv, '--gateway', gatewayUrl, '--job-id', 'wave-42']);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'Enqueued 3 of 3 valid invites in 1 job(s): wave-42. Rejected 2 line(s).',
    );
    const messages = await drain(queue);
    expect(messages.map((message) => JSON.parse(message.body).email).sort()).toEqual([
      'ada@example.com',
      'grace@example.com',
      'none@example.com',
    ]);
    expect(messages[0]?.attributes.job_id).toBe('wave-42');
  });

  it('sends JSONL straight to SQS with --queue-url and exits 0 when all was accepted', async () => {
    const result = await cli(['bulk-invite', jsonl, '--queue-url', queue.url, '--source', 'hr-csv']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Enqueued 2 of 2 valid invites');
    const messages = await drain(queue);
    expect(messages).toHaveLength(2);
    expect(messages[0]?.attributes.source).toBe('hr-csv');
  });

  it('exits 1 and says why when the gateway refuses', async () => {
    const result = await cli(['bulk-invite', jsonl, '--gateway', `${gatewayUrl}/nope`]);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Not sent: job .* HTTP 404/);
  });
});
