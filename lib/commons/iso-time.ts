/**
 * Event times as the people layer compares them: canonical ISO-8601 in UTC
 * (`2026-12-04T16:34:09.000Z`), so that comparing two as strings compares them as times.
 */

/** An ISO-8601 date-time with a zone (`Z` or `±hh:mm`), as producers write `event_at`. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** The canonical form of an ISO-8601 date-time with a zone, else undefined (never throws). */
export const canonicalIsoTime = (value: unknown): string | undefined => {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value.trim())) return undefined;
  const ms = Date.parse(value.trim());
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

/** Unix seconds as canonical ISO-8601, else undefined for anything not a finite number. */
export const isoTimeFromSeconds = (seconds: number | undefined): string | undefined => {
  const date = new Date((seconds ?? Number.NaN) * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};
