/**
 * The gateway the CLI talks to and how: `--gateway` / INVITES_API_URL (default the `npm start`
 * gateway) and a bearer token from `--token` / INVITES_API_TOKEN, for the job route and the local
 * dead-letter routes.
 */
import { EXIT } from './exit-codes';
import { gatewayUnreachable } from './failures';

export const DEFAULT_GATEWAY = 'http://127.0.0.1:3000/v1';

export const gatewayFrom = (option: string | undefined): string =>
  (option ?? process.env.INVITES_API_URL ?? DEFAULT_GATEWAY).replace(/\/+$/, '');

export const tokenFrom = (option: string | undefined): string | undefined =>
  option ?? process.env.INVITES_API_TOKEN;

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
  options: { token?: string; method?: string; body?: unknown } = {},
): Promise<Answer> => {
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? 'GET',
      headers: {
        ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
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
      `${said} The gateway denied access (an API in IAM mode needs signed requests, which the CLI does not make: use a token-mode API with --token).`,
      EXIT.failed,
    );
  if (answer.status === 429 || answer.status >= 500)
    return new CliFailure(`${said} (from ${url})`, EXIT.unreachable, true);
  return new CliFailure(`${said} (from ${url})`, EXIT.failed);
};
