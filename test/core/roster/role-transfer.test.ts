import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTermDates, SchoolCalendar } from '../../../src/core/calendar/index.ts';
import type { StaffMember } from '../../../src/core/people/staff-member.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { messageText } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { roleTransfers, transferCheckInDeadline, transferNotifications } from '../../../src/core/roster/role-transfer.ts';
import type { PlannedCycle } from '../../../src/core/timeline/plan-obligations.ts';

const terms = parseTermDates(readFileSync(new URL('../../../config/terms/england-2026-27.yaml', import.meta.url), 'utf8'), 'england-2026-27.yaml');
if (!terms.ok) throw new Error('term dates');
const calendar = new SchoolCalendar({ termDates: terms.value, closuresAreNonWorkingDays: true });

function staff(id: string, fullName: string, over: Partial<StaffMember> = {}): StaffMember {
  return { id, email: `${id}@school.example`, fullName, role: 'teacher', contract: 'permanent', flags: [], active: true, ...over };
}

const head = staff('head', 'Helen Head', { role: 'headteacher' });
const oldManager = staff('old', 'Olu Old');
const newManager = staff('new', 'Nia New');
const coach = staff('coach', 'Cai Coach');
const cycle = (personId: string, start = '2026-09-01', end = '2027-08-31'): PlannedCycle => ({ personId, academicYear: 2026, start, end, obligations: [] });

/** Tara moves from Olu's department to Nia's on Thursday 11 February 2027, the week before February half term. */
function move(preset: string, beforeOver: Partial<StaffMember> = {}, afterOver: Partial<StaffMember> = {}, today = '2027-02-11', cycles = [cycle('tara')]) {
  const policy = PolicySchema.parse(getPreset(preset));
  const before = [head, oldManager, newManager, coach, staff('tara', 'Tara One', { lineManagerId: 'old', reviewerId: 'old', ...beforeOver })];
  const after = [head, oldManager, newManager, coach, staff('tara', 'Tara One', { lineManagerId: 'new', reviewerId: 'new', ...afterOver })];
  return roleTransfers({ policy, calendar, before, after, cycles, today });
}

describe('who is told about a move (002 §35, 003 §7.4, 004 §4.4)', () => {
  const names = new Map([head, oldManager, newManager, coach, staff('tara', 'Tara One')].map((p) => [p.id, p.fullName]));

  it('002 §35: a head who was the reviewer before the move and decides whether the cycle begins again gets one message with both; the keys are the same for the same move', () => {
    const transfers = move('thomas-alleyne', { lineManagerId: 'head', reviewerId: 'head', headId: 'head' }, { headId: 'head' });
    const told = transferNotifications(transfers, names);
    expect(told.map((n) => [n.key, n.personId])).toEqual([
      ['notify:role-transfer:tara:2027-02-11:line manager now Nia New:0', 'tara'],
      ['notify:role-transfer:tara:2027-02-11:line manager now Nia New:1', 'head'],
      ['notify:role-transfer:tara:2027-02-11:line manager now Nia New:2', 'new'],
    ]);
    expect(messageText(told[1]!.messages[0]!)).toBe(
      'Tara One has moved to a new post (line manager now Nia New); Nia New reviews them from today, and what you still had open for them has passed to Nia New.\nTara One has moved to a new post part-way through the cycle (line manager now Nia New). You decide whether their cycle begins again and whether to change their reviewer (002 §35); until then it carries on, reviewed by Nia New. Say `restart-cycle Tara One` to begin it again from the day you decide, or `keep-cycle Tara One` to record that it carries on; to change their reviewer, say `reassign-reviewer Tara One: NAME`.',
    );
    expect(transferNotifications(move('thomas-alleyne', { lineManagerId: 'head', reviewerId: 'head', headId: 'head' }, { headId: 'head' }), names).map((n) => n.key)).toEqual(told.map((n) => n.key));
  });

  it('002 §35: when the teacher is the head, the governing body decides; the head is told so and no one on the staff list is asked in its place', () => {
    const policy = PolicySchema.parse(getPreset('thomas-alleyne'));
    const before = [staff('ceo', 'Cas Ceo', { role: 'trust-leader' }), staff('h', 'Hal Head', { role: 'leader', lineManagerId: 'ceo', headId: 'h' })];
    const after = [before[0]!, staff('h', 'Hal Head', { role: 'headteacher', lineManagerId: 'ceo', headId: 'h' })];
    const told = transferNotifications(roleTransfers({ policy, calendar, before, after, cycles: [cycle('h')], today: '2027-02-11' }), new Map([['ceo', 'Cas Ceo'], ['h', 'Hal Head']]));
    expect(told.map((n) => n.personId)).toEqual(['h']);
    expect(messageText(told[0]!.messages[0]!)).toBe(
      'The staff list now records your move to a new post (role now headteacher), from Thu 11 Feb. The governing body decides whether your cycle begins again and whether to change your reviewer (002 §35); until then it carries on.',
    );
  });

  it('001 says nothing about moving post: the person and the new reviewer are told the cycle carries on with them, and the old reviewer that it has passed', () => {
    const told = transferNotifications(move('kingsmead'), names);
    expect(told.map((n) => n.personId)).toEqual(['tara', 'old', 'new']);
  });
});

describe('moving to a new post part-way through a cycle (002 §35, 003 §7.4, 004 §4.4)', () => {
  it('004 §4.4: the original appraiser owes a check-in before the new post, within five school days that skip February half term', () => {
    const [transfer] = move('whmat');
    expect(transfer).toMatchObject({ personId: 'tara', originalReviewerId: 'old', newReviewerId: 'new' });
    expect(transfer!.checkIn).toEqual({
      ownerPersonId: 'old',
      opensOn: '2027-02-11',
      dueOn: '2027-02-24',
      label: 'Check-in with Tara One before their new post, so feedback is up to date and their goals can be reviewed for the new role',
      rule: '004 §4.4 (the original appraiser checks in before the new post; a new appraiser or amended expectations agreed jointly); within 5 school days of the move being recorded',
    });
    expect(transfer!.consequences).toEqual([
      'Nia New reviews them from today: what was still open passes to them and what is done stays.',
      'Olu Old, their reviewer before the move, is asked to hold a check-in with them by Wed 24 Feb, so feedback is up to date; their goals are then reviewed for the new role (004 §4.4 (the original appraiser checks in before the new post; a new appraiser or amended expectations agreed jointly)).',
    ]);
    expect(transferCheckInDeadline(transfer!, 'cycle-1')).toEqual({
      key: 'tara:cycle-1:transfer-check-in:2027-02-11',
      cycleId: 'cycle-1',
      personId: 'tara',
      kind: 'check-in',
      label: transfer!.checkIn!.label,
      opensOn: '2027-02-11',
      dueOn: '2027-02-24',
      ownerRole: 'reviewer',
      ownerPersonId: 'old',
      rule: transfer!.checkIn!.rule,
    });
  });

  it('003 §7.4: the original coach — the reviewer under TPAT — checks in before the new post, even when the coach stays the same', () => {
    const [transfer] = move('tpat', { reviewerId: 'coach', coachId: 'coach' }, { reviewerId: 'coach', coachId: 'coach' });
    expect(transfer!.checkIn).toMatchObject({ ownerPersonId: 'coach', dueOn: '2027-02-24' });
    expect(transfer!.consequences).toEqual([expect.stringMatching(/^Cai Coach, their reviewer before the move, is asked to hold a check-in with them by Wed 24 Feb.*\(003 §7\.4/)]);
  });

  it('002 §35: no check-in is asked for; the head decides whether the cycle begins again and whether to change the reviewer', () => {
    const [transfer] = move('thomas-alleyne');
    expect(transfer!.checkIn).toBeUndefined();
    expect(transfer!.consequences).toEqual([
      'Nia New reviews them from today: what was still open passes to them and what is done stays.',
      'The head decides whether their cycle begins again and whether to change the reviewer (002 §35); until then the cycle carries on, reviewed by Nia New.',
    ]);
  });

  it('002 §35: for the head teacher it is the governing body that decides', () => {
    const policy = PolicySchema.parse(getPreset('thomas-alleyne'));
    const before = [staff('ceo', 'Cas Ceo'), staff('chair', 'Cy Chair'), staff('h', 'Hal Head', { role: 'leader', lineManagerId: 'ceo' })];
    const after = [before[0]!, before[1]!, staff('h', 'Hal Head', { role: 'headteacher', lineManagerId: 'ceo' })];
    const [transfer] = roleTransfers({ policy, calendar, before, after, cycles: [cycle('h')], today: '2027-02-11' });
    expect(transfer!.consequences).toEqual([expect.stringMatching(/^The governing body decides whether their cycle begins again/)]);
  });

  it('001 says nothing about transfers: the move is named and the cycle carries on, with no check-in', () => {
    const [transfer] = move('kingsmead');
    expect(transfer!.checkIn).toBeUndefined();
    expect(transfer!.consequences.at(-1)).toBe('The policy says nothing about moving post part-way through a cycle, so the cycle carries on.');
  });

  it('004 §4.4: part-way through a cycle only — not before it begins, not for someone new, excluded or who left, and not when nothing about the post changed', () => {
    expect(move('whmat', {}, {}, '2026-09-30', [cycle('tara', '2026-10-01', '2027-09-30')])).toEqual([]);
    expect(move('whmat', {}, {}, '2027-02-11', [{ ...cycle('tara'), exclusion: { code: 'capability', reason: 'capability', rule: '004 §2.1' } }])).toEqual([]);
    expect(move('whmat', {}, { active: false })).toEqual([]);
    expect(move('whmat', {}, { lineManagerId: 'old', reviewerId: 'old' })).toEqual([]);
    const policy = PolicySchema.parse(getPreset('whmat'));
    expect(roleTransfers({ policy, calendar, before: [], after: [staff('tara', 'Tara One', { lineManagerId: 'new' })], cycles: [cycle('tara')], today: '2027-02-11' })).toEqual([]);
    // A new role under the same manager is a new post too.
    expect(move('whmat', {}, { lineManagerId: 'old', reviewerId: 'old', role: 'leader' })).toHaveLength(1);
  });
});
