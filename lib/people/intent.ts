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

/** Two intents ask for the same thing: same state, role and projects as a set (omitted ≠ `[]`). */
export const sameIntent = (a: Intent, b: Intent): boolean => {
  if (a.state === 'absent' || b.state === 'absent') return a.state === b.state;
  return a.role === b.role && projectKeys(a.projects) === projectKeys(b.projects);
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

/** `present, role reader and projects [...]` / `absent`, for history and plans. */
export const describeIntent = (intent: Intent): string =>
  intent.state === 'absent' ? 'absent' : `present, ${describeTerms(requestOf('x', intent))}`;
