/**
 * What a reconciler invocation may ask (the sweeper function's event, `npm start`'s local route):
 * `{}` (a scheduled sweep), `{"dryRun": true}`, or a roster run
 * `{"roster": [InviteRequest…], "offboard"?, "apply"?, "maxRemovals"?}`. Checked whole: one bad
 * roster row refuses the run, since a roster missing a person would plan their removal.
 */
import { InvalidRequestError } from '../http/errors';
import { parseInviteRequest } from '../http/validation';
import type { ReconcileRequest } from './reconcile-run';

export interface ReconcileInvocation {
  /** `acceptance`: the acceptance check (lib/access/acceptance-check.ts) instead of a sweep. */
  check?: unknown;
  dryRun?: boolean;
  apply?: boolean;
  roster?: unknown[];
  offboard?: boolean;
  maxRemovals?: number;
}

const booleanOr = (value: unknown, name: string, fallback: boolean): boolean => {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidRequestError(`${name} must be a boolean.`, name);
  return value;
};

/** The run an invocation asks for; a sweep applies unless `dryRun`, a roster only with `apply`. */
export const reconcileRequestOf = (event: ReconcileInvocation | undefined | null): ReconcileRequest => {
  const body = event ?? {};
  const dryRun = booleanOr(body.dryRun, 'dryRun', false);
  if (body.maxRemovals !== undefined && (!Number.isInteger(body.maxRemovals) || body.maxRemovals < 0))
    throw new InvalidRequestError('maxRemovals must be a whole number, 0 or more.', 'maxRemovals');
  const common = body.maxRemovals !== undefined ? { maxRemovals: body.maxRemovals } : {};
  if (body.roster === undefined) return { apply: !dryRun, ...common };
  if (!Array.isArray(body.roster))
    throw new InvalidRequestError('roster must be an array of invites.', 'roster');
  const roster = body.roster.map((row, index) => {
    try {
      return parseInviteRequest(row);
    } catch (error) {
      throw new InvalidRequestError(`roster[${index}]: ${(error as Error).message}`, `roster.${index}`);
    }
  });
  return {
    roster,
    offboard: booleanOr(body.offboard, 'offboard', false),
    apply: booleanOr(body.apply, 'apply', false) && !dryRun,
    ...common,
  };
};
