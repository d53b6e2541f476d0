/**
 * The OpenAI request rate an operator is shown (`openai-invites status`, `npm start`'s status
 * route). Today the configured ceiling, OPENAI_RATE_LIMIT_RPS; when the shared rate budget learns
 * OpenAI's actual rate, this is the one function to read it from, with `source: 'learned'`.
 */
export interface OpenAiRate {
  requestsPerSecond: number;
  requestsPerMinute: number;
  /** `configured`: OPENAI_RATE_LIMIT_RPS (openAiRateLimitRps); `learned`: measured from OpenAI's answers. */
  source: 'configured' | 'learned';
}

export const openAiRate = (config: { rateLimitRps: number }): OpenAiRate => ({
  requestsPerSecond: config.rateLimitRps,
  requestsPerMinute: Math.round(config.rateLimitRps * 60 * 100) / 100,
  source: 'configured',
});

/** "0.133 requests/s (8/min, configured)". */
export const describeRate = (rate: OpenAiRate): string =>
  `${Number(rate.requestsPerSecond.toFixed(3))} requests/s (${rate.requestsPerMinute}/min, ${rate.source})`;
