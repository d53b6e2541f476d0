/**
 * A person's access beyond the invite (issue 25): one grant kind a module (org-role.ts,
 * projects.ts, groups.ts), each saying what it reads, how it diffs and how it applies. A step is
 * one change at OpenAI with its reason; like the reconciler's plan, a plan changes nothing.
 */
import type { GrantedAccess, Person } from '../people/types';
import type { PresentIntent } from '../people/intent';
import type { OpenAIAccessClient } from '../openai/access-client';
import type { CallOptions } from '../openai/client';

export type GrantKind = 'role' | 'project' | 'group';

export interface GrantStep {
  grant: GrantKind;
  /** add / change (a role) / remove; `drift`: reported only (not the product's to change). */
  op: 'add' | 'change' | 'remove' | 'drift';
  /** The project or group id; none for the organization role. */
  id?: string;
  /** The role to set (role, project). */
  role?: string;
  reason: string;
}

/** What a diff looks at: the intent, what the product granted, what OpenAI shows (when read). */
export interface DiffInput {
  intent: PresentIntent;
  granted: GrantedAccess;
  member: { userId: string; role: string };
  /** Exact intents only: the memberships OpenAI shows (project id → role; group ids). */
  actual?: { projects: Map<string, string>; groups: Set<string> };
}

export interface GrantModule {
  readonly kind: GrantKind;
  /** The steps that bring OpenAI to the intent; removals only of what the product granted unless exact. */
  diff(input: DiffInput): GrantStep[];
  /** One step at OpenAI; throws OpenAI's refusal (apply.ts records it). */
  apply(step: GrantStep, userId: string, client: OpenAIAccessClient, options: CallOptions): Promise<void>;
  /** The granted record after `step` succeeded. */
  record(granted: GrantedAccess, step: GrantStep): GrantedAccess;
}

export const emptyGranted = (): GrantedAccess => ({ projects: [], groups: [] });

export const grantedOf = (person: Pick<Person, 'granted'>): GrantedAccess => person.granted ?? emptyGranted();
