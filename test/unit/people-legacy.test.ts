/** Ledger records written before people existed, read as persons (lib/people/legacy.ts). */
import { describe, expect, it } from 'vitest';
import type { InviteRecord } from '../../lib/ledger/types';
import { personFromLegacy } from '../../lib/people/legacy';

const record = (overrides: Partial<InviteRecord>): InviteRecord => ({
  email: 'ada@example.com',
  source: 'greenhouse',
  lastOutcome: 'created',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-02-01T00:00:00.000Z',
  ...overrides,
});

describe('personFromLegacy', () => {
  it('reads an invite the product created as present, declared by its source when first seen, the invite its own', () => {
    const person = personFromLegacy(
      record({
        inviteId: 'invite-1',
        status: 'pending',
        role: 'owner',
        projects: [{ id: 'proj_a', role: 'owner' }],
      }),
    );
    expect(person).toEqual({
      email: 'ada@example.com',
      intent: { state: 'present', role: 'owner', projects: [{ id: 'proj_a', role: 'owner' }] },
      declaredBy: { source: 'greenhouse', at: '2026-01-01T00:00:00.000Z' },
      declaredEventIds: [],
      observed: {
        invite: {
          id: 'invite-1',
          status: 'pending',
          role: 'owner',
          projects: [{ id: 'proj_a', role: 'owner' }],
        },
        seenAt: '2026-02-01T00:00:00.000Z',
      },
      productInviteIds: ['invite-1'],
      lastInvitedAt: '2026-02-01T00:00:00.000Z',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-02-01T00:00:00.000Z',
    });
  });

  it('keeps projects [] apart from projects omitted', () => {
    expect(personFromLegacy(record({ role: 'reader', projects: [] })).intent).toEqual({
      state: 'present',
      role: 'reader',
      projects: [],
    });
    expect(personFromLegacy(record({ role: 'reader' })).intent).toEqual({ state: 'present', role: 'reader' });
  });

  it('does not count an invite found already there (already_invited) as the product’s own', () => {
    const person = personFromLegacy(
      record({ lastOutcome: 'already_invited', inviteId: 'invite-2', role: 'reader', status: 'pending' }),
    );
    expect(person.intent).toEqual({ state: 'present', role: 'reader' });
    expect(person.productInviteIds).toEqual([]);
    expect(person.lastInvitedAt).toBeUndefined();
  });

  it('gives no intent for an unknown role, and none for a failure', () => {
    expect(personFromLegacy(record({ role: 'admin' })).intent).toBeUndefined();
    const failed = personFromLegacy(
      record({ lastOutcome: 'failed', role: 'reader', failureCode: 'invalid_invite' }),
    );
    expect(failed.intent).toBeUndefined();
    expect(failed.declaredBy).toBeUndefined();
    expect(failed.awaiting).toBeUndefined();
  });

  it.each([
    ['revoked outcome', { lastOutcome: 'revoked' as const, status: 'revoked' as const }],
    ['offboarded member', { lastOutcome: 'revoked' as const, status: 'offboarded' as const }],
    [
      'revoked status after a create',
      { lastOutcome: 'created' as const, status: 'revoked' as const, role: 'reader' },
    ],
  ])('reads a %s as absent, with nothing observed there', (_name, overrides) => {
    const person = personFromLegacy(record({ inviteId: 'invite-3', ...overrides }));
    expect(person.intent).toEqual({ state: 'absent' });
    expect(person.declaredBy).toEqual({ source: 'greenhouse', at: '2026-01-01T00:00:00.000Z' });
    expect(person.observed).toEqual({ seenAt: '2026-02-01T00:00:00.000Z' });
  });

  it('reads a failure awaiting a person as awaiting, with its message and time', () => {
    const person = personFromLegacy(
      record({
        lastOutcome: 'failed',
        failureCode: 'owner_not_removed',
        failureMessage: 'owners are never removed',
      }),
    );
    expect(person.awaiting).toEqual({
      code: 'owner_not_removed',
      reason: 'owners are never removed',
      since: '2026-02-01T00:00:00.000Z',
    });
    expect(
      personFromLegacy(record({ lastOutcome: 'failed', failureCode: 'revoke_needs_offboarding' })).awaiting
        ?.reason,
    ).toBe('revoke_needs_offboarding');
  });

  it('observes nothing when the record says no status', () => {
    expect(personFromLegacy(record({ inviteId: 'invite-4', role: 'reader' })).observed).toBeUndefined();
  });
});
