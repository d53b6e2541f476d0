/** The grant modules' diffs (lib/access/): what each adds, changes, removes and leaves alone. */
import { describe, expect, it } from 'vitest';
import { accessPending, grantedOnAcceptance, planAccess } from '../../lib/access/plan';
import type { Invite } from '../../lib/openai/types';
import type { GrantedAccess, Intent } from '../../lib/people/types';

const member = { userId: 'user-1', role: 'reader' };
const present = (extra: Partial<Extract<Intent, { state: 'present' }>> = {}): Intent => ({
  state: 'present',
  role: 'reader',
  ...extra,
});
const granted = (extra: Partial<GrantedAccess> = {}): GrantedAccess => ({
  projects: [],
  groups: [],
  ...extra,
});

describe('planAccess', () => {
  it('plans nothing for an absent person or one with no intent, whatever was granted', () => {
    const all = granted({ projects: [{ id: 'proj_a', role: 'member' }], groups: ['group_a'] });
    expect(planAccess({ intent: { state: 'absent' }, granted: all }, member)).toEqual([]);
    expect(planAccess({ granted: all }, member)).toEqual([]);
  });

  it('adds what the intent names, changes a granted role, removes only what the product granted', () => {
    const steps = planAccess(
      {
        intent: present({
          projects: [
            { id: 'proj_a', role: 'owner' },
            { id: 'proj_b', role: 'member' },
          ],
          groups: ['group_b'],
        }),
        granted: granted({
          projects: [
            { id: 'proj_a', role: 'member' },
            { id: 'proj_c', role: 'member' },
          ],
          groups: ['group_a'],
        }),
      },
      member,
    );
    expect(steps.map(({ grant, op, id, role }) => ({ grant, op, id, role }))).toEqual([
      { grant: 'project', op: 'change', id: 'proj_a', role: 'owner' },
      { grant: 'project', op: 'add', id: 'proj_b', role: 'member' },
      { grant: 'project', op: 'remove', id: 'proj_c', role: undefined },
      { grant: 'group', op: 'add', id: 'group_b', role: undefined },
      { grant: 'group', op: 'remove', id: 'group_a', role: undefined },
    ]);
  });

  it('leaves projects alone when the intent names none, and skips a project refused as archived', () => {
    expect(
      planAccess(
        { intent: present(), granted: granted({ projects: [{ id: 'proj_a', role: 'member' }] }) },
        member,
      ),
    ).toEqual([]);
    const blocked = planAccess(
      {
        intent: present({ projects: [{ id: 'proj_x', role: 'member' }] }),
        granted: granted({ blocked: ['proj_x'] }),
      },
      member,
    );
    expect(blocked).toEqual([]);
  });

  it('removes what OpenAI shows and the product did not grant only when the intent is exact', () => {
    const actual = { projects: new Map([['proj_hand', 'member']]), groups: new Set(['group_hand']) };
    const plain = planAccess(
      { intent: present({ projects: [], groups: [] }), granted: granted() },
      member,
      actual,
    );
    expect(plain).toEqual([]);
    const exact = planAccess(
      { intent: present({ projects: [], groups: [], exact: true }), granted: granted() },
      member,
      actual,
    );
    expect(exact.map(({ op, id }) => `${op} ${id}`)).toEqual(['remove proj_hand', 'remove group_hand']);
  });

  it('changes a reader to the intent role, and never lowers an owner (drift)', () => {
    expect(planAccess({ intent: present({ role: 'owner' }), granted: granted() }, member)).toMatchObject([
      { grant: 'role', op: 'change', role: 'owner' },
    ]);
    expect(
      planAccess({ intent: present(), granted: granted() }, { userId: 'u', role: 'owner' }),
    ).toMatchObject([{ grant: 'role', op: 'drift' }]);
  });
});

describe('grantedOnAcceptance and accessPending', () => {
  const invite = { id: 'invite-1', role: 'reader', projects: [{ id: 'proj_a', role: 'member' }] } as Invite;

  it("counts the projects of the product's own accepted invite as granted, not someone else's", () => {
    expect(grantedOnAcceptance({ productInviteIds: ['invite-1'] }, invite)).toEqual({
      role: 'reader',
      projects: [{ id: 'proj_a', role: 'member' }],
      groups: [],
    });
    expect(grantedOnAcceptance({ productInviteIds: [] }, invite)).toEqual(granted());
  });

  it('is pending only for a member whose present intent differs from what was granted', () => {
    const observed = { member: { userId: 'u', role: 'reader' }, seenAt: 'now' };
    expect(accessPending({ intent: present({ groups: ['g'] }), observed })).toBe(true);
    expect(
      accessPending({ intent: present({ groups: ['g'] }), observed, granted: granted({ groups: ['g'] }) }),
    ).toBe(false);
    expect(accessPending({ intent: present({ groups: ['g'] }), observed: { seenAt: 'now' } })).toBe(false);
    expect(accessPending({ intent: { state: 'absent' }, observed })).toBe(false);
  });
});
