/** The OpenAI client's configuration from the environment (README, "Configuration"). */
import { DEFAULT_ADMIN_KEY_MAX_AGE_SECONDS } from '../secrets/admin-key';
import { ENV, type Env, integerFrom, secureUrlFrom, stringFrom } from '../commons/env';
import {
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_RETRIES,
  DEFAULT_OPENAI_BASE_URL,
} from './client';

export interface ClientConfig {
  /** `INVITES_UPSTREAM_URL`: https, or http on a loopback host (never `OPENAI_BASE_URL`). */
  baseUrl: string;
  /** Name or ARN of the Admin-key secret. */
  adminKeySecretId?: string;
  /** A key given directly: `npm start` only, never set by the stack. */
  adminKey?: string;
  adminKeyMaxAgeSeconds: number;
  attemptTimeoutMs: number;
  deadlineMs: number;
  maxRetries: number;
}

export const readClientConfig = (env: Env = process.env): ClientConfig => ({
  baseUrl: secureUrlFrom(env, ENV.invitesUpstreamUrl, DEFAULT_OPENAI_BASE_URL),
  adminKeySecretId: stringFrom(env, ENV.adminKeySecretId),
  adminKey: stringFrom(env, ENV.adminKey),
  adminKeyMaxAgeSeconds: integerFrom(
    env,
    ENV.adminKeyMaxAgeSeconds,
    DEFAULT_ADMIN_KEY_MAX_AGE_SECONDS,
    0,
    86_400,
  ),
  attemptTimeoutMs: integerFrom(env, ENV.attemptTimeoutMs, DEFAULT_ATTEMPT_TIMEOUT_MS, 100, 10_000),
  deadlineMs: integerFrom(env, ENV.deadlineMs, DEFAULT_DEADLINE_MS, 100, 900_000),
  maxRetries: integerFrom(env, ENV.maxRetries, DEFAULT_MAX_RETRIES, 0, 10),
});
