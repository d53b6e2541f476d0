/** A person as the API answers it (lib/people/view.ts), and the people's configuration. */
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../lib/commons/errors';
import { readPeopleConfig } from '../../lib/people/config';
import type { Person } from '../../lib/people/types';
import { personView } from '../../lib/people/view';

const person: Person = {
  email: 'ada@example.com',
  intent: { state: 'present', role: 'reader', projects: [] },
  declaredBy: { source: 'okta', eventId: 'evt-1', at: '2026-10-01T00:00:00.000Z', removalAuthority: true },
  declaredEventIds: ['evt-1'],
  observed: {
    invite: { id: 'invite-1', status: 'pending', role: 'reader', createdAt: 100, expiresAt: null },
    member: { userId: 'user-1', role: 'reader' },
    seenAt: '2026-10-02T00:00:00.000Z',
  },
  productInviteIds: ['invite-1'],
  awaiting: { code: 'owner_not_removed', reason: 'an owner', since: '2026-10-03T00:00:00.000Z' },
  createdAt: '2026-10-01T00:00:00.000Z',
  updatedAt: '2026-10-03T00:00:00.000Z',
};

describe('personView', () => {
  it('answers every part in snake_case, the history as given', () => {
    const view = personView(person, {
      events: [
        {
          kind: 'invited',
          at: '2026-10-02T00:00:00.000Z',
          actor: 'api',
          inviteId: 'invite-1',
          userId: 'user-1',
          reason: 'r',
          detail: 'd',
        },
      ],
      hasMore: true,
    });
    expect(view).toEqual({
      object: 'person',
      email: 'ada@example.com',
      intent: { state: 'present', role: 'reader', projects: [] },
      declared_by: { source: 'okta', event_id: 'evt-1', at: '2026-10-01T00:00:00.000Z' },
      observed: {
        invite: { id: 'invite-1', status: 'pending', role: 'reader', created_at: 100, expires_at: null },
        member: { user_id: 'user-1', role: 'reader' },
        seen_at: '2026-10-02T00:00:00.000Z',
      },
      awaiting: { code: 'owner_not_removed', reason: 'an owner', since: '2026-10-03T00:00:00.000Z' },
      product_invite_ids: ['invite-1'],
      granted: null,
      history: [
        {
          kind: 'invited',
          at: '2026-10-02T00:00:00.000Z',
          actor: 'api',
          reason: 'r',
          invite_id: 'invite-1',
          user_id: 'user-1',
          detail: 'd',
        },
      ],
      has_more: true,
    });
  });

  it('answers null for what is not known, and an absent intent without terms', () => {
    const view = personView(
      {
        email: 'bo@example.com',
        intent: { state: 'absent' },
        declaredEventIds: [],
        productInviteIds: [],
        createdAt: 'x',
        updatedAt: 'x',
      },
      { events: [], hasMore: false },
    );
    expect(view).toEqual({
      object: 'person',
      email: 'bo@example.com',
      intent: { state: 'absent' },
      declared_by: null,
      observed: null,
      awaiting: null,
      product_invite_ids: [],
      granted: null,
      history: [],
      has_more: false,
    });
    expect(
      JSON.parse(JSON.stringify(personView({ ...person, intent: undefined }, { events: [], hasMore: false })))
        .intent,
    ).toBeNull();
  });
});

describe('readPeopleConfig', () => {
  it('keeps history 400 days unless PERSON_HISTORY_DAYS says otherwise, and refuses nonsense', () => {
    expect(readPeopleConfig({})).toEqual({ tableName: undefined, historyDays: 400 });
    expect(readPeopleConfig({ INVITE_LEDGER_TABLE: ' ledger ', PERSON_HISTORY_DAYS: '730' })).toEqual({
      tableName: 'ledger',
      historyDays: 730,
    });
    expect(() => readPeopleConfig({ PERSON_HISTORY_DAYS: '0' })).toThrow(ConfigurationError);
    expect(() => readPeopleConfig({ PERSON_HISTORY_DAYS: 'forever' })).toThrow(/PERSON_HISTORY_DAYS/);
  });
});
