/**
 * `openai-invites person EMAIL --set-role R --add-group ID --remove-group ID --add-project ID:ROLE
 * --remove-project ID [--exact]`: the person's present intent changed as asked, sent whole with
 * `PUT /v1/people/{email}` (the API checks it and applies it: docs/access.md).
 */
import type { PersonView } from '../lib/people/view';
import { EXIT } from './exit-codes';
import { callGateway, CliFailure, type GatewayAuth, refused } from './gateway';

export interface AccessFlags {
  setRole?: string;
  addGroup?: string[];
  removeGroup?: string[];
  addProject?: string[];
  removeProject?: string[];
  exact?: boolean;
}

export const ACCESS_OPTIONS = {
  'set-role': { type: 'string' },
  'add-group': { type: 'string', multiple: true },
  'remove-group': { type: 'string', multiple: true },
  'add-project': { type: 'string', multiple: true },
  'remove-project': { type: 'string', multiple: true },
  exact: { type: 'boolean', default: false },
} as const;

export const ACCESS_USAGE = `  --set-role ROLE      the organization role (reader, owner)
  --add-group ID       add an organization group (repeatable); --remove-group ID
  --add-project ID:ROLE  add a project, or change its role (member, owner); --remove-project ID
  --exact              the result is the whole truth: memberships the product did not grant go too`;

export const wantsChange = (flags: AccessFlags): boolean =>
  flags.setRole !== undefined ||
  [flags.addGroup, flags.removeGroup, flags.addProject, flags.removeProject].some(
    (list) => (list?.length ?? 0) > 0,
  );

/** The PUT body: the current present intent (if any) with the flags applied. */
export const changedIntent = (current: PersonView | undefined, flags: AccessFlags) => {
  const intent = current?.intent?.state === 'present' ? current.intent : undefined;
  const role = flags.setRole ?? intent?.role;
  if (!role) throw new CliFailure('This person has no present intent: give --set-role.', EXIT.usage);
  const projects = new Map((intent?.projects ?? []).map((project) => [project.id, project.role as string]));
  for (const item of flags.addProject ?? []) {
    const [id, projectRole = 'member'] = item.split(':');
    if (!id) throw new CliFailure(`--add-project ${item}: expected ID:ROLE.`, EXIT.usage);
    projects.set(id, projectRole);
  }
  for (const id of flags.removeProject ?? []) projects.delete(id);
  const groups = new Set(intent?.groups ?? []);
  for (const id of flags.addGroup ?? []) groups.add(id);
  for (const id of flags.removeGroup ?? []) groups.delete(id);
  const touchedProjects = (flags.addProject?.length ?? 0) + (flags.removeProject?.length ?? 0) > 0;
  return {
    role,
    ...(intent?.projects !== undefined || touchedProjects
      ? { projects: [...projects].map(([id, projectRole]) => ({ id, role: projectRole })) }
      : {}),
    groups: [...groups],
  };
};

/** PUT the intent; answers the person, or throws CliFailure with the API's reason. */
export const putIntent = async (
  base: string,
  email: string,
  body: ReturnType<typeof changedIntent>,
  auth: GatewayAuth,
  exact: boolean,
): Promise<PersonView> => {
  const url = `${base}/people/${encodeURIComponent(email)}${exact ? '?exact=true' : ''}`;
  const answer = await callGateway(url, base, { auth, method: 'PUT', body });
  if (answer.status === 200) return answer.body as PersonView;
  if (answer.status === 400)
    throw new CliFailure(answer.error?.message ?? 'The API refused the intent.', EXIT.usage);
  throw refused(url, answer);
};

/** "intended vs granted" lines for the printout. */
export const accessLines = (person: PersonView): string[] => {
  const intent = person.intent?.state === 'present' ? person.intent : undefined;
  const granted = person.granted;
  return [
    `  groups       ${intent?.groups?.length ? intent.groups.join(', ') : 'none'}${intent?.exact ? ' (exact)' : ''}`,
    `  granted      ${
      granted
        ? [
            granted.role ? `role ${granted.role}` : '',
            ...granted.projects.map((project) => `${project.id} (${project.role})`),
            ...granted.groups,
          ]
            .filter(Boolean)
            .join(', ') || 'nothing'
        : 'nothing yet'
    }`,
  ];
};
