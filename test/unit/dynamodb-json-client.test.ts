/**
 * The hand-written DynamoDB client against a scripted DynamoDB on 127.0.0.1: what it sends (and
 * that its SigV4 signature is right, checked by an independent implementation with node:crypto),
 * how it maps DynamoDB's error answers, what it retries, and where it sends requests.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DynamoDbJsonClient,
  dynamoDbEndpointOf,
  DynamoDbServiceError,
} from '../../lib/commons/dynamodb-json-client';
import { ConfigurationError } from '../../lib/commons/errors';
import {
  cancelled,
  CREDENTIALS,
  FakeDynamoDb,
  fault,
  type ReceivedRequest,
  throttled,
} from '../support/fake-dynamodb';

const dynamodb = new FakeDynamoDb();
beforeAll(() => dynamodb.start());
afterAll(() => dynamodb.close());
beforeEach(() => dynamodb.reset());
afterEach(() => vi.unstubAllEnvs());

/** The error a call rejects with (a call that succeeds fails the test). */
const rejection = (call: Promise<unknown>): Promise<DynamoDbServiceError> =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as DynamoDbServiceError,
  );

const key = { pk: { S: 'EMAIL#ada@example.com' }, sk: { S: 'INVITE' } };

const sha256Hex = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (secret: Buffer | string, data: string) => createHmac('sha256', secret).update(data).digest();

/** SigV4 as AWS documents it, recomputed from what the server received. */
const expectedSignature = (request: ReceivedRequest, secretAccessKey: string): string => {
  const authorization = String(request.headers.authorization);
  const [, scope, signedHeaders] = /Credential=[^/]+\/([^,]+), SignedHeaders=([^,]+), /.exec(authorization)!;
  const [date, region, service] = scope!.split('/');
  const canonicalHeaders = signedHeaders!
    .split(';')
    .map((name) => `${name}:${String(request.headers[name]).trim()}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    request.path,
    '',
    canonicalHeaders,
    signedHeaders,
    sha256Hex(request.rawBody),
  ].join('\n');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    request.headers['x-amz-date'],
    scope,
    sha256Hex(canonicalRequest),
  ].join('\n');
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${secretAccessKey}`, date!), region!), service!),
    'aws4_request',
  );
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
};

describe('DynamoDbJsonClient requests', () => {
  it('POSTs the input as JSON 1.0 with the operation’s target and a SigV4 signature for dynamodb', async () => {
    dynamodb.on('GetItem', { body: { Item: { email: { S: 'ada@example.com' } } } });
    const client = dynamodb.client({ region: 'eu-west-1' });

    const answer = await client.getItem({ TableName: 'ledger', Key: key, ConsistentRead: true });

    expect(answer.Item).toEqual({ email: { S: 'ada@example.com' } });
    expect(answer.$metadata).toMatchObject({ httpStatusCode: 200, requestId: expect.stringMatching(/^REQ/) });
    const [request] = dynamodb.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/', operation: 'GetItem' });
    expect(request!.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(request!.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request!.body).toEqual({ TableName: 'ledger', Key: key, ConsistentRead: true });
    const authorization = String(request!.headers.authorization);
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDFAKEDYNAMO\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';');
    expect(signedHeaders).toEqual(
      expect.arrayContaining(['host', 'x-amz-date', 'x-amz-target', 'content-type']),
    );
    expect(
      authorization.endsWith(`Signature=${expectedSignature(request!, CREDENTIALS.secretAccessKey)}`),
    ).toBe(true);
  });

  it('sends each operation to its own target', async () => {
    const client = dynamodb.client();
    await client.putItem({ TableName: 't', Item: key });
    await client.updateItem({ TableName: 't', Key: key, UpdateExpression: 'SET #a = :a' });
    await client.deleteItem({ TableName: 't', Key: key });
    await client.query({ TableName: 't', KeyConditionExpression: 'pk = :pk' });
    await client.transactWriteItems({ TransactItems: [{ Put: { TableName: 't', Item: key } }] });

    expect(dynamodb.requests.map((request) => request.headers['x-amz-target'])).toEqual([
      'DynamoDB_20120810.PutItem',
      'DynamoDB_20120810.UpdateItem',
      'DynamoDB_20120810.DeleteItem',
      'DynamoDB_20120810.Query',
      'DynamoDB_20120810.TransactWriteItems',
    ]);
  });

  it('signs with the default credential chain (here the environment’s keys) and sends a session token', async () => {
    await new DynamoDbJsonClient({ endpoint: dynamodb.url }).getItem({ TableName: 't', Key: key });
    await dynamodb.client({ credentials: { ...CREDENTIALS, sessionToken: 'session-token-1' } }).getItem({
      TableName: 't',
      Key: key,
    });

    const [fromChain, withSession] = dynamodb.requests;
    // test/support/setup-env.ts sets AWS_ACCESS_KEY_ID=testing, AWS_REGION=us-east-1.
    expect(String(fromChain!.headers.authorization)).toContain('Credential=testing/');
    expect(String(fromChain!.headers.authorization)).toContain('/us-east-1/dynamodb/aws4_request');
    expect(withSession!.headers['x-amz-security-token']).toBe('session-token-1');
    expect(String(withSession!.headers.authorization)).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
  });

  it('sends binary attributes as base64 and gives them back as bytes, as the SDK does', async () => {
    dynamodb.on('GetItem', { body: { Item: { blob: { B: 'AAEC/w==' }, set: { BS: ['AQ=='] } } } });
    const client = dynamodb.client();

    await client.putItem({ TableName: 't', Item: { ...key, blob: { B: new Uint8Array([0, 1, 2, 255]) } } });
    const answer = await client.getItem({ TableName: 't', Key: key });

    expect(dynamodb.requests[0]!.body.Item?.blob).toEqual({ B: 'AAEC/w==' });
    expect(answer.Item?.blob?.B).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(answer.Item?.set?.BS).toEqual([new Uint8Array([1])]);
  });
});

describe('DynamoDbJsonClient errors', () => {
  it('names the error after DynamoDB’s __type and keeps the status, request id and the item', async () => {
    dynamodb.on(
      'PutItem',
      fault('ConditionalCheckFailedException', 'The conditional request failed', {
        extra: { Item: { state: { S: 'pending' } } },
      }),
    );

    const error = await rejection(
      dynamodb
        .client()
        .putItem({ TableName: 't', Item: key, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
    );

    expect(error).toBeInstanceOf(DynamoDbServiceError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConditionalCheckFailedException');
    expect(error.message).toBe('The conditional request failed');
    expect(error.$fault).toBe('client');
    expect(error.$metadata).toMatchObject({
      httpStatusCode: 400,
      requestId: expect.stringMatching(/^REQ/),
      attempts: 1,
    });
    expect(error.Item).toEqual({ state: { S: 'pending' } });
  });

  it('keeps a cancelled transaction’s reasons and its capitalised Message', async () => {
    dynamodb.on('TransactWriteItems', cancelled('None', 'ConditionalCheckFailed'));

    const error = await rejection(dynamodb.client().transactWriteItems({ TransactItems: [] }));

    expect(error.name).toBe('TransactionCanceledException');
    expect(error.message).toMatch(/^Transaction cancelled/);
    expect(error.CancellationReasons).toEqual([
      { Code: 'None' },
      { Code: 'ConditionalCheckFailed', Message: 'ConditionalCheckFailed' },
    ]);
  });

  it('names a 5xx without a JSON body from x-amzn-ErrorType, else InternalServerError, as a server fault', async () => {
    dynamodb.on(
      'GetItem',
      {
        status: 503,
        rawBody: '<html>busy</html>',
        headers: { 'x-amzn-ErrorType': 'ServiceUnavailable:http://internal' },
      },
      { status: 500, rawBody: 'oops' },
    );
    const client = dynamodb.client({ maxAttempts: 1 });

    const first = await client.getItem({ TableName: 't', Key: key }).catch((thrown: unknown) => thrown);
    const second = await client.getItem({ TableName: 't', Key: key }).catch((thrown: unknown) => thrown);

    expect(first).toMatchObject({
      name: 'ServiceUnavailable',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
    });
    expect(second).toMatchObject({
      name: 'InternalServerError',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
    expect((second as Error).message).toBe('DynamoDB answered 500.');
  });

  it('puts neither the secret key nor the signature in an error', async () => {
    dynamodb.on('GetItem', fault('ValidationException', 'One or more parameter values were invalid'));

    const error = await rejection(dynamodb.client().getItem({ TableName: 't', Key: key }));

    const signature = /Signature=([0-9a-f]+)/.exec(String(dynamodb.requests[0]!.headers.authorization))![1]!;
    const shown = [
      inspect(error, { depth: 10, showHidden: true }),
      JSON.stringify(error),
      String(error.stack),
    ].join('\n');
    expect(error.name).toBe('ValidationException');
    expect(shown).not.toContain(CREDENTIALS.secretAccessKey);
    expect(shown).not.toContain(signature);
    expect(shown).not.toContain('AWS4-HMAC-SHA256');
  });
});

describe('DynamoDbJsonClient retries', () => {
  it.each(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded'])(
    'retries %s up to maxAttempts, then throws it',
    async (type) => {
      dynamodb.on('UpdateItem', throttled(type));

      const error = await dynamodb
        .client({ maxAttempts: 3 })
        .updateItem({ TableName: 't', Key: key })
        .catch((thrown: unknown) => thrown);

      expect(error).toMatchObject({ name: type, $metadata: { httpStatusCode: 400, attempts: 3 } });
      expect(dynamodb.calls('UpdateItem')).toHaveLength(3);
    },
  );

  it('tries twice by default (lib/commons/aws-clients.ts AWS_MAX_ATTEMPTS)', async () => {
    dynamodb.on('UpdateItem', throttled());

    await expect(dynamodb.client().updateItem({ TableName: 't', Key: key })).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect(dynamodb.calls('UpdateItem')).toHaveLength(2);
  });

  it('retries a 500 and answers what the second attempt got', async () => {
    dynamodb.on('Query', fault('InternalServerError', 'Internal server error', { status: 500 }), {
      body: { Items: [key], Count: 1 },
    });

    const answer = await dynamodb.client().query({ TableName: 't', KeyConditionExpression: 'pk = :pk' });

    expect(answer.Items).toEqual([key]);
    expect(answer.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 2 });
    expect(dynamodb.calls('Query')).toHaveLength(2);
  });

  it('retries a request that timed out, and a connection dropped without an answer', async () => {
    dynamodb.on('GetItem', { hang: true }, { reset: true }, { body: { Item: key } });
    const client = dynamodb.client({ maxAttempts: 3, requestTimeout: 300 });
    const startedAt = Date.now();

    const answer = await client.getItem({ TableName: 't', Key: key });

    expect(answer.Item).toEqual(key);
    expect(answer.$metadata.attempts).toBe(3);
    expect(dynamodb.calls('GetItem')).toHaveLength(3);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
  });

  it('gives up with the timeout after maxAttempts silent answers', async () => {
    dynamodb.on('GetItem', { hang: true });

    const error = await dynamodb
      .client({ requestTimeout: 200 })
      .getItem({ TableName: 't', Key: key })
      .catch((thrown: unknown) => thrown);

    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(dynamodb.calls('GetItem')).toHaveLength(2);
  });

  it.each([
    ['ConditionalCheckFailedException', 'The conditional request failed'],
    ['ValidationException', 'One or more parameter values were invalid'],
    ['ResourceNotFoundException', 'Requested resource not found'],
    ['TransactionCanceledException', 'Transaction cancelled'],
  ])('never retries %s', async (type, message) => {
    dynamodb.on('PutItem', fault(type, message));

    await expect(
      dynamodb.client({ maxAttempts: 3 }).putItem({ TableName: 't', Item: key }),
    ).rejects.toMatchObject({
      name: type,
      message,
    });
    expect(dynamodb.calls('PutItem')).toHaveLength(1);
  });
});

describe('DynamoDbJsonClient endpoint and region', () => {
  const deadPort = async (): Promise<number> => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
  };

  it('takes AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL, else the region’s public endpoint', () => {
    expect(
      dynamoDbEndpointOf('eu-west-1', {
        AWS_ENDPOINT_URL_DYNAMODB: 'http://ddb.local:8000',
        AWS_ENDPOINT_URL: 'http://all.local:4566',
      }),
    ).toBe('http://ddb.local:8000');
    expect(dynamoDbEndpointOf('eu-west-1', { AWS_ENDPOINT_URL: 'http://all.local:4566' })).toBe(
      'http://all.local:4566',
    );
    expect(dynamoDbEndpointOf('eu-west-1', {})).toBe('https://dynamodb.eu-west-1.amazonaws.com');
    expect(dynamoDbEndpointOf('cn-north-1', {})).toBe('https://dynamodb.cn-north-1.amazonaws.com.cn');
  });

  it('sends to AWS_ENDPOINT_URL_DYNAMODB over AWS_ENDPOINT_URL, and to an explicit endpoint over both', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', `http://127.0.0.1:${await deadPort()}`);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamodb.url);

    await new DynamoDbJsonClient({ credentials: CREDENTIALS, maxAttempts: 1 }).getItem({
      TableName: 't',
      Key: key,
    });
    expect(dynamodb.calls('GetItem')).toHaveLength(1);

    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', `http://127.0.0.1:${await deadPort()}`);
    await dynamodb.client({ maxAttempts: 1 }).getItem({ TableName: 't', Key: key });
    expect(dynamodb.calls('GetItem')).toHaveLength(2);
  });

  it('signs for AWS_DEFAULT_REGION when AWS_REGION is unset, and for the region option over both', async () => {
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_DEFAULT_REGION', 'ap-southeast-2');

    await new DynamoDbJsonClient({ endpoint: dynamodb.url, credentials: CREDENTIALS }).getItem({
      TableName: 't',
      Key: key,
    });
    await dynamodb.client({ region: 'eu-central-1' }).getItem({ TableName: 't', Key: key });

    expect(String(dynamodb.requests[0]!.headers.authorization)).toContain(
      '/ap-southeast-2/dynamodb/aws4_request',
    );
    expect(String(dynamodb.requests[1]!.headers.authorization)).toContain(
      '/eu-central-1/dynamodb/aws4_request',
    );
  });

  it('refuses with a ConfigurationError when no region is set, sending nothing', async () => {
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_DEFAULT_REGION', '');

    const error = await new DynamoDbJsonClient({ endpoint: dynamodb.url, credentials: CREDENTIALS })
      .getItem({ TableName: 't', Key: key })
      .catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('AWS_REGION');
    expect(dynamodb.requests).toHaveLength(0);
  });
});

describe('DynamoDbJsonClient FIPS, dual-stack, User-Agent and clock skew', () => {
  it('refuses FIPS or dual-stack endpoints it would not choose, naming the variable and the way out', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', '');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', '');
    for (const [variable, advice] of [
      ['AWS_USE_FIPS_ENDPOINT', 'https://dynamodb-fips.eu-west-1.amazonaws.com'],
      ['AWS_USE_DUALSTACK_ENDPOINT', 'https://dynamodb.eu-west-1.api.aws'],
    ] as const) {
      vi.stubEnv('AWS_USE_FIPS_ENDPOINT', '');
      vi.stubEnv('AWS_USE_DUALSTACK_ENDPOINT', '');
      vi.stubEnv(variable, 'TRUE');

      const error = await new DynamoDbJsonClient({ region: 'eu-west-1', credentials: CREDENTIALS })
        .getItem({ TableName: 't', Key: key })
        .catch((thrown: unknown) => thrown);

      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain(`${variable}=true`);
      expect((error as Error).message).toContain(
        `set AWS_ENDPOINT_URL_DYNAMODB to that endpoint (e.g. ${advice})`,
      );
    }
    // An endpoint given outright is used as it is, as the SDK does.
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamodb.url);
    await new DynamoDbJsonClient({ region: 'eu-west-1', credentials: CREDENTIALS }).getItem({
      TableName: 't',
      Key: key,
    });
    expect(dynamodb.calls('GetItem')).toHaveLength(1);
  });

  it('sends a User-Agent naming itself, Node and the app id (AWS_SDK_UA_APP_ID)', async () => {
    vi.stubEnv('AWS_SDK_UA_APP_ID', 'invites-prod');

    await dynamodb.client().getItem({ TableName: 't', Key: key });

    const [request] = dynamodb.calls('GetItem');
    expect(request!.headers['user-agent']).toBe(
      `openai-invites-dynamodb-json-client/1 md/nodejs#${process.versions.node} os/${process.platform} app/invites-prod`,
    );
    expect(request!.headers['x-amz-user-agent']).toBe(request!.headers['user-agent']);
  });

  it('corrects a clock 1 hour slow from the Date of a "Signature expired" answer, retries once, and keeps the offset', async () => {
    const serverNow = new Date(Date.now() + 3_600_000);
    dynamodb.on(
      'GetItem',
      {
        ...fault(
          'InvalidSignatureException',
          'Signature expired: 20260101T000000Z is now earlier than 20260101T010000Z (20260101T011500Z - 15 min.)',
        ),
        headers: { date: serverNow.toUTCString() },
      },
      { body: { Item: key }, headers: { date: serverNow.toUTCString() } },
    );
    const client = dynamodb.client({ maxAttempts: 1 });

    const first = await client.getItem({ TableName: 't', Key: key });
    const second = await client.getItem({ TableName: 't', Key: key });

    expect(first.Item).toEqual(key);
    expect(second.Item).toEqual(key);
    const signedAt = dynamodb
      .calls('GetItem')
      .map((request) =>
        Date.parse(
          String(request.headers['x-amz-date']).replace(
            /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
            '$1-$2-$3T$4:$5:$6Z',
          ),
        ),
      );
    expect(signedAt).toHaveLength(3);
    // The first was signed with our clock, the retry and the next call with the server's.
    expect(Math.abs(signedAt[0]! - Date.now())).toBeLessThan(60_000);
    expect(Math.abs(signedAt[1]! - serverNow.getTime())).toBeLessThan(60_000);
    expect(Math.abs(signedAt[2]! - serverNow.getTime())).toBeLessThan(60_000);
    expect(client.systemClockOffsetMs).toBeGreaterThan(3_500_000);
  });

  it('does not retry a signature error when the clock was not the cause (Date within 5 minutes)', async () => {
    dynamodb.on(
      'GetItem',
      fault('InvalidSignatureException', 'The request signature we calculated does not match'),
    );

    const error = await rejection(dynamodb.client({ maxAttempts: 3 }).getItem({ TableName: 't', Key: key }));

    expect(error.name).toBe('InvalidSignatureException');
    expect(dynamodb.calls('GetItem')).toHaveLength(1);
  });
});
