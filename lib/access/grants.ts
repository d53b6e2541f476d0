/**
 * THE list of grant kinds, in the order they are applied: the role first (a project `owner` may
 * need it), then projects, then groups. A new kind of grant is one module here (docs/architecture.md).
 */
import { groupsGrant } from './groups';
import { orgRoleGrant } from './org-role';
import { projectsGrant } from './projects';
import type { GrantKind, GrantModule } from './types';

export const GRANT_MODULES: readonly GrantModule[] = [orgRoleGrant, projectsGrant, groupsGrant];

export const grantModule = (kind: GrantKind): GrantModule =>
  GRANT_MODULES.find((module) => module.kind === kind)!;
