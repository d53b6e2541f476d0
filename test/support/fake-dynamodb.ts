/**
 * A DynamoDB on 127.0.0.1 that answers each operation (X-Amz-Target) from a script, as DynamoDB's
 * JSON 1.0 protocol does: for what moto_server cannot play (concurrent-write conflicts,
 * throttling, 5xx, silence). Records every request it receives.
 */
import type {
  DeleteItemInput,
  GetItemInput,
  PutItemInput,
  QueryInput,
  TransactWriteItemsInput,
  UpdateItemInput,
} from '@aws-sdk/client-dynamodb';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { DynamoDbJsonClient, type DynamoDbJsonClientOptions } from '../../lib/commons/dynamodb-json-client';

/** Any of the six inputs, as received (JSON). */
export type ReceivedInput = Partial<
  GetItemInput & PutItemInput & UpdateItemInput & DeleteItemInput & QueryInput & TransactWriteItemsInput
>;

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The operation of X-Amz-Target (`GetItem`, …). */
  operation: string;
  rawBody: string;
  body: ReceivedInput;
}

/** An answer: a status and JSON body, or `hang` (accept and never answer), or `reset` (drop the socket). */
export type FakeAnswer =
  | { status?: number; body?: unknown; rawBody?: string; headers?: Record<string, string> }
  | { hang: true }
  | { reset: true };

/** An answer made from the request it answers (e.g. an item that echoes what was written). */
export type ScriptedAnswer = FakeAnswer | ((request: ReceivedRequest) => FakeAnswer);

/** DynamoDB's error answer: `__type` with its namespace, the message, and any extra fields. */
export const fault = (
  type: string,
  message: string,
  options: { status?: number; extra?: Record<string, unknown>; messageKey?: 'message' | 'Message' } = {},
): FakeAnswer => ({
  status: options.status ?? 400,
  body: {
    __type: `com.amazonaws.dynamodb.v20120810#${type}`,
    [options.messageKey ?? 'message']: message,
    ...options.extra,
  },
});

/** A TransactionCanceledException with one reason per item, as DynamoDB sends it. */
export const cancelled = (...codes: string[]): FakeAnswer =>
  fault(
    'TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    {
      messageKey: 'Message',
      extra: {
        CancellationReasons: codes.map((Code) => (Code === 'None' ? { Code } : { Code, Message: Code })),
      },
    },
  );

export const throttled = (type = 'ThrottlingException'): FakeAnswer =>
  fault(type, 'Rate of requests exceeds the allowed throughput.');

export const CREDENTIALS = { accessKeyId: 'AKIDFAKEDYNAMO', secretAccessKey: 'fake-secret-never-shown' };

export class FakeDynamoDb {
  readonly requests: ReceivedRequest[] = [];
  readonly #scripts = new Map<string, ScriptedAnswer[]>();
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;
  #requestCounter = 0;

  constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const target = String(request.headers['x-amz-target'] ?? '');
        const operation = target.split('.').pop() ?? '';
        let body: ReceivedInput = {};
        try {
          body = JSON.parse(rawBody);
        } catch {
          // recorded as {}; the test asserts on rawBody
        }
        this.requests.push({
          method: request.method ?? '',
          path: request.url ?? '',
          headers: request.headers,
          operation,
          rawBody,
          body,
        });
        this.#answer(operation, response, this.requests.at(-1)!);
      });
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Answers for `operation`, in order; the last one repeats. Unscripted operations answer 200 `{}`. */
  on(operation: string, ...answers: ScriptedAnswer[]): this {
    this.#scripts.set(operation, answers);
    return this;
  }

  reset(): void {
    this.#scripts.clear();
    this.requests.length = 0;
  }

  /** The requests of one operation. */
  calls(operation: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.operation === operation);
  }

  #answer(operation: string, response: ServerResponse, request: ReceivedRequest): void {
    const script = this.#scripts.get(operation);
    const scripted = (script && script.length > 1 ? script.shift() : script?.[0]) ?? { body: {} };
    const answer: FakeAnswer = typeof scripted === 'function' ? scripted(request) : scripted;
    if ('hang' in answer) return;
    if ('reset' in answer) {
      response.socket?.destroy();
      return;
    }
    const text = answer.rawBody ?? JSON.stringify(answer.body ?? {});
    response.writeHead(answer.status ?? 200, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': `REQ${(this.#requestCounter += 1)}`,
      ...answer.headers,
    });
    response.end(text);
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const { port } = this.#server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  /** A client of the product pointed at this server, with fixed credentials. */
  client(options: DynamoDbJsonClientOptions = {}): DynamoDbJsonClient {
    return new DynamoDbJsonClient({
      endpoint: this.url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      ...options,
    });
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
