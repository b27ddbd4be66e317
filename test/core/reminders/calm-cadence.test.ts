import { describe, expect, it } from 'vitest';
import { nudgeGapSchoolDays, planReminders } from '../../../src/core/reminders/plan-reminders.ts';
import type { ReminderObligation } from '../../../src/core/reminders/reminder-types.ts';
import { at, calendar, obligation, people, school, TEACHER } from './reminder-fixtures.ts';
import { notYetQueued } from './support/school-year.ts';

/** The school days in [from, to] on which Tara is sent anything, with which points (less what the outbox already holds). */
function teacherDays(obligations: ReminderObligation[], from: string, to: string) {
  const days: Record<string, string[]> = {};
  const queued = new Set<string>();
  for (let date = from; date <= to; date = calendar.addCalendarDays(date, 1)) {
    const planned = planReminders({ school, calendar, obligations, people, now: at(date), catchUpSchoolDays: 0 });
    const due = notYetQueued(planned, queued).filter((r) => r.recipientId === TEACHER);
    if (due.length > 0) days[date] = due.map((r) => r.point);
  }
  return days;
}

describe('no repeat nudge about one item on consecutive days unless it became due or overdue (policy.reminders cadence)', () => {
  it('takes the gap from the cadence: 4 school days between the preset look-ahead points (5 and 1 before due), never under 2, never over the overdue interval', () => {
    expect(nudgeGapSchoolDays(school.policy.reminders)).toBe(4);
    expect(nudgeGapSchoolDays({ schoolDaysBefore: [2, 1], overdueEverySchoolDays: 5 })).toBe(2);
    expect(nudgeGapSchoolDays({ schoolDaysBefore: [20, 10], overdueEverySchoolDays: 5 })).toBe(5);
    expect(nudgeGapSchoolDays({ schoolDaysBefore: [5], overdueEverySchoolDays: 3 })).toBe(3);
  });

  it('004 §4.2 self-reflection opened on Wed 7 Oct and due Thu 15 Oct: the "due in 5" nudge on Thu 8 Oct is dropped as Tara heard of it the day before; due in 1 (then her only warning ahead) and due today still come', () => {
    const reflection = obligation({ opensOn: '2026-10-07', dueOn: '2026-10-15' });
    expect(teacherDays([reflection], '2026-10-05', '2026-10-16')).toEqual({
      '2026-10-07': ['opened'],
      '2026-10-14': ['due-in-1'],
      '2026-10-15': ['due-today'],
    });
  });

  it('004 §4.2: opened and due in 1 on the same day are one nudge, followed the next day by the due-day nudge (it became due), and the first overdue chase is always sent', () => {
    const reflection = obligation({ opensOn: '2026-10-14', dueOn: '2026-10-15' });
    const days = teacherDays([reflection], '2026-10-12', '2026-10-23');
    expect(days).toEqual({ '2026-10-14': ['due-in-1', 'opened'], '2026-10-15': ['due-today'], '2026-10-22': ['overdue-5'] });
    const sent = Object.keys(days);
    for (let i = 1; i < sent.length; i++) {
      if (calendar.addSchoolDays(sent[i - 1]!, 1) === sent[i]) expect(days[sent[i]!]!.every((p) => p === 'due-today' || p.startsWith('overdue-'))).toBe(true);
    }
  });
});

describe('repeat chases of overdue items go out together on one day a week (policy.reminders overdueEverySchoolDays)', () => {
  it('004 §4.2 and §5.1: the self-reflection overdue since Thu 15 Oct and the plan since Fri 23 Oct are chased together on Mondays after their first chase, not on alternate days', () => {
    const reflection = obligation({ opensOn: '2026-10-01', dueOn: '2026-10-15' });
    const plan = obligation({ opensOn: '2026-10-01', dueOn: '2026-10-23', kind: 'plan-agreed', label: 'Professional growth plan agreed', rule: '004 §5.1' });
    const days = teacherDays([reflection, plan], '2026-11-02', '2026-11-27');
    // The plan's first chase (5 school days late, October half term skipped) is on its own day, Fri 6 Nov.
    expect(days).toEqual({
      '2026-11-06': ['overdue-5'],
      '2026-11-09': ['overdue-10'],
      '2026-11-16': ['overdue-15', 'overdue-10'],
      '2026-11-23': ['overdue-20', 'overdue-15'],
    });
  });
});

describe('"due tomorrow" then "due today" is one message (policy.reminders cadence)', () => {
  it('004 §4.2 and §5.1: with the self-reflection due Tue 10 Nov and the plan due Thu 12 Nov, each is announced 5 school days ahead and on its due day, and neither gets a "due in 1" the day before its "due today": four message days, not six', () => {
    const reflection = obligation({ opensOn: '2026-10-01', dueOn: '2026-11-10' });
    const plan = obligation({ opensOn: '2026-10-01', dueOn: '2026-11-12', kind: 'plan-agreed', label: 'Professional growth plan agreed', rule: '004 §5.1' });
    expect(teacherDays([reflection, plan], '2026-11-02', '2026-11-13')).toEqual({
      '2026-11-03': ['due-in-5'],
      '2026-11-05': ['due-in-5'],
      '2026-11-10': ['due-today'],
      '2026-11-12': ['due-today'],
    });
  });

  it('002 §16 and 004 §8.2: a lapsing right and an optional item keep "due in 1", since nothing follows their last day', () => {
    const upr = obligation({ kind: 'upr-application', optional: true, opensOn: '2026-10-01', dueOn: '2026-11-12', label: 'Upper Pay Range business case', rule: '004 §8.2' });
    expect(teacherDays([upr], '2026-11-02', '2026-11-13')).toEqual({ '2026-11-05': ['due-in-5'], '2026-11-11': ['due-in-1'] });
  });
});

describe('coming-up nudges about different items due close together go in one digest (policy.reminders cadence)', () => {
  it('004 §4.2 and §8.2: with the self-reflection due Tue 10 Nov and the optional UPR case due Thu 12 Nov, the case\'s "due in 1" (Wed 11 Nov) joins the reflection\'s due-day digest; each due day is still said on its day', () => {
    const reflection = obligation({ opensOn: '2026-10-01', dueOn: '2026-11-10' });
    const upr = obligation({ kind: 'upr-application', optional: true, opensOn: '2026-10-01', dueOn: '2026-11-12', label: 'Upper Pay Range business case', rule: '004 §8.2' });
    expect(teacherDays([reflection, upr], '2026-11-02', '2026-11-13')).toEqual({
      '2026-11-03': ['due-in-5'],
      '2026-11-05': ['due-in-5'],
      '2026-11-10': ['due-today', 'due-in-1'],
    });
  });

  it('004 §4.2 and §8.2: a coming-up nudge is never brought forward onto the school day after the same item\'s previous nudge, nor when its owner gets nothing else that day', () => {
    // The UPR case is due Tue 10 Nov: due in 5 on Tue 3 Nov, due in 1 on Mon 9 Nov. The plan due
    // Wed 4 Nov makes a digest that day, but "due in 1" would then follow "due in 5" the next day.
    const upr = obligation({ kind: 'upr-application', optional: true, opensOn: '2026-10-01', dueOn: '2026-11-10', label: 'Upper Pay Range business case', rule: '004 §8.2' });
    const plan = obligation({ opensOn: '2026-10-01', dueOn: '2026-11-04', kind: 'plan-agreed', label: 'Professional growth plan agreed', rule: '004 §5.1' });
    expect(teacherDays([upr, plan], '2026-11-02', '2026-11-10')).toEqual({
      '2026-11-03': ['due-in-5'],
      '2026-11-04': ['due-today'],
      '2026-11-09': ['due-in-1'],
    });
    const alone = obligation({ kind: 'upr-application', optional: true, opensOn: '2026-10-01', dueOn: '2026-11-10', label: 'Upper Pay Range business case', rule: '004 §8.2' });
    expect(teacherDays([alone], '2026-11-02', '2026-11-10')).toEqual({ '2026-11-03': ['due-in-5'], '2026-11-09': ['due-in-1'] });
  });
});
