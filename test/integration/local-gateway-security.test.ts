/**
 * Issue 16 on the local servers, over real sockets: the gateway of `npm start` in front of the
 * real create-invite function and a real key for the simulator (standing for OpenAI), and the
 * simulator's control API. A web page (DNS rebinding, cross-site requests) gets 403 and reaches
 * nothing; Node's own 400/431 and the gateway's 404/405 answer in OpenAI's shape with an id.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StaticAdminKey } from '../../lib/secrets/admin-key';
import { OpenAIInvitesClient } from '../../lib/openai/client';
import { setInvitesClient } from '../../lib/openai/runtime';
import { LocalGateway } from '../../local/gateway';
import { InvitesSimulator } from '../../local/openai-simulator';
import type { Json } from '../support/invoke';
import { TEST_ADMIN_KEY } from '../support/keys';

const simulator = new InvitesSimulator({ apiKeys: [TEST_ADMIN_KEY] });
const gateway = new LocalGateway();
let base: string;
let port: number;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Json;
}

/** node:http sends the headers exactly as given (fetch would not let a test set Host). */
const send = (
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode!,
          headers: response.headers,
          body: text ? JSON.parse(text) : undefined,
        }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });

/** Bytes straight onto a socket, for what node:http would refuse to send. */
const raw = (text: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });

const invite = JSON.stringify({ email: 'x@example.com', role: 'owner' });

const expectOpenAIError = (body: Json, code: string) => {
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toMatchObject({ type: 'invalid_request_error', param: null, code });
  expect(typeof body.error.message).toBe('string');
};

beforeAll(async () => {
  setInvitesClient(
    new OpenAIInvitesClient({
      baseUrl: await simulator.start(),
      adminKey: new StaticAdminKey(TEST_ADMIN_KEY),
    }),
  );
  base = await gateway.start();
  port = Number(new URL(base).port);
});

afterAll(async () => {
  await Promise.all([gateway.stop(), simulator.stop()]);
  setInvitesClient(undefined);
});

beforeEach(() => simulator.reset());

describe('the local gateway refuses what a web page can send (issue 16, item 3)', () => {
  it('answers the DNS-rebinding request 403, and nothing reaches the upstream', async () => {
    // curl -H 'Host: attacker.example' http://127.0.0.1:3000/v1/organization/invites -d '{…owner…}'
    const answer = await send(`${base}/organization/invites`, {
      method: 'POST',
      headers: { Host: `attacker.example:${port}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: invite,
    });

    expect(answer.status).toBe(403);
    expectOpenAIError(answer.body, 'forbidden_host');
    expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(simulator.requests).toEqual([]);
    expect(simulator.invites).toEqual([]);
  });

  it.each([
    ['a foreign name with JSON', { Host: `attacker.example:${0}`, 'Content-Type': 'application/json' }],
    ['a loopback name on another port', { Host: 'localhost:1', 'Content-Type': 'application/json' }],
    ['no port (port 80)', { Host: '127.0.0.1', 'Content-Type': 'application/json' }],
    ['a foreign Origin', { Origin: 'https://attacker.example', 'Content-Type': 'application/json' }],
    ['Origin null (a sandboxed page)', { Origin: 'null', 'Content-Type': 'application/json' }],
    ['text/plain (a simple cross-site POST)', { 'Content-Type': 'text/plain;charset=UTF-8' }],
    ['a form', { 'Content-Type': 'multipart/form-data; boundary=x' }],
    ['no content type with a body', {}],
  ])('refuses %s with 403 before any function runs', async (_case, headers: Record<string, string>) => {
    const answer = await send(`${base}/organization/invites`, { method: 'POST', headers, body: invite });

    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toMatch(/^(forbidden_host|cross_site_request)$/);
    expect(simulator.requests).toEqual([]);
  });

  it('serves loopback names with the port, a loopback Origin, and JSON writes', async () => {
    const answers = await Promise.all([
      send(`${base}/organization/invites`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: `http://localhost:5173` },
        body: invite,
      }),
      send(`${base}/organization/invites?limit=1`, { headers: { Host: `localhost:${port}` } }),
      send(`${base}/organization/invites?limit=1`, { headers: { Host: `[::1]:${port}` } }),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(simulator.requests.length).toBeGreaterThanOrEqual(3);
  });
});

describe('the local gateway refuses only what a page can send without a preflight (issue 29, item 9)', () => {
  it.each([
    [
      'a DELETE with an empty body declared as a form (curl -d "" -X DELETE)',
      { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '0' },
      '',
    ],
    ['a DELETE declared as text/plain without a body', { 'Content-Type': 'text/plain' }, undefined],
    [
      'a DELETE with a form body (a browser needs a preflight for any DELETE)',
      { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '3' },
      'a=b',
    ],
  ])(
    'passes %s to the function',
    async (_case, headers: Record<string, string>, body: string | undefined) => {
      const invite = simulator.seed('to-delete@example.com');

      const answer = await send(`${base}/organization/invites/${invite.id}`, {
        method: 'DELETE',
        headers,
        body,
      });

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        object: 'organization.invite.deleted',
        id: invite.id,
        deleted: true,
      });
    },
  );

  it('passes a POST with an empty body whatever its declared type, and the function answers it', async () => {
    const answer = await send(`${base}/organization/invites`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'Content-Length': '0' },
      body: '',
    });

    // The function's own answer, not the guard's.
    expect(answer.status).toBe(415);
    expect(answer.body.error.code).toBe('unsupported_media_type');
  });

  it('still refuses a POST with a text body', async () => {
    const answer = await send(`${base}/organization/invites`, {
      method: 'POST',
      headers: { 'Content-Type': 'Text/Plain; charset=utf-8' },
      body: invite,
    });

    expect(answer.status).toBe(403);
    expectOpenAIError(answer.body, 'cross_site_request');
  });
});

describe("the simulator's control API refuses what a web page can send (issue 16, item 3)", () => {
  const control = () => simulator.url.replace(/\/v1$/, '/_simulator');

  it('refuses a cross-site text/plain POST and a rebinding Host, and takes JSON from local clients', async () => {
    const fault = JSON.stringify({ kind: 'status', status: 503, times: 5 });
    const simulatorPort = new URL(simulator.url).port;

    const plain = await send(`${control()}/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: fault,
    });
    const rebound = await send(`${control()}/state`, {
      headers: { Host: `attacker.example:${simulatorPort}` },
    });
    const crossSite = await send(`${control()}/reset`, {
      method: 'POST',
      headers: { Origin: 'https://attacker.example' },
    });
    const state = await send(`${control()}/state`);
    const json = await send(`${control()}/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: fault,
    });

    expect([plain.status, rebound.status, crossSite.status]).toEqual([403, 403, 403]);
    expectOpenAIError(plain.body, 'cross_site_request');
    expectOpenAIError(rebound.body, 'forbidden_host');
    expect(state.status).toBe(200);
    expect(json.body).toEqual({ queued: 1 });
  });
});

describe('every answer carries x-request-id and OpenAI’s shape (issue 16, item 7)', () => {
  it('on the gateway’s own 404 and 405', async () => {
    const notFound = await send(`${base}/organization/users`);
    const wrongMethod = await send(`${base}/organization/invites/invite-abc`, { method: 'PUT' });

    expect([notFound.status, wrongMethod.status]).toEqual([404, 405]);
    expect(notFound.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(wrongMethod.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expectOpenAIError(notFound.body, 'unknown_url');
  });

  it('on Node’s own 400 for malformed HTTP and 431 for oversized headers', async () => {
    const malformed = await raw('GARBAGE / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const oversized = await raw(
      `GET /v1/organization/invites HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );

    for (const [answer, status, code] of [
      [malformed, 400, 'malformed_request'],
      [oversized, 431, 'headers_too_large'],
    ] as const) {
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(head).toMatch(/\r\nx-request-id: [0-9a-f-]{36}\r\n/);
      expectOpenAIError(JSON.parse(body!), code);
    }
  });
});

describe('the simulator’s /v1 organization refuses what a web page can send (issue 29, item 3)', () => {
  it('answers a rebinding Host or a foreign Origin 403 on every /v1 path, reading and changing nothing', async () => {
    // Prepare: an invite whose email a page must not read, and the simulator's own port.
    const kept = simulator.seed('private@example.com');
    const simulatorPort = new URL(simulator.url).port;
    const auth = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };

    // Act
    const answers = await Promise.all([
      send(`${simulator.url}/organization/invites`, {
        headers: { ...auth, Host: `attacker.example:${simulatorPort}` },
      }),
      send(`${simulator.url}/organization/users`, {
        headers: { ...auth, Host: `attacker.example:${simulatorPort}` },
      }),
      send(`${simulator.url}/organization/invites/${kept.id}`, {
        method: 'DELETE',
        headers: { ...auth, Origin: 'https://attacker.example' },
      }),
      send(`${simulator.url}/organization/invites`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'text/plain' },
        body: invite,
      }),
    ]);

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([403, 403, 403, 403]);
    for (const answer of answers) expect(JSON.stringify(answer.body)).not.toContain('private@example.com');
    expect(simulator.requests).toEqual([]);
    expect(simulator.invites.map((one) => one.email)).toEqual(['private@example.com']);
  });

  it('still serves the product’s own client on 127.0.0.1', async () => {
    simulator.seed('private@example.com');

    const answer = await send(`${simulator.url}/organization/invites`, {
      headers: { Authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });

    expect(answer.status).toBe(200);
  });
});
