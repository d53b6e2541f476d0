import { describe, expect, it } from 'vitest';
import { matchRoute, ROUTES } from '../../lib/http/routes';

describe('matchRoute', () => {
  it('finds each route with its path parameters', () => {
    expect(matchRoute('POST', '/organization/invites')).toMatchObject({
      kind: 'found',
      route: { id: 'createInvite' },
    });
    expect(matchRoute('get', '/organization/invites/')).toMatchObject({
      kind: 'found',
      route: { id: 'listInvites' },
    });
    expect(matchRoute('GET', '/organization/invites/invite-abc')).toEqual({
      kind: 'found',
      route: ROUTES.find((route) => route.id === 'retrieveInvite'),
      pathParameters: { invite_id: 'invite-abc' },
    });
    expect(matchRoute('DELETE', '/organization/invites/invite%20x')).toMatchObject({
      route: { id: 'deleteInvite' },
      pathParameters: { invite_id: 'invite x' },
    });
  });

  it('lists the allowed methods when only the method is wrong', () => {
    expect(matchRoute('PUT', '/organization/invites')).toEqual({
      kind: 'method-not-allowed',
      allowed: ['POST', 'GET'],
    });
  });

  it('finds nothing for an unknown path', () => {
    expect(matchRoute('GET', '/organization/users')).toEqual({ kind: 'not-found' });
    expect(matchRoute('GET', '/organization/invites/a/b')).toEqual({ kind: 'not-found' });
  });

  it('points every route at a function file that exists', async () => {
    for (const route of ROUTES) {
      const module = (await import(`../../functions/${route.functionName}.ts`)) as { handler?: unknown };
      expect(typeof module.handler, route.functionName).toBe('function');
    }
  });
});
