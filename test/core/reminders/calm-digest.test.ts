import { describe, expect, it } from 'vitest';
import { allDigestItems, composeDigest, digestActions, MAX_DIGEST_ITEMS, moreText, SEE_WHO_ACTION } from '../../../src/core/reminders/compose-digest.ts';
import { planReminders } from '../../../src/core/reminders/plan-reminders.ts';
import type { ReminderPerson } from '../../../src/core/reminders/reminder-types.ts';
import { at, calendar, HEAD, MANAGER, obligation, people, school, TEACHER } from './reminder-fixtures.ts';

/** Fourteen more teachers line-managed by Mo, so the head is told of fifteen people at once. */
const team: ReminderPerson[] = Array.from({ length: 14 }, (_, i) => ({
  id: `00000000-0000-7000-8000-0000000009${String(i).padStart(2, '0')}`,
  email: `t${i + 2}@school.example`,
  fullName: `Teacher ${i + 2}`,
  role: 'teacher',
  lineManagerId: MANAGER,
  reviewerId: MANAGER,
  active: true,
}));
const everyone = [...people, ...team];

describe('calm digests (Brief "Who uses it": the few things that matter now)', () => {
  it('004 §4.2, §5.1: a teacher whose whole year opens on Thu 1 Oct gets at most five items with buttons, soonest first, and "and 3 more — say `status`"', () => {
    const dues = ['2026-10-15', '2026-10-23', '2026-12-11', '2027-02-12', '2027-03-26', '2027-05-21', '2027-06-25', '2027-07-16'];
    const year = dues.map((dueOn, i) => obligation({ opensOn: '2026-10-01', dueOn, label: `Item ${i + 1}` }));
    const digest = composeDigest(TEACHER, '2026-10-01', planReminders({ school, calendar, obligations: year, people, now: at('2026-10-01') }));
    expect(digest.items.map((i) => `${i.label} ${i.dueText}`)).toEqual(['Item 1 due Thu 15 Oct', 'Item 2 due Fri 23 Oct', 'Item 3 due Fri 11 Dec', 'Item 4 due Fri 12 Feb 2027', 'Item 5 due Fri 26 Mar 2027']);
    expect(digest.items.length).toBeLessThanOrEqual(MAX_DIGEST_ITEMS);
    expect(digest.more?.map((i) => i.label)).toEqual(['Item 6', 'Item 7', 'Item 8']);
    expect(digest.more?.every((i) => i.actions.length > 0)).toBe(true);
    expect(moreText(digest)).toBe('and 3 more — say `status`');
    expect(digestActions(digest)).toHaveLength(5 * 4);
    expect(digest.title).toBe('Your growth cycle: 8 things');
  });

  it('004 §4.2 escalation to the head after 10 school days (Thu 5 Nov, told on the weekly chase day, Mon 9 Nov): fifteen overdue self-reflections are one line with one "See who" button (`overdue`), not fifteen', () => {
    const reflections = [TEACHER, ...team.map((p) => p.id)].map((personId) => obligation({ personId, ownerPersonId: personId, key: `${personId}:2026:reflection` }));
    expect(planReminders({ school, calendar, obligations: reflections, people: everyone, now: at('2026-11-05') }).filter((r) => r.recipientId === HEAD)).toEqual([]);
    const reminders = planReminders({ school, calendar, obligations: reflections, people: everyone, now: at('2026-11-09') });
    const digest = composeDigest(HEAD, '2026-11-09', reminders);
    expect(digest.items).toEqual([]);
    expect(digest.escalations?.map((s) => s.text)).toEqual(['15 people are overdue with “Self-reflection” (due Thu 15 Oct) and their manager has been told']);
    expect(digestActions(digest)).toEqual([{ label: 'See who', value: SEE_WHO_ACTION }]);
    // The people are still there for `why` and for the record of what was sent, just not one line each.
    expect(allDigestItems(digest)).toHaveLength(15);
    expect(digest.title).toBe("Your growth cycle and your team's: 1 thing (15 overdue)");
  });

  it('004 §3.9, §4.2: the line manager is told of their own team in one line that names them, with nothing to press', () => {
    const reflections = [TEACHER, team[0]!.id, team[1]!.id].map((personId) => obligation({ personId, ownerPersonId: personId, key: `${personId}:2026:reflection` }));
    const digest = composeDigest(MANAGER, '2026-10-19', planReminders({ school, calendar, obligations: reflections, people: everyone, now: at('2026-10-19') }));
    expect(digest.escalations?.map((s) => s.text)).toEqual(['3 of your team are overdue with “Self-reflection” (due Thu 15 Oct): Tara One, Teacher 2, Teacher 3']);
    expect(digestActions(digest)).toEqual([]);
  });

  it('speaks in dates people use and no rule references: nothing in a digest’s words says “§”', () => {
    const reflection = obligation({ opensOn: '2026-10-01', dueOn: '2026-10-15' });
    const digest = composeDigest(TEACHER, '2026-10-22', planReminders({ school, calendar, obligations: [reflection], people, now: at('2026-10-22') }));
    const words = [digest.title, ...digest.items.map((i) => `${i.label} ${i.dueText}`), ...(digest.escalations ?? []).map((s) => s.text)].join('\n');
    expect(words).toContain('overdue since Thu 15 Oct (7 days)');
    expect(words).not.toMatch(/§|\d{4}-\d\d-\d\d/);
  });
});
