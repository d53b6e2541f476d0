/**
 * DynamoDB spoken by hand: the six operations the product uses, over DynamoDB's JSON 1.0 protocol
 * (POST /, `X-Amz-Target: DynamoDB_20120810.<Operation>`, a JSON body, SigV4 for `dynamodb`).
 *
 * Why not @aws-sdk/client-dynamodb: as a minified ESM bundle, its error classes, schemas,
 * endpoint ruleset and endpoint discovery all evaluate when the module loads, ≈ 10 ms of a
 * function's cold start (README, "Libraries"). Everything this client needs (the SigV4 signer,
 * the Node HTTP handler with timeouts, the credential chain, sha256) is already in every bundle
 * through the SQS and Secrets Manager clients, so this module adds only its own few KB.
 *
 * Types come from the SDK with `import type` only, which bundles nothing.
 *
 * What the SDK does that this does too: a User-Agent (with AWS_SDK_UA_APP_ID), retries with
 * backoff, and clock-skew correction (a clock more than 5 minutes off: the offset is taken from
 * the `Date` of DynamoDB's answer, and a call refused for it, `InvalidSignatureException`
 * "Signature expired" and its kin, is signed again with the corrected time, once).
 *
 * Not supported (set AWS_ENDPOINT_URL_DYNAMODB instead): FIPS and dual-stack endpoints, refused
 * with that advice when AWS_USE_FIPS_ENDPOINT or AWS_USE_DUALSTACK_ENDPOINT asks for them rather
 * than silently ignored; the shared config file's `region`/`endpoint_url`/`use_fips_endpoint`,
 * endpoint discovery, account-based endpoints. Binary attributes (B, BS) are sent and read as the
 * SDK does (Uint8Array in, Uint8Array out).
 */
import type {
  CancellationReason,
  DeleteItemInput,
  DeleteItemOutput,
  GetItemInput,
  GetItemOutput,
  PutItemInput,
  PutItemOutput,
  QueryInput,
  QueryOutput,
  TransactWriteItemsInput,
  TransactWriteItemsOutput,
  UpdateItemInput,
  UpdateItemOutput,
} from '@aws-sdk/client-dynamodb';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/transport';
import { NodeHttpHandler, streamCollector } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { boundedAwsClientConfig } from './aws-clients';
import { ConfigurationError } from './errors';

type AwsCredentialIdentityProvider = ReturnType<typeof defaultProvider>;
type AwsCredentialIdentity = Awaited<ReturnType<AwsCredentialIdentityProvider>>;

export interface DynamoDbJsonClientOptions {
  /** Default: AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL, else DynamoDB's public endpoint of the region. */
  endpoint?: string;
  /** Default: AWS_REGION, else AWS_DEFAULT_REGION. */
  region?: string;
  /** Tries per call, the first included (default AWS_MAX_ATTEMPTS = 2). */
  maxAttempts?: number;
  /** Default: the AWS SDK's default chain (environment, profile, container, instance), memoised. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  connectionTimeout?: number;
  requestTimeout?: number;
}

export interface ResponseMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts: number;
}

export type WithMetadata<T> = T & { $metadata: ResponseMetadata };

/** Errors DynamoDB answers with that ask the caller to slow down: retried with backoff. */
const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

/**
 * An error answer of DynamoDB. `name` is its error type (`ConditionalCheckFailedException`,
 * `TransactionCanceledException`, …) as the SDK's error classes name themselves, and the extra
 * fields DynamoDB sends (`CancellationReasons`, `Item`) are kept. Never holds the request, so no
 * credentials or signatures.
 */
export class DynamoDbServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: ResponseMetadata;
  /** TransactionCanceledException: one reason per item of the transaction, in order. */
  readonly CancellationReasons?: CancellationReason[];
  /** ConditionalCheckFailedException with ReturnValuesOnConditionCheckFailure: the item as it was. */
  readonly Item?: GetItemOutput['Item'];

  constructor(
    name: string,
    message: string,
    metadata: ResponseMetadata,
    fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = name;
    this.$metadata = metadata;
    this.$fault = (metadata.httpStatusCode ?? 500) >= 500 ? 'server' : 'client';
    if (fields.CancellationReasons !== undefined) {
      this.CancellationReasons = fields.CancellationReasons as CancellationReason[];
    }
    if (fields.Item !== undefined) this.Item = fields.Item as DynamoDbServiceError['Item'];
  }
}

/** The error codes the SDK reads as a skewed clock (@smithy/service-error-classification). */
const CLOCK_SKEW = new Set([
  'AuthFailure',
  'InvalidSignatureException',
  'RequestExpired',
  'RequestInTheFuture',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
]);

/** How far the server's clock may be from ours before the offset is corrected, as the SDK: 5 min. */
const CLOCK_SKEW_TOLERANCE_MS = 300_000;

const USER_AGENT = (env: NodeJS.ProcessEnv = process.env): string =>
  `openai-invites-dynamodb-json-client/1 md/nodejs#${process.versions.node} os/${process.platform}` +
  (env.AWS_SDK_UA_APP_ID ? ` app/${env.AWS_SDK_UA_APP_ID}` : '');

const isTrue = (value: string | undefined): boolean => value?.trim().toLowerCase() === 'true';

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` → `ConditionalCheckFailedException`. */
const errorNameOf = (type: string | undefined): string | undefined => {
  const name = type?.split('#').pop()?.split(':')[0]?.trim();
  return name || undefined;
};

/** Uint8Array values (B, BS) travel as base64, as DynamoDB's JSON protocol wants them. */
function encodeBinary(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return original instanceof Uint8Array ? Buffer.from(original).toString('base64') : value;
}

/** …and come back as Uint8Array, as the SDK gives them. Only AttributeValue has B/BS of strings. */
const decodeBinary = (key: string, value: unknown): unknown => {
  if (key === 'B' && typeof value === 'string') return new Uint8Array(Buffer.from(value, 'base64'));
  if (key === 'BS' && Array.isArray(value) && value.every((entry) => typeof entry === 'string')) {
    return value.map((entry: string) => new Uint8Array(Buffer.from(entry, 'base64')));
  }
  return value;
};

const parseJson = (text: string): Record<string, unknown> | undefined => {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text, decodeBinary);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** The endpoint of the environment or of the region, per the rules in the module comment. */
export const dynamoDbEndpointOf = (region: string, env: NodeJS.ProcessEnv = process.env): string =>
  env.AWS_ENDPOINT_URL_DYNAMODB ||
  env.AWS_ENDPOINT_URL ||
  `https://dynamodb.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;

/** One memoised default chain for every client of the container: expiring credentials refresh. */
let sharedCredentials: AwsCredentialIdentityProvider | undefined;
const defaultCredentials = (): AwsCredentialIdentityProvider => (sharedCredentials ??= defaultProvider());

interface Resolved {
  url: URL;
  signer: SignatureV4;
}

export class DynamoDbJsonClient {
  readonly maxAttempts: number;
  /** Server time minus ours, once an answer's `Date` showed them more than 5 minutes apart. */
  systemClockOffsetMs = 0;
  readonly #options: DynamoDbJsonClientOptions;
  readonly #handler: NodeHttpHandler;
  #resolved?: Resolved;

  constructor(options: DynamoDbJsonClientOptions = {}) {
    this.#options = options;
    const bounded = boundedAwsClientConfig();
    this.maxAttempts = Math.max(1, options.maxAttempts ?? bounded.maxAttempts);
    this.#handler = new NodeHttpHandler({
      ...bounded.requestHandler,
      connectionTimeout: options.connectionTimeout ?? bounded.requestHandler.connectionTimeout,
      requestTimeout: options.requestTimeout ?? bounded.requestHandler.requestTimeout,
    });
  }

  getItem(input: GetItemInput): Promise<WithMetadata<GetItemOutput>> {
    return this.#call('GetItem', input);
  }

  putItem(input: PutItemInput): Promise<WithMetadata<PutItemOutput>> {
    return this.#call('PutItem', input);
  }

  updateItem(input: UpdateItemInput): Promise<WithMetadata<UpdateItemOutput>> {
    return this.#call('UpdateItem', input);
  }

  deleteItem(input: DeleteItemInput): Promise<WithMetadata<DeleteItemOutput>> {
    return this.#call('DeleteItem', input);
  }

  query(input: QueryInput): Promise<WithMetadata<QueryOutput>> {
    return this.#call('Query', input);
  }

  transactWriteItems(input: TransactWriteItemsInput): Promise<WithMetadata<TransactWriteItemsOutput>> {
    return this.#call('TransactWriteItems', input);
  }

  /** Region, endpoint and signer, on first use (as the SDK: a missing region fails the call, not the constructor). */
  #resolve(): Resolved {
    if (this.#resolved) return this.#resolved;
    const region = this.#options.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
    if (!region) {
      throw new ConfigurationError(
        'No AWS region for DynamoDB: set AWS_REGION (or AWS_DEFAULT_REGION) in the environment.',
      );
    }
    const explicit =
      this.#options.endpoint || process.env.AWS_ENDPOINT_URL_DYNAMODB || process.env.AWS_ENDPOINT_URL;
    if (!explicit) {
      for (const [variable, what] of [
        ['AWS_USE_FIPS_ENDPOINT', 'FIPS'],
        ['AWS_USE_DUALSTACK_ENDPOINT', 'dual-stack'],
      ] as const) {
        if (isTrue(process.env[variable])) {
          throw new ConfigurationError(
            `${variable}=true asks for DynamoDB's ${what} endpoint, which the ledger's DynamoDB client does not choose by itself: set AWS_ENDPOINT_URL_DYNAMODB to that endpoint (e.g. https://dynamodb${what === 'FIPS' ? '-fips' : ''}.${region}.${what === 'FIPS' ? 'amazonaws.com' : 'api.aws'}), or unset ${variable}.`,
          );
        }
      }
    }
    const endpoint = explicit || dynamoDbEndpointOf(region);
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new ConfigurationError(`The DynamoDB endpoint is not a URL: ${JSON.stringify(endpoint)}.`);
    }
    const signer = new SignatureV4({
      service: 'dynamodb',
      region,
      credentials: this.#options.credentials ?? defaultCredentials(),
      sha256: Sha256,
      applyChecksum: false,
    });
    this.#resolved = { url, signer };
    return this.#resolved;
  }

  /** As the SDK: an answer's `Date` more than 5 minutes from our clock (plus offset) resets the offset. */
  #correctClock(date: string | undefined): boolean {
    const serverTime = date ? Date.parse(date) : Number.NaN;
    if (Number.isNaN(serverTime)) return false;
    const now = Date.now();
    if (Math.abs(serverTime - (now + this.systemClockOffsetMs)) < CLOCK_SKEW_TOLERANCE_MS) return false;
    this.systemClockOffsetMs = serverTime - now;
    return true;
  }

  async #call<T>(operation: string, input: object): Promise<WithMetadata<T>> {
    const { url, signer } = this.#resolve();
    const body = JSON.stringify(input, encodeBinary);
    let skewRetried = false;
    for (let attempt = 1; ; attempt += 1) {
      const request = new HttpRequest({
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        method: 'POST',
        path: url.pathname || '/',
        headers: {
          host: url.host,
          'content-type': 'application/x-amz-json-1.0',
          'content-length': String(Buffer.byteLength(body)),
          'x-amz-target': `DynamoDB_20120810.${operation}`,
          'user-agent': USER_AGENT(),
          'x-amz-user-agent': USER_AGENT(),
        },
        body,
      });
      // Credential and signing failures are not retried: they throw from here.
      const signed = await signer.sign(request, {
        signingDate: new Date(Date.now() + this.systemClockOffsetMs),
      });
      let failure: unknown;
      let clockCorrected = false;
      try {
        const { response } = await this.#handler.handle(signed as HttpRequest);
        const text = Buffer.from(await streamCollector(response.body)).toString('utf8');
        const headers = Object.fromEntries(
          Object.entries(response.headers).map(([key, value]) => [key.toLowerCase(), value]),
        );
        clockCorrected = this.#correctClock(headers.date);
        const metadata: ResponseMetadata = {
          httpStatusCode: response.statusCode,
          requestId: headers['x-amzn-requestid'],
          attempts: attempt,
        };
        const parsed = parseJson(text);
        if (response.statusCode >= 200 && response.statusCode < 300 && parsed) {
          return { ...(parsed as T), $metadata: metadata };
        }
        failure = serviceErrorOf(parsed, headers, metadata);
      } catch (error) {
        // Timeouts (TimeoutError), refused or reset connections: the request may not have arrived.
        failure = error;
      }
      // A call refused for a skewed clock whose answer corrected it: signed again once, at once,
      // even past maxAttempts (the SDK retries it too; without it every call would fail).
      if (
        clockCorrected &&
        !skewRetried &&
        failure instanceof DynamoDbServiceError &&
        CLOCK_SKEW.has(failure.name)
      ) {
        skewRetried = true;
        continue;
      }
      if (attempt >= this.maxAttempts || !isTransient(failure)) throw failure;
      const base = failure instanceof DynamoDbServiceError && THROTTLING.has(failure.name) ? 100 : 25;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * base * 2 ** (attempt - 1)));
    }
  }
}

const serviceErrorOf = (
  body: Record<string, unknown> | undefined,
  headers: Record<string, string>,
  metadata: ResponseMetadata,
): DynamoDbServiceError => {
  const status = metadata.httpStatusCode ?? 0;
  const name =
    errorNameOf(typeof body?.__type === 'string' ? body.__type : undefined) ??
    errorNameOf(headers['x-amzn-errortype']) ??
    (status >= 500 ? 'InternalServerError' : 'UnknownError');
  const message =
    (typeof body?.message === 'string' && body.message) ||
    (typeof body?.Message === 'string' && body.Message) ||
    (status >= 200 && status < 300
      ? 'DynamoDB answered with a body that is not JSON.'
      : `DynamoDB answered ${status}.`);
  return new DynamoDbServiceError(name, message, metadata, body ?? {});
};

/** Throttling, a 5xx, or no answer at all (timeouts and network errors). Never other 4xx. */
const isTransient = (error: unknown): boolean => {
  if (error instanceof DynamoDbServiceError) {
    return THROTTLING.has(error.name) || (error.$metadata.httpStatusCode ?? 0) >= 500;
  }
  return error instanceof Error && !(error instanceof ConfigurationError);
};
