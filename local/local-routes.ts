/**
 * The `npm start` gateway's local-only routes, outside `/v1`: what the CLI needs from an
 * in-process stand-in that a deployed stack offers another way (SQS, DynamoDB, a schedule). No
 * stack deploys them and no OpenAI client reaches them by accident; they sit behind the gateway's
 * loopback guard like every route. Each answers 200 with JSON, or an error in OpenAI's shape.
 */
import { InvalidRequestError } from '../lib/http/errors';

export const LOCAL_PREFIX = '/local';

export const LOCAL_PATHS = {
  deadLetters: `${LOCAL_PREFIX}/dead-letters`,
  redrive: `${LOCAL_PREFIX}/dead-letters/redrive`,
  discard: `${LOCAL_PREFIX}/dead-letters/discard`,
  offboarding: `${LOCAL_PREFIX}/offboarding`,
  offboardingDone: `${LOCAL_PREFIX}/offboarding/done`,
  sweep: `${LOCAL_PREFIX}/sweep`,
  status: `${LOCAL_PREFIX}/status`,
  acceptanceCheck: `${LOCAL_PREFIX}/acceptance-check`,
} as const;

export interface LocalRequest {
  url: URL;
  /** The JSON body of a POST (`{}` when empty). */
  body: unknown;
}

export interface LocalRoute {
  method: 'GET' | 'POST';
  path: string;
  /** One line for `npm start`'s banner: what it serves and which command uses it. */
  describe: string;
  handle(request: LocalRequest): unknown;
}

/** A POST's body: empty is `{}`, anything but a JSON object is a 400. */
export const localBodyOf = (raw: Buffer): Record<string, unknown> => {
  let parsed: unknown = {};
  try {
    if (raw.byteLength > 0) parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidRequestError('The body is not JSON.', null, 'invalid_json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidRequestError('Expected a JSON object.');
  return parsed as Record<string, unknown>;
};
