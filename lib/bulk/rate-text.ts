/**
 * A rate to OpenAI as an operator writes it: requests per second (`5`, `0.15`) or per minute
 * (`8/min`, `8/m`), or per second spelled out (`2/s`). The Admin API's limits are unpublished and
 * low (users report about 7–10 requests a minute per endpoint), so a fraction of a second or a
 * rate per minute is the usual setting for the real OpenAI.
 */

/** What an operator is told when a rate is refused. */
export const RATE_ADVICE =
  'a number of requests per second above 0 (e.g. 0.15) or a rate per minute (e.g. 8/min); ' +
  "OpenAI's Admin API is reported to allow about 7–10 requests a minute, so 8/min suits the real OpenAI";

/** Requests per second from `value`, or undefined when it is not a rate of `min`..`max` per second. */
export const parseRate = (value: unknown, min = Number.MIN_VALUE, max = 10_000): number | undefined => {
  let perSecond: number | undefined;
  if (typeof value === 'number') perSecond = value;
  else if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(?:\/\s*(s|sec|second|m|min|minute))?\s*$/i.exec(value);
    if (match) perSecond = Number(match[1]) / (match[2] && /^m/i.test(match[2]) ? 60 : 1);
  }
  return perSecond !== undefined && Number.isFinite(perSecond) && perSecond >= min && perSecond <= max
    ? perSecond
    : undefined;
};
