/**
 * Discovery (RFC 7644 §4): /ServiceProviderConfig, /ResourceTypes, /Schemas, generated from the
 * same attribute tables the endpoint canonicalises with (schema.ts), so they tell the truth: PATCH
 * yes, filter yes (at most MAX_COUNT results a page), bulk, sort, etag and password change no,
 * bearer token auth.
 */
import { notFound } from './errors';
import {
  type Attribute,
  ENTERPRISE_ATTRIBUTES,
  ENTERPRISE_SCHEMA,
  GROUP_ATTRIBUTES,
  GROUP_SCHEMA,
  LIST_SCHEMA,
  OPENAI_ATTRIBUTES,
  OPENAI_SCHEMA,
  USER_ATTRIBUTES,
  USER_SCHEMA,
} from './schema';

/** The largest request body taken (413 above it). */
export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_RESULTS = 200;

const meta = (resourceType: string, baseUrl: string, path: string) => ({
  resourceType,
  location: `${baseUrl}${path}`,
});

export const serviceProviderConfig = (baseUrl: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
  documentationUri: 'docs/scim.md',
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: MAX_BODY_BYTES },
  filter: { supported: true, maxResults: MAX_RESULTS },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: false },
  authenticationSchemes: [
    {
      type: 'oauthbearertoken',
      name: 'OAuth Bearer Token',
      description: `Authorization: Bearer <the SCIM token>. Request bodies up to ${MAX_BODY_BYTES} bytes.`,
      primary: true,
    },
  ],
  meta: meta('ServiceProviderConfig', baseUrl, '/ServiceProviderConfig'),
});

const RESOURCE_TYPES = [
  {
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: USER_SCHEMA,
    schemaExtensions: [
      { schema: ENTERPRISE_SCHEMA, required: false },
      { schema: OPENAI_SCHEMA, required: false },
    ],
  },
  {
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'Group',
    schema: GROUP_SCHEMA,
    schemaExtensions: [],
  },
];

const resourceType = (type: (typeof RESOURCE_TYPES)[number], baseUrl: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
  ...type,
  meta: meta('ResourceType', baseUrl, `/ResourceTypes/${type.id}`),
});

const definition = (attribute: Attribute): Record<string, unknown> => ({
  name: attribute.name,
  type: attribute.type,
  multiValued: attribute.multiValued ?? false,
  description: attribute.description ?? attribute.name,
  required: attribute.required ?? false,
  caseExact: attribute.caseExact ?? false,
  mutability: attribute.readOnly ? 'readOnly' : attribute.writeOnly ? 'writeOnly' : 'readWrite',
  returned: attribute.writeOnly ? 'never' : 'default',
  uniqueness: attribute.name === 'userName' ? 'server' : 'none',
  ...(attribute.subAttributes ? { subAttributes: attribute.subAttributes.map(definition) } : {}),
});

const SCHEMAS = [
  { id: USER_SCHEMA, name: 'User', description: 'User Account', attributes: USER_ATTRIBUTES },
  { id: GROUP_SCHEMA, name: 'Group', description: 'Group', attributes: GROUP_ATTRIBUTES },
  {
    id: ENTERPRISE_SCHEMA,
    name: 'EnterpriseUser',
    description: 'Enterprise User',
    attributes: ENTERPRISE_ATTRIBUTES,
  },
  {
    id: OPENAI_SCHEMA,
    name: 'OpenAIUser',
    description: 'The OpenAI organization role',
    attributes: OPENAI_ATTRIBUTES,
  },
];

const schema = (entry: (typeof SCHEMAS)[number], baseUrl: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
  id: entry.id,
  name: entry.name,
  description: entry.description,
  attributes: entry.attributes.map(definition),
  meta: meta('Schema', baseUrl, `/Schemas/${entry.id}`),
});

const list = (resources: unknown[]) => ({
  schemas: [LIST_SCHEMA],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});

export const resourceTypes = (baseUrl: string) =>
  list(RESOURCE_TYPES.map((type) => resourceType(type, baseUrl)));

export const oneResourceType = (id: string, baseUrl: string) => {
  const type = RESOURCE_TYPES.find((candidate) => candidate.id.toLowerCase() === id.toLowerCase());
  if (!type) throw notFound('ResourceType', id);
  return resourceType(type, baseUrl);
};

export const schemas = (baseUrl: string) => list(SCHEMAS.map((entry) => schema(entry, baseUrl)));

export const oneSchema = (id: string, baseUrl: string) => {
  const entry = SCHEMAS.find((candidate) => candidate.id.toLowerCase() === id.toLowerCase());
  if (!entry) throw notFound('Schema', id);
  return schema(entry, baseUrl);
};
