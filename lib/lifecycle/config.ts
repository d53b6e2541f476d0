/** The invite sweeper's configuration from the environment (README, "Configuration"). */
import { booleanFrom, ENV, type Env, integerFrom } from '../commons/env';

export const DEFAULT_REINVITE_MAX_TIMES = 2;

export interface SweepConfig {
  /** REINVITE_EXPIRED (default true): false = the sweep only reports. */
  reinviteExpired: boolean;
  /** REINVITE_MAX_TIMES (default 2, 0–20): re-invites per email, ever. */
  maxTimes: number;
}

export const readSweepConfig = (env: Env = process.env): SweepConfig => ({
  reinviteExpired: booleanFrom(env, ENV.reinviteExpired, true),
  maxTimes: integerFrom(env, ENV.reinviteMaxTimes, DEFAULT_REINVITE_MAX_TIMES, 0, 20),
});
