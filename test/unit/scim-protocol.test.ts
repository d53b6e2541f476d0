/** The SCIM protocol pieces on their own: filters, PATCH, canonical resources, persons, tokens, projection. */
import { describe, expect, it } from 'vitest';
import { decideDeclaration } from '../../lib/people/ordering';
import type { Person } from '../../lib/people/types';
import { matcher, parseFilter, quoteBareValues } from '../../lib/scim/filter';
import { applyPatch, parsePatchBody } from '../../lib/scim/patch';
import { project } from '../../lib/scim/render';
import { canonicalResource, ENTERPRISE_SCHEMA, GROUP, USER, USER_SCHEMA } from '../../lib/scim/schema';
import { bearerOf, tokenMatches } from '../../lib/scim/token';
import { personOf } from '../../lib/scim/users';

const patch = (resource: Record<string, unknown>, ...operations: unknown[]) =>
  applyPatch(USER, resource, parsePatchBody({ Operations: operations }));

describe('filters', () => {
  it('quote bare comparison values, leaving quoted strings, numbers and booleans alone', () => {
    expect(quoteBareValues('userName sw O and active eq true')).toBe('userName sw "O" and active eq true');
    expect(quoteBareValues('title eq "a eq b" or x gt 5')).toBe('title eq "a eq b" or x gt 5');
  });

  it('match attribute names in any case, value paths and logic', () => {
    const user = canonicalResource(USER, {
      UserName: 'OMalley',
      Name: { FamilyName: 'Employee' },
      Emails: [{ Value: 'o@example.org', Type: 'work' }],
    });
    const yes = (text: string) => matcher(parseFilter(text))(user);
    expect(
      yes('name.familyName eq Employee and (emails.Value co example.com or emails.Value co example.org)'),
    ).toBe(true);
    expect(yes('emails[type eq "work" and value ew ".org"]')).toBe(true);
    expect(yes('not (userName sw O)')).toBe(false);
    expect(yes('title pr')).toBe(false);
  });

  it('refuse what cannot be parsed with invalidFilter', () => {
    expect(() => parseFilter('userName zz "x"')).toThrow(
      expect.objectContaining({ status: 400, scimType: 'invalidFilter' }),
    );
  });
});

describe('PATCH', () => {
  const ada = canonicalResource(USER, {
    userName: 'ada@example.com',
    active: true,
    emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
  });

  it("takes Okta's replace without a path and Entra's path with a string boolean", () => {
    expect(patch(ada, { op: 'replace', value: { active: false } }).active).toBe(false);
    expect(patch(ada, { op: 'Replace', path: 'active', value: 'False' }).active).toBe(false);
    expect(patch(ada, { op: 'replace', value: { 'name.givenName': 'Ada' } }).name).toEqual({
      givenName: 'Ada',
    });
  });

  it('replaces through a value path, and creates the value when the filter names its type', () => {
    const moved = patch(ada, {
      op: 'replace',
      path: 'emails[type eq "work"].value',
      value: 'ada@new.example.com',
    });
    expect(moved.emails).toEqual([{ value: 'ada@new.example.com', type: 'work', primary: true }]);
    const phoned = patch(ada, { op: 'add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555' });
    expect(phoned.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555' }]);
  });

  it('sets extension attributes by URN path and keeps schemas in step', () => {
    const moved = patch(ada, { op: 'add', path: `${ENTERPRISE_SCHEMA}:department`, value: 'Ops' });
    expect(moved[ENTERPRISE_SCHEMA]).toEqual({ department: 'Ops' });
    expect(moved.schemas).toEqual([USER_SCHEMA, ENTERPRISE_SCHEMA]);
    const back = patch(moved, { op: 'remove', path: `${ENTERPRISE_SCHEMA}:department` });
    expect(back.schemas).toEqual([USER_SCHEMA]);
  });

  it('adds and removes group members, by value list or by filter path, without duplicates', () => {
    const group = canonicalResource(GROUP, { displayName: 'Eng', members: [{ value: 'u1' }] });
    const apply = (...operations: unknown[]) =>
      applyPatch(GROUP, group, parsePatchBody({ Operations: operations }));
    expect(apply({ op: 'add', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] }).members).toEqual([
      { value: 'u1' },
      { value: 'u2' },
    ]);
    expect(apply({ op: 'remove', path: 'members[value eq "u1"]' }).members).toEqual([]);
    expect(apply({ op: 'remove', path: 'members', value: [{ value: 'u1' }] }).members).toEqual([]);
    expect(apply({ op: 'remove', path: 'members' }).members).toBeUndefined();
  });

  it('never changes the stored resource it was given', () => {
    const before = structuredClone(ada);
    patch(ada, { op: 'replace', value: { active: false } });
    expect(ada).toEqual(before);
  });
});

describe('canonical resources', () => {
  it('spell attributes as the schema does, read "True", drop unknown, read-only and password', () => {
    expect(
      canonicalResource(USER, {
        USERNAME: 'x',
        Active: 'True',
        id: 'theirs',
        meta: {},
        adreses: [],
        password: 'secret',
        [ENTERPRISE_SCHEMA.toUpperCase()]: { Manager: { Value: 'm1' } },
      }),
    ).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
      userName: 'x',
      active: true,
      [ENTERPRISE_SCHEMA]: { manager: { value: 'm1' } },
    });
  });
});

describe('the person a user stands for', () => {
  it('is the primary work email, else a work email, else the userName when it is an email, else none', () => {
    expect(
      personOf({
        userName: 'x',
        emails: [{ value: 'A@x.com' }, { value: 'w@x.com', type: 'work', primary: true }],
      }),
    ).toBe('w@x.com');
    expect(
      personOf({
        userName: 'x',
        emails: [
          { value: 'home@x.com', type: 'home' },
          { value: 'Work@X.com', type: 'work' },
        ],
      }),
    ).toBe('work@x.com');
    expect(personOf({ userName: 'Ada@Example.com' })).toBe('ada@example.com');
    expect(personOf({ userName: 'emp1', emails: [{ value: 'emailName357', type: 'work' }] })).toBeUndefined();
  });
});

describe('the SCIM token', () => {
  it('matches only the same token, and never an empty expected one', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('', '')).toBe(false);
    expect(bearerOf('bearer  tok')).toBe('tok');
    expect(bearerOf('Basic tok')).toBeUndefined();
  });
});

describe('attributes and excludedAttributes', () => {
  const resource = {
    schemas: [USER_SCHEMA],
    id: '1',
    userName: 'x',
    emails: [{ value: 'e', type: 'work' }],
    name: { givenName: 'g', familyName: 'f' },
  };
  it('keep id and schemas, take names in any case and a value filter as its attribute', () => {
    expect(project(resource, { attributes: 'UserName,name.familyName' }, [])).toEqual({
      schemas: [USER_SCHEMA],
      id: '1',
      userName: 'x',
      name: { familyName: 'f' },
    });
    expect(project(resource, { attributes: 'emails[type eq "work"]' }, [])).toEqual({
      schemas: [USER_SCHEMA],
      id: '1',
      emails: resource.emails,
    });
    expect(project(resource, { excludedAttributes: 'emails,name' }, [])).toEqual({
      schemas: [USER_SCHEMA],
      id: '1',
      userName: 'x',
    });
  });
});

describe('the same event again from its source', () => {
  it('changes nothing, even when the copy carries less (a queued message has no groups)', () => {
    const person: Person = {
      email: 'a@x.com',
      intent: { state: 'present', role: 'reader', groups: ['g1'] },
      declaredBy: { source: 'scim', eventId: 'scim:r1', at: '2026-01-01T00:00:00.000Z' },
      declaredEventIds: ['scim:r1'],
      productInviteIds: [],
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    const copy = { email: 'a@x.com', source: 'scim', eventId: 'scim:r1', at: '2026-01-01T00:00:00.000Z' };
    expect(decideDeclaration(person, { ...copy, intent: { state: 'present', role: 'reader' } })).toBe(
      'unchanged',
    );
    expect(
      decideDeclaration(person, { ...copy, source: 'okta', intent: { state: 'present', role: 'reader' } }),
    ).toBe('applied');
    expect(
      decideDeclaration(person, {
        ...copy,
        eventId: 'scim:r2',
        intent: { state: 'present', role: 'reader' },
      }),
    ).toBe('applied');
  });
});
