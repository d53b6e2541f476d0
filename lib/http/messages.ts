/**
 * API Gateway REST (v1) proxy events in, proxy results out: headers, JSON bodies and
 * OpenAI-shaped error answers.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type InvitesError } from '../commons/errors';
import { InvalidRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors';

/** Largest JSON body the invite routes accept (an invite with 100 projects is ≈ 5 KB). */
export const MAX_INVITE_BODY_BYTES = 16 * 1024;

/** A header's value, whatever case the client sent its name in. */
export const headerValue = (
  headers: APIGatewayProxyEvent['headers'] | null,
  name: string,
): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
};

/**
 * When the request arrived, ISO-8601: API Gateway's `requestTimeEpoch` (the local gateway sets it
 * too), else now. The time a person's intent is ordered by when the caller signs no time of its own.
 */
export const receivedAt = (event: Pick<APIGatewayProxyEvent, 'requestContext'>): string => {
  const epochMs = event.requestContext?.requestTimeEpoch;
  return new Date(
    typeof epochMs === 'number' && Number.isFinite(epochMs) ? epochMs : Date.now(),
  ).toISOString();
};

/** The body's bytes exactly as the client sent them (base64 undone). */
export const rawBody = (event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): Buffer =>
  Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');

const isJsonMediaType = (contentType: string): boolean => {
  const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length);
  const utf8 = charset === undefined || ['utf-8', 'utf8', '"utf-8"'].includes(charset);
  return utf8 && (mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType));
};

/**
 * The body parsed as JSON: 415 unless it is declared as UTF-8 JSON, 413 past `maxBytes`,
 * 400 when it is empty or not JSON.
 */
export const readJsonBody = (
  event: APIGatewayProxyEvent,
  maxBytes: number = MAX_INVITE_BODY_BYTES,
): unknown => {
  const contentType = headerValue(event.headers, 'content-type');
  if (!contentType || !isJsonMediaType(contentType)) throw new UnsupportedMediaTypeError(contentType);
  const bytes = rawBody(event);
  if (bytes.byteLength > maxBytes) throw new PayloadTooLargeError(maxBytes);
  if (bytes.byteLength === 0)
    throw new InvalidRequestError('A JSON request body is required.', null, 'missing_body');
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new InvalidRequestError(
      'We could not parse the JSON body of your request. Send a valid JSON object encoded as UTF-8.',
      null,
      'invalid_json',
    );
  }
};

export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const errorResponse = (
  error: InvitesError,
  headers: Record<string, string> = {},
): APIGatewayProxyResult => jsonResponse(error.status, error.toErrorBody(), { ...error.headers, ...headers });
