/**
 * THE route table: the CDK stack and the local gateway both read it, so they cannot disagree.
 * Paths are relative to the stage (`/v1`), as OpenAI's are relative to `https://api.openai.com/v1`.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * `api`: internal callers, authorised at the gateway (IAM by default, or a bearer-token
 * authorizer; see the stack). `webhook`: open at the gateway, verified inside the function.
 * `scim`: open at the gateway, the SCIM bearer token checked inside the function (lib/scim/token.ts);
 * deployed only with the stack context `scim` (docs/scim.md).
 */
export type RouteAuth = 'api' | 'webhook' | 'scim';

export interface Route {
  /** Also the operation name in logs. */
  readonly id: string;
  readonly method: HttpMethod;
  /** API Gateway resource path, `{name}` for a path parameter. */
  readonly path: string;
  /** File name under `functions/`, without `.ts`. */
  readonly functionName: string;
  readonly auth: RouteAuth;
}

export const ROUTES = [
  {
    id: 'createInvite',
    method: 'POST',
    path: '/organization/invites',
    functionName: 'create-invite',
    auth: 'api',
  },
  {
    id: 'listInvites',
    method: 'GET',
    path: '/organization/invites',
    functionName: 'list-invites',
    auth: 'api',
  },
  {
    id: 'bulkInvites',
    method: 'POST',
    path: '/organization/invites/bulk',
    functionName: 'bulk-invites',
    auth: 'api',
  },
  {
    // Recent jobs, newest first, from the ledger (the same function as a job's progress); never calls OpenAI.
    id: 'listBulkJobs',
    method: 'GET',
    path: '/organization/invites/bulk',
    functionName: 'bulk-job-status',
    auth: 'api',
  },
  {
    // Job progress from the ledger; never calls OpenAI.
    id: 'bulkJobStatus',
    method: 'GET',
    path: '/organization/invites/bulk/{job_id}',
    functionName: 'bulk-job-status',
    auth: 'api',
  },
  {
    id: 'retrieveInvite',
    method: 'GET',
    path: '/organization/invites/{invite_id}',
    functionName: 'retrieve-invite',
    auth: 'api',
  },
  {
    id: 'deleteInvite',
    method: 'DELETE',
    path: '/organization/invites/{invite_id}',
    functionName: 'delete-invite',
    auth: 'api',
  },
  {
    // A person from the ledger table (intent, who declared it, what OpenAI showed, history); never calls OpenAI.
    id: 'getPerson',
    method: 'GET',
    path: '/people/{email}',
    functionName: 'get-person',
    auth: 'api',
  },
  {
    // Declares a person's whole access (role, projects, groups) and applies it (lib/access/).
    id: 'putPerson',
    method: 'PUT',
    path: '/people/{email}',
    functionName: 'put-person',
    auth: 'api',
  },
  {
    // The leaver path: intent absent from an operator (lib/access/person-api.ts).
    id: 'deletePerson',
    method: 'DELETE',
    path: '/people/{email}',
    functionName: 'delete-person',
    auth: 'api',
  },
  {
    id: 'hrWebhook',
    method: 'POST',
    path: '/webhooks/{provider}',
    functionName: 'hr-webhook',
    auth: 'webhook',
  },
  {
    // Okta's one-time event hook verification; other providers answer 405 here.
    id: 'hrWebhookVerification',
    method: 'GET',
    path: '/webhooks/{provider}',
    functionName: 'hr-webhook',
    auth: 'webhook',
  },
  // SCIM 2.0 for identity providers (docs/scim.md): one function, its own bearer token.
  {
    id: 'scimServiceProviderConfig',
    method: 'GET',
    path: '/scim/v2/ServiceProviderConfig',
    functionName: 'scim',
    auth: 'scim',
  },
  {
    id: 'scimResourceTypes',
    method: 'GET',
    path: '/scim/v2/ResourceTypes',
    functionName: 'scim',
    auth: 'scim',
  },
  {
    id: 'scimResourceType',
    method: 'GET',
    path: '/scim/v2/ResourceTypes/{id}',
    functionName: 'scim',
    auth: 'scim',
  },
  { id: 'scimSchemas', method: 'GET', path: '/scim/v2/Schemas', functionName: 'scim', auth: 'scim' },
  { id: 'scimSchema', method: 'GET', path: '/scim/v2/Schemas/{id}', functionName: 'scim', auth: 'scim' },
  { id: 'scimListUsers', method: 'GET', path: '/scim/v2/Users', functionName: 'scim', auth: 'scim' },
  { id: 'scimCreateUser', method: 'POST', path: '/scim/v2/Users', functionName: 'scim', auth: 'scim' },
  { id: 'scimGetUser', method: 'GET', path: '/scim/v2/Users/{id}', functionName: 'scim', auth: 'scim' },
  { id: 'scimReplaceUser', method: 'PUT', path: '/scim/v2/Users/{id}', functionName: 'scim', auth: 'scim' },
  { id: 'scimPatchUser', method: 'PATCH', path: '/scim/v2/Users/{id}', functionName: 'scim', auth: 'scim' },
  { id: 'scimDeleteUser', method: 'DELETE', path: '/scim/v2/Users/{id}', functionName: 'scim', auth: 'scim' },
  { id: 'scimListGroups', method: 'GET', path: '/scim/v2/Groups', functionName: 'scim', auth: 'scim' },
  { id: 'scimCreateGroup', method: 'POST', path: '/scim/v2/Groups', functionName: 'scim', auth: 'scim' },
  { id: 'scimGetGroup', method: 'GET', path: '/scim/v2/Groups/{id}', functionName: 'scim', auth: 'scim' },
  { id: 'scimReplaceGroup', method: 'PUT', path: '/scim/v2/Groups/{id}', functionName: 'scim', auth: 'scim' },
  { id: 'scimPatchGroup', method: 'PATCH', path: '/scim/v2/Groups/{id}', functionName: 'scim', auth: 'scim' },
  {
    id: 'scimDeleteGroup',
    method: 'DELETE',
    path: '/scim/v2/Groups/{id}',
    functionName: 'scim',
    auth: 'scim',
  },
] as const satisfies readonly Route[];

export type RouteId = (typeof ROUTES)[number]['id'];

export const routeById = (id: RouteId): Route => ROUTES.find((route) => route.id === id) as Route;

export type RouteMatch =
  | { kind: 'found'; route: Route; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: HttpMethod[] }
  | { kind: 'not-found' };

const segmentsOf = (path: string): string[] => path.split('/').filter((segment) => segment !== '');

const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** Path parameters when `path` fits the route's resource path, else undefined. */
const matchPath = (resource: string, path: string): Record<string, string> | undefined => {
  const expected = segmentsOf(resource);
  const actual = segmentsOf(path);
  if (expected.length !== actual.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, segment] of expected.entries()) {
    const value = decodeSegment(actual[index]!);
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (name) parameters[name] = value;
    else if (segment !== value) return undefined;
  }
  return parameters;
};

const literalSegments = (path: string): number =>
  segmentsOf(path).filter((segment) => !segment.startsWith('{')).length;

/**
 * Finds the route for a request as API Gateway does: first the most specific resource that fits
 * the path (literal segments win over `{parameters}`), then the method on that resource.
 * `path` is relative to the stage.
 */
export const matchRoute = (method: string, path: string, routes: readonly Route[] = ROUTES): RouteMatch => {
  const fitting = routes
    .map((route) => ({ route, pathParameters: matchPath(route.path, path) }))
    .filter((candidate): candidate is { route: Route; pathParameters: Record<string, string> } =>
      Boolean(candidate.pathParameters),
    );
  if (fitting.length === 0) return { kind: 'not-found' };
  const resource = fitting.reduce((best, candidate) =>
    literalSegments(candidate.route.path) > literalSegments(best.route.path) ? candidate : best,
  ).route.path;
  const onResource = fitting.filter((candidate) => candidate.route.path === resource);
  const found = onResource.find((candidate) => candidate.route.method === method.toUpperCase());
  if (found) return { kind: 'found', ...found };
  return { kind: 'method-not-allowed', allowed: onResource.map((candidate) => candidate.route.method) };
};
