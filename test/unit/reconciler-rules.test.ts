/**
 * Each reconciler rule alone (lib/lifecycle/rules.ts), on persons and OpenAI states built by
 * hand: the action and its reason, and the near miss that must not act.
 */
import { describe, expect, it } from 'vitest';
import { planPerson } from '../../lib/lifecycle/plan';
import type { PersonState, RuleOptions } from '../../lib/lifecycle/plan-types';
import {
  expiredInvite,
  nothingInOpenAI,
  pendingInvite,
  removeLeavingMember,
  revokePendingInvite,
} from '../../lib/lifecycle/rules';
import type { Invite } from '../../lib/openai/types';
import type { Person } from '../../lib/people/types';

const NOW = 1_800_000_000;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const options: RuleOptions = {
  offboardMembers: true,
  reinviteExpired: true,
  maxReinvites: 2,
  inviteDeclared: false,
  now: NOW,
};

const invite = (overrides: Partial<Invite> = {}): Invite => ({
  object: 'organization.invite',
  id: 'invite-1',
  email: 'ada@example.com',
  role: 'reader',
  status: 'pending',
  created_at: NOW - 100,
  invited_at: NOW - 100,
  expires_at: NOW + 1000,
  accepted_at: null,
  projects: [],
  ...overrides,
});

const person = (overrides: Partial<Person> = {}): Person => ({
  email: 'ada@example.com',
  intent: { state: 'present', role: 'reader', projects: [] },
  declaredBy: { source: 'okta', at: iso(NOW - 200) },
  declaredEventIds: [],
  productInviteIds: ['invite-1'],
  lastInvitedAt: iso(NOW - 100),
  createdAt: iso(NOW - 200),
  updatedAt: iso(NOW - 100),
  ...overrides,
});

const state = (overrides: Partial<PersonState> = {}): PersonState => ({
  email: 'ada@example.com',
  person: person(),
  invites: [],
  ...overrides,
});

const present = { state: 'present' as const, role: 'reader' as const, projects: [] };
const absent = (source: string, removalAuthority = false) =>
  person({
    intent: { state: 'absent' },
    declaredBy: { source, at: iso(NOW), ...(removalAuthority ? { removalAuthority } : {}) },
  });
const member = { id: 'user-1', email: 'ada@example.com', role: 'reader' };

describe('leavers', () => {
  it('revokePendingInvite: a live pending invite is revoked; an expired one is not', () => {
    expect(
      revokePendingInvite(state({ person: absent('greenhouse'), invites: [invite()] }), options),
    ).toMatchObject({
      kind: 'revoke',
      inviteId: 'invite-1',
    });
    expect(
      revokePendingInvite(
        state({ person: absent('greenhouse'), invites: [invite({ status: 'expired' })] }),
        options,
      ),
    ).toBeUndefined();
  });

  it('removeLeavingMember: removes with authority and OFFBOARD_MEMBERS, else awaits a person', () => {
    expect(removeLeavingMember(state({ person: absent('okta', true), member }), options)?.kind).toBe(
      'offboard',
    );
    expect(
      removeLeavingMember(state({ person: absent('okta', true), member }), {
        ...options,
        offboardMembers: false,
      }),
    ).toMatchObject({
      kind: 'await_person',
      code: 'revoke_needs_offboarding',
    });
    const candidate = removeLeavingMember(
      state({ person: absent('greenhouse'), member, invites: [] }),
      options,
    );
    expect(candidate).toMatchObject({ kind: 'await_person', code: 'revoke_needs_offboarding' });
    expect(candidate?.reason).toContain('greenhouse may not remove a member the product did not invite');
  });

  it('removeLeavingMember: a membership the product made may be undone by any leaver', () => {
    const accepted = invite({ status: 'accepted', accepted_at: NOW - 50 });
    expect(
      removeLeavingMember(state({ person: absent('greenhouse'), member, invites: [accepted] }), options)
        ?.kind,
    ).toBe('offboard');
  });

  it('removeLeavingMember: never an owner, nor a role OpenAI adds later', () => {
    for (const role of ['owner', 'billing-admin'])
      expect(
        removeLeavingMember(state({ person: absent('okta', true), member: { ...member, role } }), options),
      ).toMatchObject({
        kind: 'await_person',
        code: 'owner_not_removed',
      });
  });

  it('removeLeavingMember: already awaiting, or handled by a person since, is unchanged', () => {
    const awaiting = {
      ...absent('okta'),
      awaiting: { code: 'revoke_needs_offboarding', reason: 'r', since: iso(NOW) },
    };
    expect(
      removeLeavingMember(state({ person: awaiting, member }), { ...options, offboardMembers: false })?.kind,
    ).toBe('unchanged');
    const handled = { ...absent('okta'), handledAt: iso(NOW + 10) };
    expect(
      removeLeavingMember(state({ person: handled, member }), { ...options, offboardMembers: false })?.kind,
    ).toBe('unchanged');
  });
});

describe('joiners', () => {
  it('pendingInvite: same terms unchanged; other terms replaced only by a declaring run with a newer declaration', () => {
    expect(pendingInvite(state({ invites: [invite()] }), present, options)?.kind).toBe('unchanged');
    const owner = invite({ role: 'owner' });
    const newer = person({ declaredBy: { source: 'roster', at: iso(NOW) } });
    expect(
      pendingInvite(state({ person: newer, invites: [owner] }), present, { ...options, inviteDeclared: true })
        ?.kind,
    ).toBe('replace');
    expect(pendingInvite(state({ person: newer, invites: [owner] }), present, options)?.kind).toBe('drift');
  });

  it('expiredInvite: re-invites only what the product made, of the intent terms, up to the limit', () => {
    const expired = invite({ status: 'expired' });
    expect(expiredInvite(state({ invites: [expired] }), present, options)).toMatchObject({
      kind: 'reinvite',
      request: { email: 'ada@example.com', role: 'reader', projects: [] },
    });
    expect(
      expiredInvite(state({ person: person({ productInviteIds: [] }), invites: [expired] }), present, options)
        ?.kind,
    ).toBe('drift');
    expect(
      expiredInvite(state({ invites: [invite({ status: 'expired', role: 'owner' })] }), present, options)
        ?.kind,
    ).toBe('drift');
    expect(
      expiredInvite(state({ person: person({ reinviteCount: 2 }), invites: [expired] }), present, options)
        ?.kind,
    ).toBe('unchanged');
    expect(
      expiredInvite(state({ invites: [expired] }), present, { ...options, reinviteExpired: false })?.kind,
    ).toBe('unchanged');
  });

  it('expiredInvite: reads a pending invite past its expires_at as expired', () => {
    const stale = invite({ expires_at: NOW - 1 });
    expect(expiredInvite(state({ invites: [stale] }), present, options)?.kind).toBe('reinvite');
  });

  it('nothingInOpenAI: a declaration nothing answered is invited by a declaring run; an answered one is drift', () => {
    const fresh = person({ lastInvitedAt: undefined, productInviteIds: [] });
    expect(
      nothingInOpenAI(state({ person: fresh }), present, { ...options, inviteDeclared: true }).kind,
    ).toBe('invite');
    expect(nothingInOpenAI(state({ person: fresh }), present, options).kind).toBe('unchanged');
    expect(nothingInOpenAI(state(), present, { ...options, inviteDeclared: true }).kind).toBe('drift');
  });
});

describe('planPerson', () => {
  it('has nothing to say about an email nobody declared', () => {
    expect(
      planPerson({ email: 'x@example.com', invites: [invite({ email: 'x@example.com' })] }, options),
    ).toBeUndefined();
  });

  it('never invites a person whose intent is absent', () => {
    const plan = planPerson(
      state({ person: absent('okta', true), invites: [invite({ status: 'expired' })] }),
      {
        ...options,
        inviteDeclared: true,
      },
    );
    expect(plan?.kind).toBe('unchanged');
  });
});
