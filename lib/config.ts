/**
 * Function configuration from the environment: the same names in Lambda, `npm start` and tests
 * (README, "Configuration").
 */
import { DEFAULT_ADMIN_KEY_MAX_AGE_SECONDS } from './admin-key';
import { ConfigurationError } from './errors';
import {
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_RETRIES,
  DEFAULT_OPENAI_BASE_URL,
} from './openai-invites-client';

type Env = Record<string, string | undefined>;

export interface ClientConfig {
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

const integerFrom = (env: Env, name: string, fallback: number, min: number, max: number): number => {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(`Environment variable ${name} must be an integer from ${min} to ${max}.`);
  }
  return value;
};

const urlFrom = (env: Env, name: string, fallback: string): string => {
  const raw = env[name]?.trim() || fallback;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) {
    throw new ConfigurationError(`Environment variable ${name} must be an http(s) URL.`);
  }
  return raw.replace(/\/+$/, '');
};

export const readClientConfig = (env: Env = process.env): ClientConfig => ({
  baseUrl: urlFrom(env, 'OPENAI_BASE_URL', DEFAULT_OPENAI_BASE_URL),
  adminKeySecretId: env.OPENAI_ADMIN_KEY_SECRET_ID?.trim() || undefined,
  adminKey: env.OPENAI_ADMIN_KEY?.trim() || undefined,
  adminKeyMaxAgeSeconds: integerFrom(
    env,
    'OPENAI_ADMIN_KEY_MAX_AGE_SECONDS',
    DEFAULT_ADMIN_KEY_MAX_AGE_SECONDS,
    0,
    86_400,
  ),
  attemptTimeoutMs: integerFrom(env, 'OPENAI_ATTEMPT_TIMEOUT_MS', DEFAULT_ATTEMPT_TIMEOUT_MS, 100, 10_000),
  deadlineMs: integerFrom(env, 'OPENAI_DEADLINE_MS', DEFAULT_DEADLINE_MS, 100, 900_000),
  maxRetries: integerFrom(env, 'OPENAI_MAX_RETRIES', DEFAULT_MAX_RETRIES, 0, 10),
});
