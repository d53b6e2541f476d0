/** Access configuration from the environment (docs/access.md). */
import { booleanFrom, ENV, type Env } from '../commons/env';

export interface AccessConfig {
  /** REVOKE_LEAVER_KEYS (default false): delete a leaver's project API keys, not only list them. */
  revokeLeaverKeys: boolean;
}

export const readAccessConfig = (env: Env = process.env): AccessConfig => ({
  revokeLeaverKeys: booleanFrom(env, ENV.revokeLeaverKeys, false),
});
