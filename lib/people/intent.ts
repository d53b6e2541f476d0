/** Comparing and describing intents. */
import { describeTerms } from '../openai/invite-terms';
import type { InviteProject, InviteRequest } from '../openai/types';
import type { Intent } from './types';

export type PresentIntent = Extract<Intent, { state: 'present' }>;

const projectKeys = (projects: InviteProject[] | undefined): string | undefined =>
  projects
    ?.map((project) => `${project.id}\u0000${project.role}`)
    .sort()
    .join('\u0001');

const groupKeys = (groups: string[] | undefined): string | undefined =>
  [...(groups ?? [])].sort().join('\u0001');

/**
 * Two intents ask for the same thing: same state, role, projects as a set (omitted ≠ `[]`) and
 * groups as a set (omitted = `[]`: no group is granted either way).
 */
export const sameIntent = (a: Intent, b: Intent): boolean => {
  if (a.state === 'absent' || b.state === 'absent') return a.state === b.state;
  return (
    a.role === b.role &&
    projectKeys(a.projects) === projectKeys(b.projects) &&
    groupKeys(a.groups) === groupKeys(b.groups) &&
    (a.exact === true) === (b.exact === true)
  );
};

/** The invite request that meets a present intent. */
export const requestOf = (email: string, intent: PresentIntent): InviteRequest => ({
  email,
  role: intent.role,
  ...(intent.projects !== undefined ? { projects: intent.projects } : {}),
});

/** A present intent from an invite request. */
export const intentOf = (request: Omit<InviteRequest, 'email'>): PresentIntent => ({
  state: 'present',
  role: request.role,
  ...(request.projects !== undefined ? { projects: request.projects } : {}),
});

/** `present, role reader and projects [...], groups [...]` / `absent`, for history and plans. */
export const describeIntent = (intent: Intent): string => {
  if (intent.state === 'absent') return 'absent';
  const groups = intent.groups?.length ? `, groups [${intent.groups.join(', ')}]` : '';
  return `present, ${describeTerms(requestOf('x', intent))}${groups}${intent.exact ? ' (exact)' : ''}`;
};
