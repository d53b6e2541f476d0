/**
 * The CLI against an API in IAM mode: its requests carry SigV4 for execute-api, checked here by
 * a server that recomputes the signature from the request as it arrived (method, Host, path,
 * query, the signed headers, the body) with the test credentials.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';

/** node:crypto's SHA-256 and HMAC, as the signer's hash constructor. */
class Sha256 {
  readonly #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash =
      secret === undefined
        ? createHash('sha256')
        : createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret as ArrayBuffer));
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.#hash.update(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer));
  }
  async digest() {
    return new Uint8Array(this.#hash.digest());
  }
}

interface Checked {
  method: string;
  path: string;
  authorization: string;
  valid: boolean;
}

const checked: Checked[] = [];
let server: Server;
let base: string;

/** Recomputes the request's signature as API Gateway would, from what arrived. */
const verify = async (request: IncomingMessage, body: string): Promise<Checked> => {
  const authorization = String(request.headers.authorization ?? '');
  const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
  const signer = new SignatureV4({
    service: 'execute-api',
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    sha256: Sha256,
  });
  const headers = Object.fromEntries(signedNames.map((name) => [name, String(request.headers[name] ?? '')]));
  const signingDate = new Date(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  const expected = await signer.sign(
    {
      method: request.method ?? 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: body === '' ? undefined : body,
    },
    { signingDate },
  );
  return {
    method: request.method ?? '',
    path: url.pathname,
    authorization,
    valid: authorization !== '' && expected.headers.authorization === authorization,
  };
};

const job = {
  object: 'organization.invite.bulk_job',
  job_id: 'wave:1',
  status: 'completed',
  total: 2,
  counts: { created: 2, already_invited: 0, revoked: 0, failed: 0, pending: 0 },
  failures: [],
  created_at: 0,
  updated_at: 0,
};

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      void verify(request, body).then((result) => {
        checked.push(result);
        if (!result.valid) {
          response.writeHead(403, { 'Content-Type': 'application/json' });
          response.end('{"message":"The request signature we calculated does not match"}');
        } else if (request.method === 'POST') {
          response.writeHead(202, { 'Content-Type': 'application/json' });
          response.end(
            JSON.stringify({ object: 'organization.invite.bulk_job', job_id: 'wave:1', count: 2 }),
          );
        } else {
          response.writeHead(200, { 'Content-Type': 'application/json' });
          response.end(JSON.stringify(job));
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
});
afterAll(() => {
  server.close();
});

describe('the CLI in IAM mode (--sigv4)', () => {
  it('signs bulk-invite --wait and job for execute-api with the AWS credentials in use', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sigv4-')), 'wave.jsonl');
    writeFileSync(
      file,
      '{"email":"a@example.com","role":"reader"}\n{"email":"b@example.com","role":"owner"}\n',
    );

    const sent = await runCli(
      [
        'bulk-invite',
        file,
        '--gateway',
        base,
        '--sigv4',
        '--job-id',
        'wave:1',
        '--wait',
        '--interval',
        '0.1',
      ],
      { AWS_REGION: 'us-east-1', INVITES_API_TOKEN: undefined, INVITE_QUEUE_URL: undefined },
    );

    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('Job wave:1: completed, 2 of 2 invites settled');
    expect(checked.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'POST /v1/organization/invites/bulk',
      'GET /v1/organization/invites/bulk/wave%3A1',
    ]);
    expect(checked.every((request) => request.valid)).toBe(true);
    expect(checked[0]!.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=testing\/\d{8}\/us-east-1\/execute-api\/aws4_request, SignedHeaders=.*content-type.*host.*x-amz-date/,
    );
  });

  it('--sigv4 without a region is a usage error naming AWS_REGION', async () => {
    const result = await runCli(['job', 'wave-1', '--gateway', base, '--sigv4'], {
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--sigv4 needs a region: set AWS_REGION');
  });
});
