/**
 * The SCIM operations on Users and Groups, answered from the SCIM store; each change is followed by
 * the declarations of the people it touched (intent.ts). Nothing here calls OpenAI, except that
 * binding a new group may create one when SCIM_CREATE_GROUPS is on (groups.ts).
 */
import { randomUUID } from 'node:crypto';
import { MAX_RESULTS } from './discovery';
import type { PersonStore } from '../people/store';
import type { ScimConfig } from './config';
import { invalidSyntax, invalidValue, notFound, ScimError } from './errors';
import { type Filter, matcher, parseFilter } from './filter';
import { bindingOf } from './groups';
import { declarePeople, warnWithoutPerson } from './intent';
import { applyPatch, parsePatchBody } from './patch';
import { project, render } from './render';
import { canonicalResource, GROUP, LIST_SCHEMA, type ResourceSchema, USER } from './schema';
import { type ScimKind, type ScimRecord, type ScimStore, ScimVersionConflict } from './store';
import { checkGroup, checkUser, memberIdsOf, personOf } from './users';

type Resource = Record<string, unknown>;

export const DEFAULT_COUNT = 100;

export interface ScimRequestContext {
  requestId: string;
  /** ISO-8601 arrival time: the declarations' time. */
  at: string;
  caller: string;
  /** `https://host/v1/scim/v2`: where `meta.location` points. */
  baseUrl: string;
}

export interface ScimDeps {
  scim: ScimStore;
  people: PersonStore;
  config: ScimConfig;
}

export interface ScimAnswer {
  status: number;
  body?: unknown;
}

export interface Query {
  filter?: string;
  startIndex?: string;
  count?: string;
  attributes?: string;
  excludedAttributes?: string;
}

const schemaOf = (kind: ScimKind): ResourceSchema => (kind === 'User' ? USER : GROUP);
const extensionsOf = (kind: ScimKind) => Object.keys(schemaOf(kind).extensions);

const isObject = (value: unknown): value is Resource =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const bodyObject = (body: unknown): Resource => {
  if (!isObject(body)) throw invalidSyntax('The body must be a JSON object.');
  return body;
};

const integerParameter = (raw: string | undefined, name: string, fallback: number): number => {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw invalidValue(`${name} must be an integer.`);
  return value;
};

/** The value of a filter that is exactly `userName eq "…"`, else undefined. */
const userNameOf = (ast: Filter): string | undefined =>
  ast.op === 'eq' &&
  'attrPath' in ast &&
  ast.attrPath.toLowerCase() === 'username' &&
  'compValue' in ast &&
  typeof ast.compValue === 'string'
    ? ast.compValue
    : undefined;

/** Runs `work` again when another writer changed the resource between its read and its write. */
const retrying = async <T>(work: () => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ScimVersionConflict) || attempt >= 3) throw error;
    }
  }
};

export class ScimService {
  constructor(private readonly deps: ScimDeps) {}

  async create(kind: ScimKind, body: unknown, context: ScimRequestContext): Promise<ScimAnswer> {
    const resource = canonicalResource(schemaOf(kind), bodyObject(body));
    const now = new Date().toISOString();
    const record: ScimRecord = {
      kind,
      id: randomUUID(),
      resource,
      created: now,
      lastModified: now,
      version: 1,
    };
    await this.#describe(record);
    await this.deps.scim.create(record);
    await this.#declareAfter(undefined, record, context);
    return { status: 201, body: render(record, context.baseUrl) };
  }

  async get(kind: ScimKind, id: string, query: Query, context: ScimRequestContext): Promise<ScimAnswer> {
    const record = await this.#read(kind, id);
    return { status: 200, body: project(render(record, context.baseUrl), query, extensionsOf(kind)) };
  }

  async list(kind: ScimKind, query: Query, context: ScimRequestContext): Promise<ScimAnswer> {
    const startIndex = Math.max(1, integerParameter(query.startIndex, 'startIndex', 1));
    const count = Math.min(MAX_RESULTS, Math.max(0, integerParameter(query.count, 'count', DEFAULT_COUNT)));
    const ast = query.filter !== undefined ? parseFilter(query.filter) : undefined;
    const matches = ast ? matcher(ast) : undefined;
    // `userName eq "…"` (Okta's and Entra's lookup, case-insensitive as userName is): by its index.
    const byName = kind === 'User' && ast ? userNameOf(ast) : undefined;
    const records =
      byName !== undefined
        ? [await this.deps.scim.findByUniqueName(byName.toLowerCase())].filter(
            (record) => record !== undefined,
          )
        : await this.deps.scim.list(kind);
    // Filtered on the rendered resources (meta.created is filterable); else only the page is rendered.
    const window = <T>(items: T[]) => items.slice(startIndex - 1, startIndex - 1 + count);
    const rendered = (record: ScimRecord) => render(record, context.baseUrl);
    const filtered = matches && byName === undefined ? records.map(rendered).filter(matches) : undefined;
    const total = filtered ? filtered.length : records.length;
    const page = filtered ? window(filtered) : window(records).map(rendered);
    return {
      status: 200,
      body: {
        schemas: [LIST_SCHEMA],
        totalResults: total,
        startIndex,
        itemsPerPage: page.length,
        Resources: page.map((resource) => project(resource, query, extensionsOf(kind))),
      },
    };
  }

  async replace(kind: ScimKind, id: string, body: unknown, context: ScimRequestContext): Promise<ScimAnswer> {
    const resource = canonicalResource(schemaOf(kind), bodyObject(body));
    return this.#change(kind, id, context, () => resource);
  }

  async patch(kind: ScimKind, id: string, body: unknown, context: ScimRequestContext): Promise<ScimAnswer> {
    const operations = parsePatchBody(body);
    return this.#change(kind, id, context, (stored) =>
      applyPatch(schemaOf(kind), stored.resource, operations),
    );
  }

  async delete(kind: ScimKind, id: string, context: ScimRequestContext): Promise<ScimAnswer> {
    const record = await this.#read(kind, id);
    if (!(await this.deps.scim.delete(kind, id))) throw notFound(kind, id);
    if (kind === 'User') await this.#dropMember(id);
    await this.#declareAfter(record, undefined, context);
    return { status: 204 };
  }

  async #read(kind: ScimKind, id: string): Promise<ScimRecord> {
    const record = await this.deps.scim.get(kind, id);
    if (!record) throw notFound(kind, id);
    return record;
  }

  async #change(
    kind: ScimKind,
    id: string,
    context: ScimRequestContext,
    next: (stored: ScimRecord) => Resource,
  ): Promise<ScimAnswer> {
    const [before, after] = await retrying(async () => {
      const stored = await this.#read(kind, id);
      const record: ScimRecord = {
        ...stored,
        resource: next(stored),
        lastModified: new Date().toISOString(),
        version: stored.version + 1,
      };
      await this.#describe(record);
      await this.deps.scim.replace(record);
      return [stored, record] as const;
    });
    await this.#declareAfter(before, after, context);
    return { status: 200, body: render(after, context.baseUrl) };
  }

  /** Checks the resource and sets what the store indexes: unique name and person, or group binding. */
  async #describe(record: ScimRecord): Promise<void> {
    if (record.kind === 'User') {
      const userName = checkUser(record.resource);
      record.uniqueName = userName.toLowerCase();
      const person = personOf(record.resource);
      if (person) record.person = person;
      else delete record.person;
      return;
    }
    checkGroup(record.resource);
    // The configured binding (a changed map rebinds), else the one the group already had.
    const openaiGroupId = bindingOf(record.resource, this.deps.config) ?? record.openaiGroupId;
    if (openaiGroupId) record.openaiGroupId = openaiGroupId;
  }

  /** A deleted user leaves every group it was in. */
  async #dropMember(userId: string): Promise<void> {
    for (const group of await this.deps.scim.list('Group')) {
      if (!memberIdsOf(group.resource).includes(userId)) continue;
      await retrying(async () => {
        const stored = await this.#read('Group', group.id).catch(() => undefined);
        if (!stored) return;
        const members = (stored.resource.members as Resource[]).filter((member) => member.value !== userId);
        await this.deps.scim.replace({
          ...stored,
          resource: { ...stored.resource, members },
          lastModified: new Date().toISOString(),
          version: stored.version + 1,
        });
      });
    }
  }

  /** Declares every person the change touched. */
  async #declareAfter(
    before: ScimRecord | undefined,
    after: ScimRecord | undefined,
    context: ScimRequestContext,
  ): Promise<void> {
    const emails = new Set<string | undefined>();
    const record = after ?? before!;
    if (record.kind === 'User') {
      emails.add(before?.person);
      emails.add(after?.person);
      if (after) warnWithoutPerson(after, context.requestId);
    } else {
      // The members who joined or left; all of them when the group's binding changed or it went.
      const old = new Set(memberIdsOf(before?.resource ?? {}));
      const now = new Set(memberIdsOf(after?.resource ?? {}));
      const rebound = before?.openaiGroupId !== after?.openaiGroupId;
      const ids = [...old, ...now].filter((id) => rebound || old.has(id) !== now.has(id));
      for (const id of new Set(ids)) emails.add((await this.deps.scim.get('User', id))?.person);
    }
    try {
      await declarePeople(emails, { ...this.deps, ...context });
    } catch (error) {
      throw new ScimError(
        503,
        'The change was stored, but the people it concerns could not be updated now; send it again.',
        undefined,
        { 'Retry-After': '5' },
        error,
      );
    }
  }
}
