/**
 * The User and Group schemas this endpoint keeps (RFC 7643 §4, the enterprise extension §4.3 and
 * the product's own extension for the OpenAI role), as one table of attributes. Incoming resources
 * are canonicalised against it: attribute names are matched case-insensitively (RFC 7643 §2.1) and
 * stored in the schema's spelling, `"True"`/`"False"` strings become booleans where a boolean is
 * meant (Entra sends them), read-only and unknown attributes are dropped, and wrong types are a
 * 400 `invalidValue`.
 */
import { invalidValue } from './errors';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const OPENAI_SCHEMA = 'urn:ietf:params:scim:schemas:extension:openai:2.0:User';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type AttributeType = 'string' | 'boolean' | 'complex' | 'reference' | 'dateTime' | 'integer';

export interface Attribute {
  name: string;
  type: AttributeType;
  multiValued?: boolean;
  required?: boolean;
  /** Written by the server only: dropped from requests. */
  readOnly?: boolean;
  /** Never returned (password). */
  writeOnly?: boolean;
  caseExact?: boolean;
  description?: string;
  subAttributes?: Attribute[];
}

const str = (name: string, extra: Partial<Attribute> = {}): Attribute => ({ name, type: 'string', ...extra });
const multi = (name: string, subs: Attribute[] = []): Attribute => ({
  name,
  type: 'complex',
  multiValued: true,
  subAttributes: [
    str('value'),
    str('display'),
    str('type'),
    { name: 'primary', type: 'boolean' },
    { name: '$ref', type: 'reference' },
    ...subs,
  ],
});

export const USER_ATTRIBUTES: Attribute[] = [
  str('userName', {
    required: true,
    description: 'Unique identifier for the User; the person when it is an email.',
  }),
  {
    name: 'name',
    type: 'complex',
    subAttributes: [
      'formatted',
      'familyName',
      'givenName',
      'middleName',
      'honorificPrefix',
      'honorificSuffix',
    ].map((name) => str(name)),
  },
  ...[
    'displayName',
    'nickName',
    'profileUrl',
    'title',
    'userType',
    'preferredLanguage',
    'locale',
    'timezone',
  ].map((name) => str(name)),
  {
    name: 'active',
    type: 'boolean',
    description: 'false: the person should not be in the OpenAI organization.',
  },
  str('password', { writeOnly: true }),
  multi('emails'),
  multi('phoneNumbers'),
  multi('ims'),
  multi('photos'),
  {
    name: 'addresses',
    type: 'complex',
    multiValued: true,
    subAttributes: [
      ...['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'].map((name) =>
        str(name),
      ),
      { name: 'primary', type: 'boolean' },
    ],
  },
  { ...multi('groups'), readOnly: true },
  multi('entitlements'),
  multi('roles'),
  multi('x509Certificates'),
];

export const ENTERPRISE_ATTRIBUTES: Attribute[] = [
  ...['employeeNumber', 'costCenter', 'organization', 'division', 'department'].map((name) => str(name)),
  {
    name: 'manager',
    type: 'complex',
    subAttributes: [
      str('value'),
      { name: '$ref', type: 'reference' },
      str('displayName', { readOnly: true }),
    ],
  },
];

export const OPENAI_ATTRIBUTES: Attribute[] = [
  str('role', { description: 'The OpenAI organization role: reader (default) or owner.' }),
];

export const GROUP_ATTRIBUTES: Attribute[] = [
  str('displayName', { required: true }),
  {
    ...multi('members'),
    subAttributes: [str('value'), str('display'), str('type'), { name: '$ref', type: 'reference' }],
  },
];

/** Attributes every resource has (RFC 7643 §3.1), written by the server. */
export const COMMON_ATTRIBUTES: Attribute[] = [
  str('id', { readOnly: true, caseExact: true }),
  str('externalId', { caseExact: true }),
  { name: 'meta', type: 'complex', readOnly: true },
];

export interface ResourceSchema {
  core: string;
  attributes: Attribute[];
  extensions: Record<string, Attribute[]>;
}

export const USER: ResourceSchema = {
  core: USER_SCHEMA,
  attributes: USER_ATTRIBUTES,
  extensions: { [ENTERPRISE_SCHEMA]: ENTERPRISE_ATTRIBUTES, [OPENAI_SCHEMA]: OPENAI_ATTRIBUTES },
};
export const GROUP: ResourceSchema = { core: GROUP_SCHEMA, attributes: GROUP_ATTRIBUTES, extensions: {} };

export const findAttribute = (attributes: Attribute[], name: string): Attribute | undefined => {
  const lower = name.toLowerCase();
  return attributes.find((attribute) => attribute.name.toLowerCase() === lower);
};

/** The extension URN, in its schema spelling, that `name` names (any case). */
export const findExtension = (schema: ResourceSchema, name: string): string | undefined =>
  Object.keys(schema.extensions).find((urn) => urn.toLowerCase() === name.toLowerCase());

type Json = unknown;

const isObject = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asBoolean = (value: Json, path: string): boolean => {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
    return value.trim().toLowerCase() === 'true';
  throw invalidValue(`${path} must be a boolean.`);
};

/** One value of `attribute` in the schema's spelling, or a 400 when its type is wrong. */
export const canonicalValue = (attribute: Attribute, value: Json, path: string): Json => {
  if (value === null) return null;
  if (attribute.multiValued && Array.isArray(value)) {
    return value.map((item, index) =>
      canonicalValue({ ...attribute, multiValued: false }, item, `${path}[${index}]`),
    );
  }
  if (attribute.multiValued && !isObject(value)) throw invalidValue(`${path} must be an array of objects.`);
  switch (attribute.type) {
    case 'boolean':
      return asBoolean(value, path);
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw invalidValue(`${path} must be an integer.`);
      return value;
    case 'complex': {
      if (!isObject(value)) throw invalidValue(`${path} must be an object.`);
      if (!attribute.subAttributes) return value;
      return canonicalObject(attribute.subAttributes, value, path);
    }
    default:
      if (typeof value !== 'string') throw invalidValue(`${path} must be a string.`);
      return value;
  }
};

/** `value`'s known, writable attributes in the schema's spelling; unknown ones are dropped. */
export const canonicalObject = (
  attributes: Attribute[],
  value: Record<string, Json>,
  path = '',
): Record<string, Json> => {
  const out: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) {
    const attribute = findAttribute(attributes, key);
    // A password is never kept: OpenAI signs people in, not this endpoint.
    if (!attribute || attribute.readOnly || attribute.writeOnly || item === undefined) continue;
    const canonical = canonicalValue(attribute, item, path ? `${path}.${attribute.name}` : attribute.name);
    if (canonical !== null) out[attribute.name] = canonical;
  }
  return out;
};

/**
 * A resource body (POST, PUT) as stored: core attributes, `externalId`, and each extension that
 * carries something, in the schema's spelling; `schemas` lists what it holds.
 */
export const canonicalResource = (
  schema: ResourceSchema,
  body: Record<string, Json>,
): Record<string, Json> => {
  const resource: Record<string, Json> = canonicalObject(schema.attributes, body);
  const externalId = Object.entries(body).find(([key]) => key.toLowerCase() === 'externalid')?.[1];
  if (externalId !== undefined && externalId !== null) {
    if (typeof externalId !== 'string') throw invalidValue('externalId must be a string.');
    resource.externalId = externalId;
  }
  const schemas = [schema.core];
  for (const [key, item] of Object.entries(body)) {
    const urn = findExtension(schema, key);
    if (!urn) continue;
    if (!isObject(item)) throw invalidValue(`${urn} must be an object.`);
    const extension = canonicalObject(schema.extensions[urn]!, item, urn);
    if (Object.keys(extension).length > 0) {
      resource[urn] = extension;
      schemas.push(urn);
    }
  }
  return { schemas, ...resource };
};
