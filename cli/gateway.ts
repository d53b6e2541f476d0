/**
 * The gateway the CLI talks to and how: `--gateway` / INVITES_API_URL (default the `npm start`
 * gateway), with a bearer token from `--token` / INVITES_API_TOKEN, or SigV4 for an API in IAM
 * mode (cli/sigv4.ts), or nothing (`npm start`).
 */
import { EXIT } from './exit-codes';
import { gatewayUnreachable } from './failures';
import { executeApiRegion, signRequest } from './sigv4';

export const DEFAULT_GATEWAY = 'http://127.0.0.1:3000/v1';

export const gatewayFrom = (option: string | undefined): string =>
  (option ?? process.env.INVITES_API_URL ?? DEFAULT_GATEWAY).replace(/\/+$/, '');

/** How requests to the gateway prove who sends them. */
export interface GatewayAuth {
  token?: string;
  /** Sign with SigV4 (execute-api) in this region. */
  sigv4Region?: string;
}

/**
 * A token when one is given; else SigV4 for an `execute-api` URL or with `--sigv4` (region from
 * the host, else AWS_REGION); else nothing, as `npm start` needs.
 */
export const authFrom = (base: string, options: { token?: string; sigv4?: boolean }): GatewayAuth => {
  const token = options.token ?? process.env.INVITES_API_TOKEN;
  if (token && !options.sigv4) return { token };
  const region = executeApiRegion(base) ?? (options.sigv4 ? process.env.AWS_REGION : undefined);
  if (options.sigv4 && !region)
    throw new Error(
      "--sigv4 needs a region: set AWS_REGION to the API's region (e.g. AWS_REGION=eu-west-1).",
    );
  return region ? { sigv4Region: region } : {};
};

/** The headers that authenticate `method url` (with `body`), JSON content type included when there is a body. */
export const authHeaders = async (
  url: string,
  auth: GatewayAuth,
  request: { method: string; body?: string },
): Promise<Record<string, string>> => {
  const headers: Record<string, string> =
    request.body !== undefined ? { 'Content-Type': 'application/json' } : {};
  if (auth.token) return { ...headers, Authorization: `Bearer ${auth.token}` };
  if (!auth.sigv4Region) return headers;
  try {
    return await signRequest(url, auth.sigv4Region, { ...request, headers });
  } catch (error) {
    throw new CliFailure(
      `Cannot sign the request for an API in IAM mode (${(error as Error).name}: ${(error as Error).message}). Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, for an identity allowed to execute-api:Invoke the API; or pass --token for an API in token mode.`,
      EXIT.failed,
    );
  }
};

/** A call that did not get the answer it needed, worded for the operator, with its exit code. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** Trying again later may help (unreachable, 429, 5xx). */
    readonly transient = false,
  ) {
    super(message);
  }
}

export interface Answer {
  status: number;
  body: unknown;
  /** OpenAI's error shape, when the answer is one. */
  error?: { message?: string; code?: string | null };
}

/** One JSON request to the gateway; throws CliFailure when it cannot be reached at all. */
export const callGateway = async (
  url: string,
  base: string,
  options: { auth?: GatewayAuth; method?: string; body?: unknown } = {},
): Promise<Answer> => {
  const method = options.method ?? 'GET';
  const sent = options.body !== undefined ? JSON.stringify(options.body) : undefined;
  const headers = await authHeaders(url, options.auth ?? {}, { method, body: sent });
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: sent });
  } catch (error) {
    throw new CliFailure(gatewayUnreachable(base, error).message, EXIT.unreachable, true);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's HTML page): kept as text for the message.
  }
  const error = (body as { error?: Answer['error'] } | null)?.error;
  return { status: response.status, body, error: typeof error === 'object' && error ? error : undefined };
};

/** A refusal the caller has no special case for, as a CliFailure naming the one thing to do. */
export const refused = (url: string, answer: Answer): CliFailure => {
  const said = `HTTP ${answer.status}${answer.error?.code ? ` ${answer.error.code}` : ''}: ${String(
    answer.error?.message ?? (typeof answer.body === 'string' ? answer.body : ''),
  ).slice(0, 300)}`;
  if (answer.status === 401)
    return new CliFailure(`${said} Pass the API token with --token or INVITES_API_TOKEN.`, EXIT.failed);
  if (answer.status === 403)
    return new CliFailure(
      `${said} The gateway denied access: in token mode pass --token; in IAM mode the CLI signs with your AWS credentials (for an execute-api URL, or with --sigv4), whose identity needs execute-api:Invoke on the API.`,
      EXIT.failed,
    );
  if (answer.status === 429 || answer.status >= 500)
    return new CliFailure(`${said} (from ${url})`, EXIT.unreachable, true);
  return new CliFailure(`${said} (from ${url})`, EXIT.failed);
};
