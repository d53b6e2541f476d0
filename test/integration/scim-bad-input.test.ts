/**
 * Bad input at the SCIM endpoint, over HTTP through the local gateway: every malformed body,
 * unknown attribute path, unsupported filter, oversize body, wrong content type and bad token gets
 * SCIM's error shape with the right status, and nothing of it reaches a person's intent or the queue.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setQueues } from '../../lib/bulk/runtime';
import { MemoryPersonStore } from '../../lib/people/memory-store';
import { setPersonStore } from '../../lib/people/runtime';
import { readScimConfig } from '../../lib/scim/config';
import { setScimRuntime } from '../../lib/scim/runtime';
import { MemoryScimStore } from '../../lib/scim/store';
import { StaticScimToken } from '../../lib/scim/token';
import { LocalGateway } from '../../local/gateway';
import { LocalQueue } from '../../local/local-queue';

const TOKEN = 'bad-input-token';
const gateway = new LocalGateway();
let base: string;
let people: MemoryPersonStore;
let queue: LocalQueue;

beforeAll(async () => {
  base = `${await gateway.start()}/scim/v2`;
});
afterAll(async () => {
  await gateway.stop();
  setScimRuntime({});
  setPersonStore(undefined);
  setQueues({});
});
beforeEach(() => {
  people = new MemoryPersonStore();
  queue = new LocalQueue({ name: 'scim-bad-input' });
  setPersonStore(people);
  setQueues({ queue, deadLetterQueue: new LocalQueue({ name: 'scim-bad-input-dlq' }) });
  setScimRuntime({
    store: new MemoryScimStore(),
    tokenSource: new StaticScimToken(TOKEN),
    config: readScimConfig({}),
  });
});

const send = async (
  method: string,
  path: string,
  {
    body,
    contentType = 'application/scim+json',
    token = TOKEN,
  }: { body?: string; contentType?: string; token?: string } = {},
) => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'Content-Type': contentType } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
};

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const ada = JSON.stringify({
  userName: 'ada@example.com',
  emails: [{ value: 'ada@example.com', type: 'work' }],
});

const createAda = async () => (await send('POST', '/Users', { body: ada })).body.id as string;

const nothingDeclared = async () => {
  expect(await people.get('ada@example.com')).toBeUndefined();
  expect(queue.size).toBe(0);
};

describe('bad input at the SCIM endpoint', () => {
  it.each([
    ['invalid JSON', '{"userName": ', 'invalidSyntax'],
    ['a JSON array', '[]', 'invalidSyntax'],
    ['no userName', '{"emails": [{"value": "ada@example.com"}]}', 'invalidValue'],
    [
      'a userName of the wrong type',
      '{"userName": 7, "emails": [{"value": "ada@example.com"}]}',
      'invalidValue',
    ],
    [
      'emails that are not a list of objects',
      '{"userName": "ada@example.com", "emails": "ada@example.com"}',
      'invalidValue',
    ],
    [
      'an unknown OpenAI role',
      '{"userName": "ada@example.com", "urn:ietf:params:scim:schemas:extension:openai:2.0:User": {"role": "admin"}}',
      'invalidValue',
    ],
  ])('refuses a create with %s: 400 %s, nothing declared', async (_what, body, scimType) => {
    const answer = await send('POST', '/Users', { body });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/scim+json');
    expect(answer.body).toMatchObject({ schemas: [ERROR], status: '400', scimType });
    await nothingDeclared();
  });

  it('refuses a wrong content type with 415 and an oversize body with 413', async () => {
    expect((await send('POST', '/Users', { body: ada, contentType: 'application/xml' })).status).toBe(415);
    const wrong = await send('POST', '/Users', { body: ada, contentType: 'application/problem+json' });
    expect(wrong).toMatchObject({ status: 415, body: { schemas: [ERROR], status: '415' } });
    const huge = JSON.stringify({ userName: 'ada@example.com', displayName: 'x'.repeat(70_000) });
    expect(await send('POST', '/Users', { body: huge })).toMatchObject({
      status: 413,
      body: { status: '413' },
    });
    await nothingDeclared();
  });

  it('answers a missing or wrong token with 401 and WWW-Authenticate, before anything else', async () => {
    const wrong = await send('POST', '/Users', { body: ada, token: 'guess' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="scim"');
    expect(wrong.body).toMatchObject({ schemas: [ERROR], status: '401' });
    expect(JSON.stringify(wrong.body)).not.toContain(TOKEN);
    const none = await fetch(`${base}/Users`);
    expect(none.status).toBe(401);
    await nothingDeclared();
  });

  it('answers 409 uniqueness to a second user with the same userName in any case, keeping one person', async () => {
    await createAda();
    const again = await send('POST', '/Users', { body: ada.replace('"ada@', '"ADA@') });
    expect(again).toMatchObject({
      status: 409,
      body: { schemas: [ERROR], status: '409', scimType: 'uniqueness' },
    });
    expect((again.body.detail as string).length).toBeGreaterThan(0);
    const listed = await send('GET', '/Users');
    expect(listed.body.totalResults).toBe(1);
  });

  it('answers 404 to an unknown id on every method', async () => {
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
      const body =
        method === 'PUT'
          ? ada
          : method === 'PATCH'
            ? '{"Operations": [{"op": "remove", "path": "title"}]}'
            : undefined;
      const answer = await send(method, '/Users/no-such-id', body !== undefined ? { body } : {});
      expect(answer, method).toMatchObject({ status: 404, body: { schemas: [ERROR], status: '404' } });
    }
  });

  it.each([
    ['an unsupported operator', 'userName xx "ada"'],
    ['an unclosed bracket', 'emails[type eq "work"'],
    ['a dangling and', 'userName eq "ada" and'],
  ])('refuses a filter with %s: 400 invalidFilter', async (_what, filter) => {
    const answer = await send('GET', `/Users?filter=${encodeURIComponent(filter)}`);
    expect(answer).toMatchObject({ status: 400, body: { schemas: [ERROR], scimType: 'invalidFilter' } });
  });

  it('answers a filter that matches nobody with 200 and an empty Resources list', async () => {
    const answer = await send('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody"')}`);
    expect(answer).toMatchObject({ status: 200, body: { totalResults: 0, Resources: [] } });
  });

  it.each([
    [
      'an unknown attribute path',
      '{"Operations": [{"op": "replace", "path": "favouriteColour", "value": "red"}]}',
      'invalidPath',
    ],
    ['an unknown op', '{"Operations": [{"op": "merge", "path": "title", "value": "x"}]}', 'invalidSyntax'],
    ['no Operations', '{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}', 'invalidSyntax'],
    ['a remove without a path', '{"Operations": [{"op": "remove"}]}', 'noTarget'],
    [
      'active that is no boolean',
      '{"Operations": [{"op": "replace", "path": "active", "value": "perhaps"}]}',
      'invalidValue',
    ],
    [
      'a read-only attribute',
      '{"Operations": [{"op": "replace", "path": "id", "value": "mine"}]}',
      'mutability',
    ],
    [
      'a member as a bare string',
      '{"Operations": [{"op": "add", "path": "emails", "value": "ada@example.com"}]}',
      'invalidValue',
    ],
  ])('refuses a PATCH with %s: 400 %s, the user and the person unchanged', async (_what, body, scimType) => {
    const id = await createAda();
    const before = await people.get('ada@example.com');
    const queued = queue.size;
    const answer = await send('PATCH', `/Users/${id}`, { body });
    expect(answer).toMatchObject({ status: 400, body: { schemas: [ERROR], status: '400', scimType } });
    expect((await send('GET', `/Users/${id}`)).body.active).toBeUndefined();
    expect(await people.get('ada@example.com')).toEqual(before);
    expect(queue.size).toBe(queued);
  });
});
