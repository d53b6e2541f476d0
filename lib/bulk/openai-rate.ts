/**
 * The OpenAI request rate an operator is shown (`openai-invites status`, `npm start`'s status
 * route): what the shared budget (lib/budget/) learned of OpenAI's actual rate for creating invites,
 * else the configured ceiling, OPENAI_RATE_LIMIT_RPS.
 */
export interface OpenAiRate {
  requestsPerSecond: number;
  requestsPerMinute: number;
  /** `configured`: OPENAI_RATE_LIMIT_RPS (openAiRateLimitRps); `learned`: measured from OpenAI's answers. */
  source: 'configured' | 'learned';
}

const rateOf = (requestsPerSecond: number, source: OpenAiRate['source']): OpenAiRate => ({
  requestsPerSecond,
  requestsPerMinute: Math.round(requestsPerSecond * 60 * 100) / 100,
  source,
});

/** The invites endpoint's rate the shared budget has learned, else the configured ceiling. */
export const openAiRate = (config: { rateLimitRps: number; learnedRps?: number }): OpenAiRate =>
  config.learnedRps === undefined
    ? rateOf(config.rateLimitRps, 'configured')
    : rateOf(config.learnedRps, 'learned');

/** "0.133 requests/s (8/min, configured)". */
export const describeRate = (rate: OpenAiRate): string =>
  `${Number(rate.requestsPerSecond.toFixed(3))} requests/s (${rate.requestsPerMinute}/min, ${rate.source})`;
