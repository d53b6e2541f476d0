import { describe, expect, it } from 'vitest';
import { formatPlan, isEmptyPlan, planReconcile } from '../../lib/lifecycle/reconcile-plan';
import type { Invite, InviteRequest } from '../../lib/openai/types';

const NOW = 1_800_000_000;
let ids = 0;
const invite = (email: string, status: Invite['status'], extra: Partial<Invite> = {}): Invite => ({
  object: 'organization.invite',
  id: `invite-${(ids += 1)}`,
  email,
  role: 'reader',
  status,
  created_at: NOW - 100,
  invited_at: NOW - 100,
  expires_at: status === 'expired' ? NOW - 1 : NOW + 1000,
  accepted_at: null,
  projects: [],
  ...extra,
});

const roster: InviteRequest[] = [
  { email: 'new@example.com', role: 'reader' },
  { email: 'Expired@Example.com', role: 'reader', projects: [] },
  { email: 'moved@example.com', role: 'owner', projects: [] },
  { email: 'same@example.com', role: 'reader', projects: [{ id: 'proj_a', role: 'member' }] },
  { email: 'member@example.com', role: 'reader' },
];
const invites = [
  invite('expired@example.com', 'expired'),
  invite('moved@example.com', 'pending'),
  invite('same@example.com', 'pending', { projects: [{ id: 'proj_a', role: 'member' }] }),
  invite('leaver@example.com', 'pending'),
  invite('gone@example.com', 'expired'),
  // Reads pending but its expires_at has passed: expired, as OpenAI sometimes shows it.
  invite('stale@example.com', 'pending', { expires_at: NOW - 5 }),
];
const members = [
  { id: 'user-1', email: 'member@example.com', role: 'reader' },
  { id: 'user-2', email: 'former@example.com', role: 'reader' },
  { id: 'user-3', email: 'boss@example.com', role: 'owner' },
];

describe('planReconcile', () => {
  it('plans every line: invite, re-invite, replace, revoke, offboard, owner kept, unchanged', () => {
    const plan = planReconcile(roster, invites, members, { offboard: true, now: NOW });

    expect(plan.lines.map((line) => [line.action, line.email])).toEqual([
      ['invite', 'new@example.com'],
      ['reinvite', 'expired@example.com'],
      ['replace', 'moved@example.com'],
      ['unchanged', 'same@example.com'],
      ['unchanged', 'member@example.com'],
      ['revoke', 'leaver@example.com'],
      ['offboard', 'former@example.com'],
      ['owner_kept', 'boss@example.com'],
    ]);
    expect(plan.counts).toEqual({
      invite: 1,
      reinvite: 1,
      replace: 1,
      revoke: 1,
      offboard: 1,
      owner_kept: 1,
      unchanged: 2,
    });
    expect(plan.lines.find((line) => line.action === 'offboard')?.userId).toBe('user-2');
    expect(isEmptyPlan(plan)).toBe(false);
  });

  it('leaves members off the roster alone without --offboard, and says how many', () => {
    const plan = planReconcile(roster, invites, members, { now: NOW });

    expect(plan.counts.offboard + plan.counts.owner_kept).toBe(0);
    expect(plan.membersNotOnRoster).toBe(2);
    expect(formatPlan(plan).at(-1)).toMatch(/^2 member\(s\) not on the roster are left alone/);
  });

  it('prints like terraform plan, and an organization that matches plans nothing', () => {
    const text = formatPlan(planReconcile(roster, invites, members, { offboard: true, now: NOW }));

    expect(text).toContain(
      '~ replace    moved@example.com  (pending, role reader and projects [] -> role owner and projects [])',
    );
    expect(text).toContain(
      '! owner_kept boss@example.com  (member, role owner: owners are never removed automatically)',
    );
    expect(text.at(-1)).toBe(
      'Plan: 1 to invite, 1 to re-invite, 1 to replace, 1 to revoke, 1 to offboard, 1 owner kept, 2 unchanged.',
    );
    const matching = planReconcile(
      [{ email: 'same@example.com', role: 'reader', projects: [{ id: 'proj_a', role: 'member' }] }],
      invites.filter((candidate) => candidate.email === 'same@example.com'),
      [],
      { now: NOW },
    );
    expect(isEmptyPlan(matching)).toBe(true);
  });
});
