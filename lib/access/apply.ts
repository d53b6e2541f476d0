/**
 * Carries out a person's access plan (plan.ts) at OpenAI, step by step: each success is audited,
 * kept in the history (`granted` / `grant_removed`) and written to the person's granted record at
 * once, so a run cut short keeps what it did. A refusal is kept with OpenAI's reason and tried
 * again next run; an archived project is reported (`refused`) and not retried until the intent
 * changes; drift is reported, never acted on.
 */
import { InvitesError } from '../commons/errors';
import { audit, logger } from '../commons/logger';
import { recordSafely } from '../ledger/record-safely';
import type { OpenAIAccessClient } from '../openai/access-client';
import { UpstreamApiError } from '../openai/errors';
import { isArchivedProjectAnswer } from '../openai/upstream-answers';
import type { PersonStore } from '../people/store';
import type { GrantedAccess, PersonEvent } from '../people/types';
import { grantModule } from './grants';
import type { GrantStep } from './types';

export interface AccessDeps {
  access: OpenAIAccessClient;
  store: PersonStore;
  /** Who acts (`api`, `acceptance-check`, …): history and audit lines. */
  actor: string;
  deadline?: number;
  now?: () => Date;
}

export interface StepOutcome extends GrantStep {
  result: 'done' | 'failed' | 'refused' | 'reported' | 'skipped';
  message?: string;
}

const describe = (step: GrantStep): string =>
  `${step.op} ${step.grant}${step.id ? ` ${step.id}` : ''}${step.role ? ` (${step.role})` : ''}`;

export const applyAccess = async (
  email: string,
  userId: string,
  initial: GrantedAccess,
  steps: readonly GrantStep[],
  deps: AccessDeps,
): Promise<{ outcomes: StepOutcome[]; granted: GrantedAccess }> => {
  let granted = initial;
  const outcomes: StepOutcome[] = [];
  for (const step of steps) {
    const at = (deps.now?.() ?? new Date()).toISOString();
    const base: Omit<PersonEvent, 'kind'> = {
      at,
      actor: deps.actor,
      userId,
      reason: step.reason,
      detail: describe(step),
    };
    if (step.op === 'drift') {
      await keep(deps, email, undefined, { kind: 'drift', ...base });
      outcomes.push({ ...step, result: 'reported' });
      continue;
    }
    if (deps.deadline !== undefined && Date.now() >= deps.deadline) {
      outcomes.push({ ...step, result: 'skipped', message: 'out_of_time' });
      continue;
    }
    const module = grantModule(step.grant);
    try {
      await module.apply(step, userId, deps.access, { deadline: deps.deadline });
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      if (step.grant === 'project' && error instanceof UpstreamApiError && isArchivedProjectAnswer(error)) {
        granted = { ...granted, blocked: [...new Set([...(granted.blocked ?? []), step.id!])] };
        await keep(deps, email, granted, {
          kind: 'refused',
          ...base,
          reason: `project ${step.id} is archived: ${message}`,
        });
        outcomes.push({ ...step, result: 'refused', message });
        continue;
      }
      const code = error instanceof InvitesError ? (error.code ?? error.name) : 'Error';
      logger.warn('access grant failed', {
        email,
        grant: step.grant,
        op: step.op,
        id: step.id,
        errorCode: code,
      });
      await keep(deps, email, undefined, {
        kind: 'failed',
        ...base,
        reason: `${describe(step)}: ${message}`,
      });
      outcomes.push({ ...step, result: 'failed', message });
      continue;
    }
    granted = module.record(granted, step);
    audit(step.op === 'remove' ? 'access.removed' : 'access.granted', deps.actor, {
      email,
      userId,
      grant: step.grant,
      op: step.op,
      id: step.id,
      role: step.role,
      reason: step.reason,
    });
    await keep(deps, email, granted, { kind: step.op === 'remove' ? 'grant_removed' : 'granted', ...base });
    outcomes.push({ ...step, result: 'done' });
  }
  return { outcomes, granted };
};

/** The granted record (when given) and the event, together; a store failure is logged, never thrown. */
const keep = (deps: AccessDeps, email: string, granted: GrantedAccess | undefined, event: PersonEvent) =>
  recordSafely(async () => void (await deps.store.update(email, granted ? { granted } : {}, [event])), {
    what: { action: `person.${event.kind}` },
  });
