/**
 * The bulk CLI as an operator runs it: a child process reading a real file, sending to a gateway
 * or straight to SQS (moto), with a summary and an exit code that tells whether all was accepted,
 * and a message naming the cause and the one thing to do when it cannot send.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SqsQueue } from '../../lib/bulk/queue';
import { setQueues } from '../../lib/bulk/runtime';
import { LocalGateway } from '../../local/gateway';
import { freePort } from '../support/moto';
import { createQueuePair, drain } from '../support/queues';

const directory = mkdtempSync(join(tmpdir(), 'bulk-cli-'));
const csv = join(directory, 'wave.csv');
const jsonl = join(directory, 'wave.jsonl');
const hrExport = join(directory, 'hr-export.csv');
const noEmail = join(directory, 'no-email.csv');
writeFileSync(
  hrExport,
  [
    ' Name ,Email,ROLE,Projects,Department',
    'Ada Lovelace,ada@example.com,reader,proj_a:member,Engineering',
    'Lin Chen,lin@example.com,Owner,,Sales',
  ].join('\r\n'),
);
writeFileSync(noEmail, 'name,mail,role\nAda,ada@example.com,reader\nLin,lin@example.com,reader\n');
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

const cli = (
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) =>
    execFile(
      'node',
      ['dist/openai-invites.mjs', ...args],
      // Without the test setup's switch, as a user runs it: the CLI itself keeps the SDK's Node warning out.
      {
        timeout: 60_000,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined, ...env },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );

/** An environment with no AWS configuration at all: no region, no credentials, no config files. */
const bareAws: Record<string, string | undefined> = {
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_CONFIG_FILE: join(directory, 'no-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(directory, 'no-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
};

/**
 * An SQS endpoint that refuses every call with one AWS error (JSON protocol), for the refusals
 * moto does not produce: access denied and throttling.
 */
const refusingSqs = async (code: string, status: number): Promise<{ url: string; server: Server }> => {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(status, {
        'Content-Type': 'application/x-amz-json-1.0',
        'x-amzn-query-error': `${code};Sender`,
      });
      response.end(JSON.stringify({ __type: `com.amazonaws.sqs#${code}`, message: `${code} (test)` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server };
};

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
    expect(result.stdout).toContain('Dry run: nothing was sent.');
    expect(await drain(queue)).toEqual([]);
  });

  it('posts the valid lines to the gateway, summarises, and exits 1 because lines were rejected', async () => {
    const result = await cli(['bulk-invite', csv, '--gateway', gatewayUrl, '--job-id', 'wave-42']);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Enqueued 3 of 3 valid invites in 1 job: wave-42. Rejected 2 lines.');
    const messages = await drain(queue);
    expect(messages.map((message) => JSON.parse(message.body).email).sort()).toEqual([
      'ada@example.com',
      'grace@example.com',
      'none@example.com',
    ]);
    expect(messages[0]?.attributes.job_id).toBe('wave-42');
    expect(messages[0]?.attributes.source).toBe('cli');
  });

  it('reads an HR export (mixed-case header, extra columns) and honours --source through the gateway', async () => {
    const result = await cli(['bulk-invite', hrExport, '--gateway', gatewayUrl, '--source', 'hr-csv']);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('Ignored columns: Name, Department.');
    expect(result.stdout).toContain('2 lines: 2 valid, 0 rejected.');
    expect(result.stdout).toMatch(/Enqueued 2 of 2 valid invites in 1 job: hr-export\.csv-/);
    const messages = await drain(queue);
    expect(
      messages.map((message) => JSON.parse(message.body)).sort((a, b) => a.email.localeCompare(b.email)),
    ).toEqual([
      { email: 'ada@example.com', role: 'reader', projects: [{ id: 'proj_a', role: 'member' }] },
      { email: 'lin@example.com', role: 'owner' },
    ]);
    expect(messages.map((message) => message.attributes.source)).toEqual(['hr-csv', 'hr-csv']);
  });

  it('gives one header error for a CSV without an email column, sends nothing and exits 2', async () => {
    const result = await cli(['bulk-invite', noEmail, '--gateway', gatewayUrl]);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `${noEmail}: The CSV header has no email column (found: "name", "mail", "role"). Name it with --email-column NAME, or give the file a first line naming email, role and optionally projects, in any case and order; other columns are ignored.\n`,
    );
    expect(result.stdout).toBe('Nothing was sent.\n');
    expect(await drain(queue)).toEqual([]);
  });

  it('takes an HR export as it comes: Work Email, no role column with --role, semicolons', async () => {
    const hr = join(directory, 'hr-semicolon.csv');
    writeFileSync(hr, 'Name;Work Email;Department\nAda;ada@example.com;Eng\nLin;lin@example.com;Sales\n');

    const refused = await cli(['bulk-invite', hr, '--gateway', gatewayUrl]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('no role column');
    expect(refused.stderr).toContain('Pass --role reader (or owner)');

    const result = await cli(['bulk-invite', hr, '--role', 'reader', '--gateway', gatewayUrl]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `${hr}: Read as semicolon-separated.\n${hr}: No role column: every row gets --role reader.\n`,
    );
    expect(result.stdout).toContain('2 lines: 2 valid, 0 rejected.');
    const sent = (await drain(queue)).map((message) => JSON.parse(message.body));
    expect(sent.map((invite) => `${invite.email} ${invite.role}`).sort()).toEqual([
      'ada@example.com reader',
      'lin@example.com reader',
    ]);
  });

  it('finds in a dry run exactly what the send rejects: the same email with other terms, by FILE:LINE; a repeat sent once', async () => {
    const twice = join(directory, 'twice.csv');
    writeFileSync(
      twice,
      'email,role\nada@example.com,reader\nlin@example.com,reader\nada@example.com,owner\nlin@example.com,reader\n',
    );
    const dry = await cli(['bulk-invite', twice, '--dry-run', '--gateway', gatewayUrl]);
    const sent = await cli(['bulk-invite', twice, '--gateway', gatewayUrl]);

    for (const result of [dry, sent]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `^${twice}:2: The same email is also at line 4 with different terms \\(here role reader`,
          'm',
        ),
      );
      expect(result.stderr).toMatch(new RegExp(`^${twice}:4: The same email is also at line 2`, 'm'));
      expect(result.stderr).toContain(`${twice}:5: duplicate of line 3 (same terms): sent once`);
      expect(result.stdout).toContain('4 lines: 1 valid, 2 rejected, 1 duplicate (sent once).');
    }
    // The real send took the one line the dry run passed, once, and nothing the job would refuse.
    expect(sent.stdout).toContain('Enqueued 1 of 1 valid invite in 1 job');
    expect((await drain(queue)).map((message) => JSON.parse(message.body).email)).toEqual([
      'lin@example.com',
    ]);
  });

  it('refuses an .xlsx with the advice to save it as CSV, and names a missing FILE', async () => {
    const xlsx = join(directory, 'people.xlsx');
    writeFileSync(xlsx, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]));
    const result = await cli(['bulk-invite', xlsx, '--gateway', gatewayUrl]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('This is a spreadsheet file, not CSV');
    expect(result.stderr).toContain('CSV UTF-8');

    const missing = await cli(['bulk-invite']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^openai-invites bulk-invite: missing FILE, a CSV or JSONL file of invites\./,
    );
  });

  it('prints its version and exits 0', async () => {
    const result = await cli(['--version']);

    expect(result).toEqual({ code: 0, stdout: 'openai-invites 0.1.0\n', stderr: '' });
  });

  it('sends JSONL straight to SQS with --queue-url and exits 0 when all was accepted', async () => {
    const result = await cli(['bulk-invite', jsonl, '--queue-url', queue.url, '--source', 'hr-csv']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Enqueued 2 of 2 valid invites');
    const messages = await drain(queue);
    expect(messages).toHaveLength(2);
    expect(messages[0]?.attributes.source).toBe('hr-csv');
  });

  it('exits 1 and says why when the gateway has no bulk route at that URL', async () => {
    const result = await cli(['bulk-invite', jsonl, '--gateway', `${gatewayUrl}/nope`]);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Not sent: job .* \(2 invites\): HTTP 404 unknown_url: .* No bulk route at .*\/nope\/organization\/invites\/bulk: --gateway should be the API's base URL ending in \/v1\./,
    );
  });
});

describe('openai-invites bulk-invite: each failure names its cause and the one thing to do', () => {
  it('gateway unreachable: asks whether npm start is running, names the URL, no "send again"', async () => {
    const url = `http://127.0.0.1:${await freePort()}/v1`;

    const result = await cli(['bulk-invite', jsonl, '--gateway', url]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Cannot reach the gateway at ${url} (ECONNREFUSED). Is \`npm start\` running? Start it in another terminal, or pass --gateway URL (or INVITES_API_URL) for a deployed API.`,
    );
    expect(result.stderr).not.toMatch(/send .* again/i);
  });

  it('no AWS region: says to set AWS_REGION, with no AWS SDK warning', async () => {
    const result = await cli(['bulk-invite', jsonl, '--queue-url', queue.url], {
      ...bareAws,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No AWS region: set AWS_REGION (e.g. AWS_REGION=eu-west-1)');
    expect(result.stderr).not.toMatch(/send .* again|NodeVersion|Node\.js version|AWS SDK for JavaScript/i);
  });

  it('no AWS credentials: says which to set', async () => {
    const result = await cli(['bulk-invite', jsonl, '--queue-url', queue.url], {
      ...bareAws,
      AWS_REGION: 'us-east-1',
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'No AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
    expect(result.stderr).not.toMatch(/send .* again/i);
  });

  it('queue missing: names the queue and what to check, no "send again"', async () => {
    const missing = queue.url.replace(/[^/]+$/, 'no-such-queue');

    const result = await cli(['bulk-invite', jsonl, '--queue-url', missing]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The queue ${missing} does not exist (in region us-east-1`);
    expect(result.stderr).toContain("check --queue-url (the stack's QueueUrl output) and AWS_REGION.");
    expect(result.stderr).not.toMatch(/send .* again/i);
  });

  it('access denied: names the permission and the identity check', async () => {
    const sqs = await refusingSqs('AccessDenied', 403);
    try {
      const result = await cli(['bulk-invite', jsonl, '--queue-url', `${sqs.url}/123456789012/invites`], {
        AWS_ENDPOINT_URL: sqs.url,
      });

      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'Access denied by SQS (AccessDenied): the AWS identity in use may not sqs:SendMessage',
      );
      expect(result.stderr).not.toMatch(/send .* again/i);
    } finally {
      sqs.server.close();
    }
  });

  it('throttled: the one case where sending again (later) helps', async () => {
    const sqs = await refusingSqs('RequestThrottled', 400);
    try {
      const result = await cli(['bulk-invite', jsonl, '--queue-url', `${sqs.url}/123456789012/invites`], {
        AWS_ENDPOINT_URL: sqs.url,
        AWS_MAX_ATTEMPTS: '1',
      });

      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'SQS throttled the requests (RequestThrottled). Wait a minute, then send the file again (invites are idempotent).',
      );
    } finally {
      sqs.server.close();
    }
  });
});
