/** The invite sweeper's configuration from the environment (README, "Configuration"). */
import { booleanFrom, ENV, type Env, integerFrom } from '../commons/env';

export const DEFAULT_REINVITE_MAX_TIMES = 2;
/** A run that would revoke or remove more people than this stops before acting (brakes). */
export const DEFAULT_MAX_REMOVALS = 25;

export interface SweepConfig {
  /** REINVITE_EXPIRED (default true): false = the sweep only reports. */
  reinviteExpired: boolean;
  /** REINVITE_MAX_TIMES (default 2, 0–20): re-invites per email, ever. */
  maxTimes: number;
  /** RECONCILE_MAX_REMOVALS (default 25, 0–100000): the brakes on mass removal. */
  maxRemovals: number;
  /** OFFBOARD_MEMBERS (default false): leavers who are members may be removed at all. */
  offboardMembers: boolean;
}

export const readSweepConfig = (env: Env = process.env): SweepConfig => ({
  reinviteExpired: booleanFrom(env, ENV.reinviteExpired, true),
  maxTimes: integerFrom(env, ENV.reinviteMaxTimes, DEFAULT_REINVITE_MAX_TIMES, 0, 20),
  maxRemovals: integerFrom(env, ENV.reconcileMaxRemovals, DEFAULT_MAX_REMOVALS, 0, 100_000),
  offboardMembers: booleanFrom(env, ENV.offboardMembers, false),
});
