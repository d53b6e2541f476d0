/** HMAC and constant-time comparison helpers shared by the providers' verifiers. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookSignatureError } from './errors';

/** Standard Webhooks and BambooHR: ±5 minutes between the sender's clock and ours. */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

export const hmacSha256 = (key: string | Buffer, ...parts: (string | Buffer)[]): Buffer => {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
};

/** Equal-length buffers compared in constant time; different lengths are simply unequal. */
export const constantTimeEqual = (a: Buffer, b: Buffer): boolean =>
  a.byteLength === b.byteLength && a.byteLength > 0 && timingSafeEqual(a, b);

/** Two strings compared in constant time whatever their lengths (their SHA-256 digests are). */
export const constantTimeEqualText = (a: string, b: string): boolean => {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
};

/** Lowercase or uppercase hex of exactly `bytes` bytes, else undefined. */
export const fromHex = (text: string | undefined, bytes = 32): Buffer | undefined =>
  text !== undefined && new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(text)
    ? Buffer.from(text, 'hex')
    : undefined;

/** Unix seconds from a header: digits (seconds, or milliseconds when 13+ digits) or an ISO-8601 date. */
export const parseTimestampSeconds = (text: string | undefined): number | undefined => {
  const value = text?.trim();
  if (!value) return undefined;
  if (/^\d{1,12}$/.test(value)) return Number(value);
  if (/^\d{13}$/.test(value)) return Math.floor(Number(value) / 1000);
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : Math.floor(parsed / 1000);
};

/** Throws 401 unless `seconds` is within the tolerance of `nowMs`. */
export const checkTimestamp = (seconds: number | undefined, nowMs: number, header: string): void => {
  if (seconds === undefined) throw new WebhookSignatureError(`header ${header} is missing or malformed.`);
  if (Math.abs(nowMs / 1000 - seconds) > TIMESTAMP_TOLERANCE_SECONDS) {
    throw new WebhookSignatureError(
      `header ${header} is more than ${TIMESTAMP_TOLERANCE_SECONDS / 60} minutes from the current time.`,
    );
  }
};

/** A stable id for a delivery that carries none: a digest of its bytes. */
export const digestId = (...parts: (string | Buffer)[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex').slice(0, 32);
};
