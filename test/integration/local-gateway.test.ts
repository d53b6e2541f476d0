/**
 * The local gateway turns HTTP into the API Gateway REST (v1) proxy event a deployed function
 * receives, and the function's result back into HTTP; unknown routes answer as the stack does.
 */
import { request } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalGateway } from '../../local/gateway';
import type { Json } from '../support/invoke';

let seen: APIGatewayProxyEvent | undefined;
let answer: APIGatewayProxyResult;
const gateway = new LocalGateway({
  loadHandler: async () => async (event) => {
    seen = event;
    return answer;
  },
});
let base: string;

beforeAll(async () => {
  base = await gateway.start();
});
afterAll(async () => {
  await gateway.stop();
});
beforeEach(() => {
  seen = undefined;
  answer = { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '{"ok":true}' };
});

describe('LocalGateway', () => {
  it('builds the full proxy event for a request with a path parameter, repeated query and headers', async () => {
    // node:http keeps a repeated header as two lines, as a real client may send it (fetch joins them).
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request(`${base}/organization/invites/invite-abc?x=1&x=2&y=z`, {
        method: 'DELETE',
        headers: ['Host', new URL(base).host, 'X-Trace', 'a', 'x-trace', 'b', 'User-Agent', 'test-agent'],
      })
        .on('response', (response) => {
          response.resume();
          resolve(response.statusCode);
        })
        .on('error', reject)
        .end();
    });

    expect(status).toBe(200);
    expect(seen).toMatchObject({
      resource: '/organization/invites/{invite_id}',
      path: '/organization/invites/invite-abc',
      httpMethod: 'DELETE',
      pathParameters: { invite_id: 'invite-abc' },
      queryStringParameters: { x: '2', y: 'z' },
      multiValueQueryStringParameters: { x: ['1', '2'], y: ['z'] },
      body: null,
      isBase64Encoded: false,
      stageVariables: null,
      requestContext: {
        stage: 'v1',
        httpMethod: 'DELETE',
        resourcePath: '/organization/invites/{invite_id}',
        path: '/v1/organization/invites/invite-abc',
        identity: { sourceIp: '127.0.0.1', userAgent: 'test-agent' },
      },
    });
    expect(seen?.headers['X-Trace']).toBe('b');
    expect(seen?.multiValueHeaders['X-Trace']).toEqual(['a', 'b']);
    expect(seen?.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof seen?.requestContext.requestTimeEpoch).toBe('number');
  });

  it('passes a text body as is and other bytes as base64', async () => {
    await fetch(`${base}/organization/invites`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"email":"é@example.com"}',
    });
    expect(seen).toMatchObject({
      body: '{"email":"é@example.com"}',
      isBase64Encoded: false,
      queryStringParameters: null,
    });

    // Declared JSON: the gateway refuses other content types on writes (issue 16), not odd bytes.
    await fetch(`${base}/organization/invites`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: new Uint8Array([0xff, 0x00, 0x7b]),
    });
    expect(seen).toMatchObject({ body: '/wB7', isBase64Encoded: true });
  });

  it('writes the result back, multi-value headers and base64 bodies included', async () => {
    answer = {
      statusCode: 201,
      headers: { 'X-One': '1' },
      multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
      body: Buffer.from('binary!').toString('base64'),
      isBase64Encoded: true,
    };

    const response = await fetch(`${base}/organization/invites`);

    expect(response.status).toBe(201);
    expect(response.headers.get('x-one')).toBe('1');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.text()).toBe('binary!');
  });

  it('answers an unknown path with 404 in OpenAI shape, without calling a function', async () => {
    for (const path of ['/v1/organization/users', '/organization/invites', '/v2/organization/invites']) {
      const response = await fetch(`${base.replace(/\/v1$/, '')}${path}`);

      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: {
          message: `Invalid URL (GET ${path})`,
          type: 'invalid_request_error',
          param: null,
          code: 'unknown_url',
        },
      });
    }
    expect(seen).toBeUndefined();
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const response = await fetch(`${base}/organization/invites/invite-abc`, { method: 'PATCH' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, DELETE');
    expect(((await response.json()) as Json).error.code).toBe('method_not_allowed');
    expect(seen).toBeUndefined();
  });
});
