/**
 * Why a CLI send failed, in words that name the cause and the one thing to do. `retry` says
 * whether sending the same job again can help (throttling, a server error) or not (a missing
 * region, credentials or queue, a refused token): only then does the message say "send again".
 * `stop` means every later job would fail the same way, so the CLI stops instead of repeating it.
 */
import { EnqueueFailedError } from '../lib/bulk/errors';

export interface SendFailure {
  message: string;
  retry: boolean;
  stop: boolean;
}

/** A failure to send one job, already described; thrown by the destinations. */
export class SendFailedError extends Error {
  constructor(readonly failure: SendFailure) {
    super(failure.message);
  }
}

const AGAIN = 'Send the file again (invites are idempotent: nothing is invited twice).';

const networkCode = (error: unknown): string | undefined => {
  for (
    let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    current && depth < 4;
    depth += 1
  ) {
    if (typeof current.code === 'string' && /^E[A-Z]+/.test(current.code)) return current.code;
    current = current.cause as typeof current;
  }
  return undefined;
};

/** `fetch` could not reach the gateway at all. */
export const gatewayUnreachable = (url: string, error: unknown): SendFailure => {
  const code = networkCode(error) ?? (error as Error)?.message ?? 'unknown error';
  const local = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/)/.test(url);
  return {
    message:
      `Cannot reach the gateway at ${url} (${code}). ` +
      (local
        ? 'Is `npm start` running? Start it in another terminal, or pass --gateway URL (or INVITES_API_URL) for a deployed API.'
        : 'Check --gateway (or INVITES_API_URL): it should be the ApiUrl output of the stack, ending in /v1.'),
    retry: false,
    stop: true,
  };
};

/** The gateway answered, but not 202. */
export const gatewayRefused = (
  url: string,
  status: number,
  error: { message?: string; code?: string | null },
): SendFailure => {
  const said = `HTTP ${status}${error.code ? ` ${error.code}` : ''}: ${(error.message ?? '').slice(0, 500)}`;
  if (status === 401)
    return {
      message: `${said} Pass the API token with --token or INVITES_API_TOKEN.`,
      retry: false,
      stop: true,
    };
  if (status === 403)
    return {
      message: `${said} The gateway denied access: in token mode pass --token; in IAM mode the CLI signs with your AWS credentials (for an execute-api URL, or with --sigv4), whose identity needs execute-api:Invoke on the API (or use --queue-url).`,
      retry: false,
      stop: true,
    };
  if (status === 404 || status === 405)
    return {
      message: `${said} No bulk route at ${url}: --gateway should be the API's base URL ending in /v1.`,
      retry: false,
      stop: true,
    };
  if (status === 429 || status >= 500)
    return { message: `${said} ${AGAIN}`, retry: true, stop: status === 429 };
  return { message: said, retry: false, stop: false };
};

/** What the AWS SDK (or a partly failed SendMessageBatch) said, for `--queue-url`. */
export const queueFailure = (queueUrl: string, error: unknown): SendFailure => {
  const cause = error instanceof EnqueueFailedError && error.cause !== undefined ? error.cause : error;
  const name = String((cause as Error)?.name ?? '');
  const text = `${name}: ${String((cause as Error)?.message ?? cause)}`;
  const fixed = (message: string): SendFailure => ({ message, retry: false, stop: true });
  if (/Region is missing/i.test(text))
    return fixed(
      "No AWS region: set AWS_REGION (e.g. AWS_REGION=eu-west-1) to the queue's region. --queue-url uses the AWS SDK's usual configuration.",
    );
  if (/CredentialsProviderError|Could not load credentials/i.test(text))
    return fixed(
      'No AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, for an identity that may sqs:SendMessage to the queue.',
    );
  if (/QueueDoesNotExist|NonExistentQueue/i.test(text))
    return fixed(
      `The queue ${queueUrl} does not exist (in region ${process.env.AWS_REGION ?? 'unset'}${process.env.AWS_ENDPOINT_URL ? `, at ${process.env.AWS_ENDPOINT_URL}` : ''}): check --queue-url (the stack's QueueUrl output) and AWS_REGION.`,
    );
  if (
    /AccessDenied|UnauthorizedOperation|InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken|KMS\.AccessDenied/i.test(
      text,
    )
  )
    return fixed(
      `Access denied by SQS (${name}): the AWS identity in use may not sqs:SendMessage to ${queueUrl}, or its credentials are invalid or expired. Use an identity allowed to send (check with \`aws sts get-caller-identity\`).`,
    );
  if (/Throttl|RequestThrottled|TooManyRequests|OverLimit|SlowDown/i.test(text))
    return {
      message: `SQS throttled the requests (${name}). Wait a minute, then send the file again (invites are idempotent).`,
      retry: true,
      stop: true,
    };
  const code = networkCode(cause);
  if (code)
    return fixed(
      `Cannot reach SQS (${code}${process.env.AWS_ENDPOINT_URL ? ` at AWS_ENDPOINT_URL=${process.env.AWS_ENDPOINT_URL}` : ''}): check the network, AWS_REGION and AWS_ENDPOINT_URL.`,
    );
  return {
    message: `SQS did not take every message (${text.slice(0, 300)}). ${AGAIN}`,
    retry: true,
    stop: false,
  };
};
