/**
 * PATCH (RFC 7644 §3.5.2) on a stored resource, in both dialects identity providers send: Okta's
 * `{"op": "replace", "value": {"active": false}}` (no path; the value's keys are attributes or
 * paths) and Entra's `{"op": "Replace", "path": "active", "value": "False"}`, value paths such as
 * `emails[type eq "work"].value` and `members[value eq "…"]`, `urn:…:User:department`. Operation
 * names are any case. Returns a new resource; the caller validates and stores it.
 */
import { invalidPath, invalidSyntax, invalidValue, ScimError } from './errors';
import { type Filter, matcher, parseFilter } from './filter';
import {
  type Attribute,
  canonicalValue,
  findAttribute,
  findExtension,
  PATCH_SCHEMA,
  type ResourceSchema,
} from './schema';

type Json = unknown;
type Resource = Record<string, Json>;

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: Json;
}

/** Where a path points: an attribute (in the core or an extension), a value filter, a sub-attribute. */
interface Target {
  /** Undefined: the core schema; else the extension's URN. */
  extension?: string;
  attribute: Attribute;
  filter?: Filter;
  sub?: Attribute;
}

const MAX_OPERATIONS = 1_000;

const isObject = (value: Json): value is Resource =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The PatchOp body's operations, or a 400. */
export const parsePatchBody = (body: Json): PatchOperation[] => {
  if (!isObject(body)) throw invalidSyntax('A PATCH body must be a PatchOp object.');
  const schemas = body.schemas;
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.includes(PATCH_SCHEMA)))
    throw invalidSyntax(`A PATCH body's schemas must include ${PATCH_SCHEMA}.`);
  const operations = Object.entries(body).find(([key]) => key.toLowerCase() === 'operations')?.[1];
  if (!Array.isArray(operations) || operations.length === 0)
    throw invalidSyntax('A PATCH body needs a non-empty Operations array.');
  if (operations.length > MAX_OPERATIONS)
    throw invalidSyntax(`At most ${MAX_OPERATIONS} operations per PATCH.`);
  return operations.map((operation: Json, index) => {
    if (!isObject(operation)) throw invalidSyntax(`Operations[${index}] must be an object.`);
    const op = typeof operation.op === 'string' ? operation.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove')
      throw invalidSyntax(`Operations[${index}].op must be add, replace or remove.`);
    const path = operation.path;
    if (path !== undefined && (typeof path !== 'string' || path.trim() === ''))
      throw invalidPath(`Operations[${index}].path must be a non-empty string.`);
    if (op === 'remove' && path === undefined) throw new ScimError(400, 'A remove needs a path.', 'noTarget');
    if (op !== 'remove' && operation.value === undefined)
      throw invalidValue(`Operations[${index}] (${op}) needs a value.`);
    return { op, ...(path !== undefined ? { path: path.trim() } : {}), value: operation.value };
  });
};

/** Splits `emails[type eq "work"].value` into `emails`, the filter text and `value`. */
const splitPath = (path: string): { head: string; filter?: string; sub?: string } => {
  const open = path.indexOf('[');
  if (open < 0) return { head: path };
  const close = path.lastIndexOf(']');
  if (close < open) throw invalidPath(`The path ${JSON.stringify(path)} has an unclosed bracket.`);
  const rest = path.slice(close + 1);
  if (rest !== '' && !rest.startsWith('.'))
    throw invalidPath(`The path ${JSON.stringify(path)} is not understood.`);
  return {
    head: path.slice(0, open),
    filter: path.slice(open + 1, close),
    ...(rest ? { sub: rest.slice(1) } : {}),
  };
};

/** Resolves a path against the schema, or a 400 `invalidPath` naming it. */
export const resolvePath = (schema: ResourceSchema, path: string): Target => {
  const { head, filter, sub: filterSub } = splitPath(path);
  let extension: string | undefined;
  let local = head;
  const urn = Object.keys(schema.extensions).find((candidate) =>
    head.toLowerCase().startsWith(`${candidate.toLowerCase()}:`),
  );
  if (urn) {
    extension = urn;
    local = head.slice(urn.length + 1);
  } else if (head.toLowerCase().startsWith(`${schema.core.toLowerCase()}:`)) {
    local = head.slice(schema.core.length + 1);
  }
  const [name, dotted, ...more] = local.split('.');
  if (!extension && (name?.toLowerCase() === 'id' || name?.toLowerCase() === 'meta'))
    throw new ScimError(400, `${name} is read-only.`, 'mutability');
  const attributes = extension ? schema.extensions[extension]! : schema.attributes;
  const attribute =
    findAttribute(attributes, name ?? '') ??
    (name?.toLowerCase() === 'externalid' && !extension ? EXTERNAL_ID : undefined);
  const subName = filterSub ?? dotted;
  if (!attribute || more.length > 0 || (filterSub !== undefined && dotted !== undefined))
    throw invalidPath(`The path ${JSON.stringify(path)} names no attribute this endpoint keeps.`);
  if (attribute.readOnly) throw new ScimError(400, `${attribute.name} is read-only.`, 'mutability');
  const sub = subName === undefined ? undefined : findAttribute(attribute.subAttributes ?? [], subName);
  if (subName !== undefined && !sub)
    throw invalidPath(`The path ${JSON.stringify(path)} names no sub-attribute this endpoint keeps.`);
  if (filter !== undefined && !attribute.multiValued)
    throw invalidPath(`${attribute.name} is not multi-valued: a value filter does not apply.`);
  return {
    ...(extension ? { extension } : {}),
    attribute,
    ...(filter !== undefined ? { filter: parseFilter(filter) } : {}),
    ...(sub ? { sub } : {}),
  };
};

const EXTERNAL_ID: Attribute = { name: 'externalId', type: 'string', caseExact: true };

/** The object a target's attribute lives on (the resource, or its extension object). */
const containerOf = (resource: Resource, target: Target, create: boolean): Resource | undefined => {
  if (!target.extension) return resource;
  const existing = resource[target.extension];
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  const made: Resource = {};
  resource[target.extension] = made;
  return made;
};

const sameMember = (a: Json, b: Json): boolean =>
  isObject(a) && isObject(b) && a.value !== undefined && a.value === b.value;

const applyToTarget = (resource: Resource, op: PatchOperation, target: Target): void => {
  const { attribute, sub, filter } = target;
  const container = containerOf(resource, target, op.op !== 'remove');
  if (!container) return;
  const current = container[attribute.name];
  const label = `${target.extension ? `${target.extension}:` : ''}${attribute.name}`;

  if (filter) {
    const items = Array.isArray(current) ? (current as Resource[]) : [];
    const matches = matcher(filter);
    if (op.op === 'remove') {
      container[attribute.name] = sub
        ? items.map((item) => (matches(item) ? omit(item, sub.name) : item))
        : items.filter((item) => !matches(item));
      return;
    }
    const matched = items.filter((item) => matches(item));
    if (sub) {
      const value = canonicalValue(sub, op.value, `${label}.${sub.name}`);
      if (matched.length === 0) {
        // Entra's replace of `emails[type eq "work"].value` when there is no work email yet: make it.
        const seed = seedOf(filter);
        if (!seed)
          throw new ScimError(400, `No ${attribute.name} value matches the path's filter.`, 'noTarget');
        container[attribute.name] = [...items, { ...seed, [sub.name]: value }];
        return;
      }
      container[attribute.name] = items.map((item) =>
        matches(item) ? { ...item, [sub.name]: value } : item,
      );
      return;
    }
    const replacement = canonicalValue({ ...attribute, multiValued: false }, op.value, label) as Resource;
    if (matched.length === 0)
      throw new ScimError(400, `No ${attribute.name} value matches the path's filter.`, 'noTarget');
    container[attribute.name] = items.map((item) => (matches(item) ? { ...item, ...replacement } : item));
    return;
  }

  if (sub) {
    const object = isObject(current) ? { ...current } : {};
    if (attribute.multiValued)
      throw invalidPath(`Name one ${attribute.name} value with a filter: ${attribute.name}[…].${sub.name}.`);
    if (op.op === 'remove') delete object[sub.name];
    else object[sub.name] = canonicalValue(sub, op.value, `${label}.${sub.name}`);
    container[attribute.name] = object;
    return;
  }

  if (op.op === 'remove') {
    // Entra also removes members by value: {"op": "remove", "path": "members", "value": [{"value": id}]}.
    if (attribute.multiValued && op.value !== undefined && Array.isArray(current)) {
      const gone = canonicalValue(attribute, op.value, label) as Json[];
      const listed = Array.isArray(gone) ? gone : [gone];
      container[attribute.name] = current.filter((item) => !listed.some((other) => sameMember(item, other)));
      return;
    }
    delete container[attribute.name];
    return;
  }
  const value = canonicalValue(attribute, op.value, label);
  if (attribute.multiValued) {
    const values = Array.isArray(value) ? value : [value];
    if (op.op === 'add' && Array.isArray(current)) {
      const fresh = values.filter((item) => !current.some((existing) => sameMember(existing, item)));
      container[attribute.name] = [...current, ...fresh];
    } else container[attribute.name] = values;
    return;
  }
  if (value === null) delete container[attribute.name];
  else if (attribute.type === 'complex' && op.op === 'add' && isObject(current) && isObject(value))
    container[attribute.name] = { ...current, ...value };
  else container[attribute.name] = value;
};

const omit = (item: Resource, name: string): Resource => {
  const copy = { ...item };
  delete copy[name];
  return copy;
};

/** `type eq "work"` → `{type: "work"}`: the value a filtered add or replace creates. */
const seedOf = (filter: Filter): Resource | undefined =>
  filter.op === 'eq' && 'attrPath' in filter && 'compValue' in filter && typeof filter.attrPath === 'string'
    ? { [filter.attrPath.toLowerCase() === 'type' ? 'type' : filter.attrPath]: filter.compValue }
    : undefined;

/** An operation with no path: each key of its value is an attribute, a path or an extension. */
const applyWithoutPath = (schema: ResourceSchema, resource: Resource, op: PatchOperation): void => {
  if (!isObject(op.value)) throw invalidValue(`An ${op.op} without a path needs an object value.`);
  for (const [key, value] of Object.entries(op.value)) {
    const urn = findExtension(schema, key);
    if (urn && isObject(value)) {
      for (const [name, inner] of Object.entries(value))
        applyToTarget(resource, { op: op.op, value: inner }, resolvePath(schema, `${urn}:${name}`));
      continue;
    }
    if (key.toLowerCase() === 'schemas' || key.toLowerCase() === 'id' || key.toLowerCase() === 'meta')
      continue;
    applyToTarget(resource, { op: op.op, value }, resolvePath(schema, key));
  }
};

/** The resource after the operations, in order; the stored one is left as it was. */
export const applyPatch = (
  schema: ResourceSchema,
  stored: Resource,
  operations: PatchOperation[],
): Resource => {
  const resource = structuredClone(stored);
  for (const op of operations) {
    if (op.path === undefined) applyWithoutPath(schema, resource, op);
    else applyToTarget(resource, op, resolvePath(schema, op.path));
  }
  for (const urn of Object.keys(schema.extensions)) {
    const extension = resource[urn];
    if (isObject(extension) && Object.keys(extension).length === 0) delete resource[urn];
  }
  resource.schemas = [
    schema.core,
    ...Object.keys(schema.extensions).filter((urn) => resource[urn] !== undefined),
  ];
  return resource;
};
