/**
 * The documented defaults of the functions' environment, checked against the code's config readers
 * (`lib/<feature>/config.ts`): a variable set to its documented default must read exactly as
 * unset, and set to another value must read differently (so the reader does read it). Variables
 * no reader reads (the Powertools' own, `npm start`'s) are reported as unverified, not wrong.
 */
import { readQueueConfig, readWorkerConfig } from '../../lib/bulk/config';
import type { Env } from '../../lib/commons/env';
import { readLedgerConfig } from '../../lib/ledger/config';
import { readSweepConfig } from '../../lib/lifecycle/config';
import { readClientConfig } from '../../lib/openai/config';
import { readPeopleConfig } from '../../lib/people/config';
import { readWebhookConfig } from '../../lib/webhooks/config';
import { ENV_WORDS } from './descriptions';

const READERS: ((env: Env) => unknown)[] = [
  readQueueConfig,
  readWorkerConfig,
  readLedgerConfig,
  readSweepConfig,
  readClientConfig,
  readPeopleConfig,
  readWebhookConfig,
];

/** Everything the readers make of `env`, each reader's answer or its error's message. */
const readAll = (env: Env): string =>
  JSON.stringify(
    READERS.map((read) => {
      try {
        return read(env);
      } catch (error) {
        return `error: ${(error as Error).message}`;
      }
    }),
  );

/** A value other than `value`, of the same kind. */
const another = (value: string): string => {
  if (/^\d+$/.test(value)) return String(Number(value) + 1);
  if (value === 'true' || value === 'false') return value === 'true' ? 'false' : 'true';
  if (value === 'reader' || value === 'member') return 'owner';
  if (/^https?:/.test(value)) return 'https://example.com/other';
  return `${value}-other`;
};

export interface EnvDefaultsCheck {
  /** Variables whose documented default the readers confirm. */
  verified: string[];
  /** Variables with a literal default that no reader reads. */
  unverified: string[];
  /** Documented defaults the code does not have. */
  problems: string[];
}

export const checkEnvDefaults = (words: Record<string, [string, string]> = ENV_WORDS): EnvDefaultsCheck => {
  const unset = readAll({});
  const result: EnvDefaultsCheck = { verified: [], unverified: [], problems: [] };
  for (const [name, [fallback]] of Object.entries(words)) {
    const literal = /^`([^`]+)`$/.exec(fallback)?.[1];
    if (literal === undefined) continue;
    if (readAll({ [name]: another(literal) }) === unset) {
      result.unverified.push(name);
    } else if (readAll({ [name]: literal }) === unset) {
      result.verified.push(name);
    } else {
      result.problems.push(
        `${name}: documented default \`${literal}\` is not what the code reads when it is unset.`,
      );
    }
  }
  return result;
};
