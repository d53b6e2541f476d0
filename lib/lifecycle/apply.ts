/**
 * Carries out a reconciler plan (plan.ts), leavers first. Every action is logged, audited and
 * kept in the person's history, with its reason; the ledger's email record is updated as before
 * (job views, duplicate lookups). A re-invite is claimed in the ledger first (a conditional
 * write), so two runs at once send it once. OpenAI throttling or a failure stops nothing but that
 * action: it is counted, kept in the history, and planned again by the next run.
 */
import { inLane } from '../budget/lanes';
import { InvitesError } from '../commons/errors';
import { audit, logger } from '../commons/logger';
import type { Ledger } from '../ledger/ledger';
import { recordSafely } from '../ledger/record-safely';
import type { OpenAIInvitesClient } from '../openai/client';
import { InviteAlreadyAcceptedError, NotFoundError } from '../openai/errors';
import { describeTerms } from '../openai/invite-terms';
import type { Invite } from '../openai/types';
import { observedInvite } from '../people/observed';
import type { PersonStore } from '../people/store';
import type { PersonEvent } from '../people/types';
import { type PlannedAction, REMOVAL_KINDS } from './plan-types';
import { readAccessConfig } from '../access/config';
import { describeKeys, handleLeaverKeys } from '../access/leaver-keys';
import { OpenAIAccessClient } from '../openai/access-client';

export interface ApplyDeps {
  client: OpenAIInvitesClient;
  store: PersonStore;
  /** Claims re-invites (one per expired invite) and keeps the email records current. */
  ledger?: Ledger;
  /** Who acts: `sweep`, `roster`, `worker`… (history and audit lines). */
  actor: string;
  /** REINVITE_MAX_TIMES. */
  maxReinvites: number;
  /** Epoch ms after which no further action starts. */
  deadline?: number;
  now?: () => Date;
  /** Throw OpenAI's errors after recording them (the worker's failure policy decides), instead of returning them. */
  throwFailures?: boolean;
}

export type ActionResult =
  | { status: 'done'; inviteId?: string; count?: number }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; code: string; message: string };

const codeOf = (error: unknown): string =>
  error instanceof InvitesError ? (error.code ?? error.name) : ((error as Error)?.name ?? 'Error');

/** Actions that take a leaver's access away (plan-types.ts REMOVAL_KINDS): the budget's `leaver` lane. */
const LEAVER_KINDS: ReadonlySet<string> = new Set(REMOVAL_KINDS);

/** Applies one planned action; never throws for OpenAI's refusals (they are results). */
export const applyAction = async (action: PlannedAction, deps: ApplyDeps): Promise<ActionResult> => {
  if (deps.deadline !== undefined && Date.now() >= deps.deadline)
    return { status: 'skipped', reason: 'out_of_time' };
  const at = (deps.now?.() ?? new Date()).toISOString();
  try {
    // A leaver's revocation or removal goes ahead of every backlog in the budget (lib/budget/).
    const apply = () => APPLY[action.kind](action, deps, at);
    return await (LEAVER_KINDS.has(action.kind) ? inLane('leaver', apply) : apply());
  } catch (error) {
    // The worker's failure policy decides (retry, throttle, dead-letter) and records it.
    if (deps.throwFailures) throw error;
    const code = codeOf(error);
    const message = (error as Error)?.message ?? String(error);
    logger.warn('reconcile action failed', { email: action.email, kind: action.kind, errorCode: code });
    await keep(deps, action.email, {
      kind: 'failed',
      at,
      actor: deps.actor,
      reason: `${action.kind}: ${message}`,
      inviteId: action.inviteId,
    });
    return { status: 'failed', code, message };
  }
};

type Applier = (action: PlannedAction, deps: ApplyDeps, at: string) => Promise<ActionResult>;

const nothing: Applier = async () => ({ status: 'skipped', reason: 'nothing to apply' });

const revoke: Applier = async (action, deps, at) => {
  try {
    await deps.client.deleteInvite(action.inviteId!, { deadline: deps.deadline });
  } catch (error) {
    // Accepted since the plan was made: the next run sees a member and plans for that.
    if (error instanceof InviteAlreadyAcceptedError)
      return { status: 'skipped', reason: 'accepted_meanwhile' };
    throw error;
  }
  audit('invite.revoked', deps.actor, {
    email: action.email,
    inviteId: action.inviteId,
    reason: action.reason,
  });
  await keep(deps, action.email, {
    kind: 'revoked',
    at,
    actor: deps.actor,
    inviteId: action.inviteId,
    reason: action.reason,
  });
  await ledgerWrite(deps, () =>
    deps.ledger!.recordInvite({
      email: action.email,
      outcome: 'revoked',
      status: 'revoked',
      source: deps.actor,
      inviteId: action.inviteId,
    }),
  );
  return { status: 'done', inviteId: action.inviteId };
};

/** A leaver's API keys, found (and revoked with REVOKE_LEAVER_KEYS=true) before they go: lib/access/leaver-keys.ts. */
const leaverKeys = (action: PlannedAction, deps: ApplyDeps) =>
  handleLeaverKeys(action.email, action.userId!, {
    access: new OpenAIAccessClient(deps.client),
    store: deps.store,
    actor: deps.actor,
    deadline: deps.deadline,
    revoke: readAccessConfig().revokeLeaverKeys,
  });

const offboard: Applier = async (action, deps, at) => {
  await leaverKeys(action, deps);
  try {
    await deps.client.deleteUser(action.userId!, { deadline: deps.deadline });
  } catch (error) {
    // Removed by someone else (another run, the dashboard) since the plan: what the intent wanted.
    if (error instanceof NotFoundError) return { status: 'skipped', reason: 'already_removed' };
    throw error;
  }
  audit('user.removed', deps.actor, { email: action.email, userId: action.userId, reason: action.reason });
  await update(
    deps,
    action.email,
    { awaiting: null },
    { kind: 'offboarded', at, actor: deps.actor, userId: action.userId, reason: action.reason },
  );
  await ledgerWrite(deps, () =>
    deps.ledger!.recordInvite({
      email: action.email,
      outcome: 'revoked',
      status: 'offboarded',
      source: deps.actor,
    }),
  );
  return { status: 'done' };
};

const awaitPerson: Applier = async (action, deps, at) => {
  logger.warn('awaiting a person', { email: action.email, code: action.code, reason: action.reason });
  const keys = action.userId ? await leaverKeys(action, deps) : undefined;
  const owned =
    keys && keys.projectKeys.length + keys.adminKeys.length > 0 ? ` Owns: ${describeKeys(keys)}.` : '';
  const reason = `${action.reason}${owned}`;
  await update(
    deps,
    action.email,
    { awaiting: { code: action.code!, reason, since: at } },
    {
      kind: 'awaiting_person',
      at,
      actor: deps.actor,
      userId: action.userId,
      reason,
    },
  );
  return { status: 'done' };
};

const clearAwaiting: Applier = async (action, deps, at) => {
  await update(
    deps,
    action.email,
    { awaiting: null },
    { kind: 'observed_gone', at, actor: deps.actor, reason: action.reason },
  );
  return { status: 'done' };
};

/** invite, replace: the intent's terms, replacing a pending invite of other terms. */
const invite: Applier = async (action, deps, at) => {
  const result = await deps.client.createInvite(action.request!, {
    deadline: deps.deadline,
    replacePending: true,
  });
  return invited(action, deps, at, result.invite, result.created ? 'invited' : undefined);
};

/** reinvite: claimed first, so two runs at once send it once; a failure gives the claim back. */
const reinvite: Applier = async (action, deps, at) => {
  const claim = deps.ledger
    ? await deps.ledger.claimReinvite({
        email: action.email,
        expiredInviteId: action.inviteId!,
        max: deps.maxReinvites,
      })
    : { claimed: true as const, count: 1 };
  if (!claim.claimed) return { status: 'skipped', reason: claim.reason };
  try {
    const result = await deps.client.createInvite(action.request!, { deadline: deps.deadline });
    const done = await invited(action, deps, at, result.invite, 'reinvited');
    return { ...done, count: claim.count };
  } catch (error) {
    await ledgerWrite(deps, () => deps.ledger!.releaseReinvite(action.email, action.inviteId!));
    throw error;
  }
};

/** Records an invite the product made (kind given) or found pending (undefined). */
const invited = async (
  action: PlannedAction,
  deps: ApplyDeps,
  at: string,
  made: Invite,
  kind: 'invited' | 'reinvited' | undefined,
): Promise<ActionResult> => {
  const observed = observedInvite(made, at);
  if (kind)
    audit(kind === 'invited' ? 'invite.created' : 'invite.reinvited', deps.actor, {
      email: action.email,
      inviteId: made.id,
      replaces: action.inviteId,
    });
  await update(
    deps,
    action.email,
    { observed, ...(kind ? { productInvite: { id: made.id, at, reinvite: kind === 'reinvited' } } : {}) },
    kind
      ? {
          kind,
          at,
          actor: deps.actor,
          inviteId: made.id,
          reason: action.reason,
          detail: describeTerms(action.request!),
        }
      : undefined,
  );
  await ledgerWrite(deps, () =>
    deps.ledger!.recordInvite({
      email: action.email,
      outcome: kind ? 'created' : 'already_invited',
      source: deps.actor,
      inviteId: made.id,
      status: made.status,
      role: action.request!.role,
      projects: action.request!.projects,
    }),
  );
  return { status: 'done', inviteId: made.id };
};

const APPLY: Record<PlannedAction['kind'], Applier> = {
  offboard,
  revoke,
  await_person: awaitPerson,
  clear_awaiting: clearAwaiting,
  replace: invite,
  reinvite,
  invite,
  drift: nothing,
  unchanged: nothing,
};

/** A person-store write that must not undo what OpenAI already did: retried, then logged. */
const update = (
  deps: ApplyDeps,
  email: string,
  patch: Parameters<PersonStore['update']>[1],
  event?: PersonEvent,
) =>
  recordSafely(async () => void (await deps.store.update(email, patch, event ? [event] : [])), {
    what: { action: `person.${event?.kind ?? 'observed'}` },
  });

const keep = (deps: ApplyDeps, email: string, event: PersonEvent) =>
  recordSafely(() => deps.store.append(email, [event]), { what: { action: `person.${event.kind}` } });

const ledgerWrite = async (deps: ApplyDeps, write: () => Promise<void>) => {
  if (deps.ledger) await recordSafely(write, { what: { action: 'ledger.reconcile' } });
};
