/**
 * SigV4 for a deployed API in IAM mode (service `execute-api`), with the AWS SDK's usual
 * credential chain (AWS_PROFILE, keys, SSO…). Used when no token is given and the gateway is an
 * `execute-api` URL (its region from the host), or with `--sigv4` (a custom domain; AWS_REGION).
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** node:crypto as the signer's hash constructor (no extra package for it). */
class Sha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key =
      typeof secret === 'string' || secret === undefined ? secret : Buffer.from(secret as ArrayBuffer);
    this.#hash = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

/** `abc123.execute-api.eu-west-1.amazonaws.com` → `eu-west-1`. */
export const executeApiRegion = (url: string): string | undefined =>
  /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(new URL(url).hostname)?.[1];

/** The headers to send for `method url` with `body`, signed for execute-api in `region`. */
export const signRequest = async (
  url: string,
  region: string,
  request: { method: string; headers: Record<string, string>; body?: string },
): Promise<Record<string, string>> => {
  const target = new URL(url);
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    credentials: defaultProvider(),
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: request.method,
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port ? Number(target.port) : undefined,
    path: target.pathname,
    query: Object.fromEntries(target.searchParams),
    headers: { ...request.headers, host: target.host },
    body: request.body,
  });
  // fetch sets Host itself, to the same value.
  const { host: _host, ...headers } = signed.headers;
  return headers;
};
