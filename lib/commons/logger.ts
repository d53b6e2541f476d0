/**
 * The one Powertools logger: structured JSON lines, service name from POWERTOOLS_SERVICE_NAME.
 * Nothing logs a key: errors carry no secret values, and the client never passes its headers on.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'openai-invites' });

/**
 * One audit line: who (`caller`: the API caller, `bulk:<source>`, `webhook:<provider>`, `sweep`)
 * did what to whom. Every action that changes the organization writes one, in this shape.
 */
export const audit = (action: string, caller: string, fields: Record<string, unknown> = {}): void =>
  logger.info('audit', { audit: { action, caller, ...fields } });
