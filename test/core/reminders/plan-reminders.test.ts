import { describe, expect, it } from 'vitest';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { planReminders } from '../../../src/core/reminders/plan-reminders.ts';
import type { ReminderObligation } from '../../../src/core/reminders/reminder-types.ts';
import { at, calendar, HEAD, MANAGER, obligation, people, school, TEACHER } from './reminder-fixtures.ts';

function plan(obligations: ReminderObligation[], now: Date, catchUpSchoolDays?: number) {
  return planReminders({ school, calendar, obligations, people, now, catchUpSchoolDays }).map((r) => ({ point: r.point, to: r.recipientId, sendOn: r.sendOn, key: r.key }));
}

/** The school days in [from, to] on which anything is sent, with what. */
function sentDays(obligations: ReminderObligation[], from: string, to: string) {
  const days: Record<string, string[]> = {};
  for (let date = from; date <= to; date = calendar.addCalendarDays(date, 1)) {
    const due = planReminders({ school, calendar, obligations, people, now: at(date), catchUpSchoolDays: 0 });
    if (due.length > 0) days[date] = due.map((r) => `${r.point}→${r.recipientId === TEACHER ? 'teacher' : r.recipientId === MANAGER ? 'manager' : 'head'}`);
  }
  return days;
}

describe('the reminder cadence (policy.reminders; Brief "Stages and deadlines")', () => {
  it('004 §4.2: reminds when it opens, 5 school days before, on the day ("due in 1" folds into it), 5 school days overdue then on the weekly chase day (Monday) at least 5 school days on, and escalates to the manager then the head on the weekly chase day', () => {
    const selfReflection = obligation(); // due Thu 15 Oct 2026 (004 §4.2, by mid-October)
    expect(sentDays([selfReflection], '2026-09-28', '2026-11-13')).toEqual({
      '2026-10-01': ['opened→teacher'],
      '2026-10-08': ['due-in-5→teacher'],
      // Wed 14 Oct's "due in 1" is said by Thursday's "due today".
      '2026-10-15': ['due-today→teacher'],
      // two school days overdue: Fri 16, Mon 19 October, itself the weekly chase day.
      '2026-10-19': ['escalated-reviewer→manager'],
      '2026-10-22': ['overdue-5→teacher'],
      // ten school days overdue skips October half term (26–30 Oct): Thu 5 November, which waits
      // for the head's weekly chase day, Mon 9 November, as does the teacher's repeat chase.
      '2026-11-09': ['escalated-head→head', 'overdue-10→teacher'],
    });
  });

  it('003 §6.1: a reviewee’s own overdue item is escalated to their reviewer (here their coach, the head), not to their line manager', () => {
    const coached = people.map((p) => (p.id === TEACHER ? { ...p, reviewerId: HEAD } : p));
    const due = planReminders({ school, calendar, obligations: [obligation()], people: coached, now: at('2026-10-19'), catchUpSchoolDays: 0 });
    expect(due.map((r) => [r.point, r.recipientId])).toEqual([['escalated-reviewer', HEAD]]);
  });

  it('keys each reminder by obligation, point and recipient, so it is the same however often it is planned', () => {
    const o = obligation();
    const first = plan([o], at('2026-10-08', '15:31'));
    expect(first).toEqual([{ point: 'due-in-5', to: TEACHER, sendOn: '2026-10-08', key: `${o.key}:due-in-5:${TEACHER}` }]);
    expect(plan([o], at('2026-10-08', '16:55'))).toEqual(first);
  });

  it('escalates a reviewer-owned check-in up the line on the weekly chase day: to the reviewer’s own line manager, then the head (004 §6.3, §6.4)', () => {
    const checkIn = obligation({ kind: 'check-in', ownerRole: 'reviewer', ownerPersonId: MANAGER, dueOn: '2027-02-12', opensOn: '2027-01-05', label: 'Spring check-in', rule: '004 §6.3' });
    // Fri 12 Feb 2027, then February half term (15–19 Feb): 2 school days overdue is Tue 23 Feb,
    // told on the head's weekly chase day, Mon 1 Mar. "Due in 1" (Thu 11 Feb) folds into "due today".
    // The manager's own line manager is the head, so the head hears once, not a second time at 10 days.
    expect(sentDays([checkIn], '2027-01-04', '2027-03-12')).toEqual({
      '2027-01-05': ['opened→manager'],
      '2027-02-05': ['due-in-5→manager'],
      '2027-02-12': ['due-today→manager'],
      // School days after Fri 12 Feb, half term skipped: 22, 23, 24, 25, 26 Feb.
      '2027-02-26': ['overdue-5→manager'],
      '2027-03-01': ['escalated-reviewer→head'],
      // Repeat chases on the weekly chase day: Fri 5 Mar → Mon 8 Mar; Fri 12 Mar → Mon 15 Mar.
      '2027-03-08': ['overdue-10→manager'],
    });
  });
});

describe('held to the next school day, never dropped (Brief "Calendar facts": never at weekends or in holidays)', () => {
  it('holds a point on Saturday 24 October 2026 or in half term (26–30 Oct) to Monday 2 November, but never says "due today" of a deadline that has passed', () => {
    const opensOnSaturday = obligation({ opensOn: '2026-10-24', dueOn: '2026-11-20' });
    const dueInHalfTerm = obligation({ opensOn: '2026-10-01', dueOn: '2026-10-30', label: 'Professional growth plan agreed', kind: 'plan-agreed', rule: '004 §5.1' });
    for (const day of ['2026-10-24', '2026-10-25', '2026-10-26', '2026-10-27', '2026-10-28', '2026-10-29', '2026-10-30', '2026-10-31', '2026-11-01']) {
      expect(plan([opensOnSaturday, dueInHalfTerm], at(day)), day).toEqual([]);
    }
    // A deadline on a closed day (here an event's, as the timeline puts none there) has passed by Mon 2 Nov.
    expect(plan([opensOnSaturday, dueInHalfTerm], at('2026-11-02'))).toEqual([{ point: 'opened', to: TEACHER, sendOn: '2026-11-02', key: `${opensOnSaturday.key}:opened:${TEACHER}` }]);
    // "1 school day before" a half-term deadline is the last school day before half term.
    expect(plan([dueInHalfTerm], at('2026-10-23')).map((r) => r.point)).toEqual(['due-in-1']);
  });

  it('holds a point on the early May bank holiday (Mon 3 May 2027) to Tuesday', () => {
    const o = obligation({ opensOn: '2027-05-03', dueOn: '2027-05-28' });
    expect(plan([o], at('2027-05-03'))).toEqual([]);
    expect(plan([o], at('2027-05-04')).map((r) => r.point)).toEqual(['opened']);
  });

  it('holds a point on a closure day (INSET, Mon 4 Jan 2027) to the first day of term', () => {
    const o = obligation({ opensOn: '2027-01-04', dueOn: '2027-02-12' });
    expect(plan([o], at('2027-01-04'))).toEqual([]);
    expect(plan([o], at('2027-01-05')).map((r) => r.point)).toEqual(['opened']);
  });
});

describe('the sending window (policy.reminders.window, London time)', () => {
  const o = obligation();
  it('sends nothing at 14:00, sends at 15:45, and nothing from 17:00', () => {
    expect(plan([o], at('2026-10-08', '14:00'))).toEqual([]);
    expect(plan([o], at('2026-10-08', '15:45')).map((r) => r.point)).toEqual(['due-in-5']);
    expect(plan([o], at('2026-10-08', '17:00'))).toEqual([]);
  });

  it('keeps to London time across the clock change (window 15:30 GMT after 25 Oct)', () => {
    const november = obligation({ opensOn: '2026-11-02', dueOn: '2026-11-30' });
    expect(plan([november], new Date('2026-11-02T15:15:00Z'))).toEqual([]);
    expect(plan([november], new Date('2026-11-02T15:45:00Z')).map((r) => r.point)).toEqual(['opened']);
  });

  it('sends a missed day’s reminders at the next allowed moment, and only the latest state, but no "due today" once the day has passed', () => {
    const o2 = obligation();
    // Nothing ran on Thu 8 Oct (due-in-5): on Fri 9 Oct it still goes out.
    expect(plan([o2], at('2026-10-09')).map((r) => r.point)).toEqual(['due-in-5']);
    // Down on Wed 14 Oct: on Thu 15, the due day, the due-day point supersedes the due-in-1 one.
    expect(plan([o2], at('2026-10-15')).map((r) => r.point)).toEqual(['due-today']);
    // Down from Wed 14 to Fri 16 Oct: the deadline has passed, so neither "due tomorrow" nor "due today" goes out late.
    expect(plan([o2], at('2026-10-16'))).toEqual([]);
    expect(plan([o2], at('2026-10-16'), 0)).toEqual([]);
  });
});

describe('snoozing and muting', () => {
  it('waits until snoozedUntil, then sends what the snooze held back together, less what spoke of the deadline as still to come', () => {
    const snoozed = obligation({ status: 'snoozed', snoozedUntil: '2026-10-20' });
    expect(sentDays([snoozed], '2026-10-02', '2026-10-22')).toEqual({
      // Due Thu 15 Oct: by Tue 20 Oct "due soon" and "due today" would be untrue.
      '2026-10-20': ['escalated-reviewer→manager', 'opened→teacher'],
      '2026-10-22': ['overdue-5→teacher'],
    });
  });

  it('cannot snooze a statutory appeal deadline (002 §16: 10 working days)', () => {
    const appeal = obligation({ kind: 'appeal', status: 'snoozed', snoozedUntil: '2026-10-20', label: 'Lodge your appeal', rule: '002 §16' });
    const due = planReminders({ school, calendar, obligations: [appeal], people, now: at('2026-10-08') });
    expect(due.map((r) => [r.point, r.mutable])).toEqual([['due-in-5', false]]);
  });

  it('sends nothing for done or not-applicable obligations, or for people who have left', () => {
    const done = obligation({ status: 'done' });
    const na = obligation({ status: 'not-applicable' });
    expect(plan([done, na], at('2026-10-08'))).toEqual([]);
    const gone = people.map((p) => (p.id === TEACHER ? { ...p, active: false } : p));
    expect(planReminders({ school, calendar, obligations: [obligation()], people: gone, now: at('2026-10-08') })).toEqual([]);
  });
});

describe('optional obligations (004 §8.2: a UPR business case if you are applying)', () => {
  it('get only the opened and due-soon points: nobody is chased for something optional', () => {
    const upr = obligation({ kind: 'upr-application', optional: true, opensOn: '2026-09-02', dueOn: '2026-10-23', label: 'Upper Pay Range business case', rule: '004 §8.2' });
    expect(sentDays([upr], '2026-09-01', '2026-12-18')).toEqual({
      '2026-09-02': ['opened→teacher'],
      '2026-10-16': ['due-in-5→teacher'],
      '2026-10-22': ['due-in-1→teacher'],
    });
  });
});

describe('no owner to tell', () => {
  it('002 §22, §31: what the governors owe with a head is reminded to the head, who takes part; nothing is escalated', () => {
    const headsPlanning = obligation({ personId: HEAD, ownerPersonId: undefined, ownerRole: 'governors', dueOn: '2026-12-31', opensOn: '2026-09-02', label: 'Head teacher’s performance planning' });
    expect(plan([headsPlanning], at('2026-12-14')).map((r) => `${r.point}→${r.to === HEAD ? 'head' : r.to}`)).toEqual(['due-in-5→head']);
    // Overdue in January: the head alone is told; there is nobody above the head to escalate to.
    const january = sentDays([headsPlanning], '2027-01-05', '2027-01-29');
    expect(Object.values(january).flat().every((entry) => entry.endsWith('→head'))).toBe(true);
    expect(Object.values(january).flat().some((entry) => entry.startsWith('escalated'))).toBe(false);
  });

  it('skips an obligation with no owner on the roster that the governors do not owe', () => {
    expect(plan([obligation({ ownerPersonId: undefined, ownerRole: 'coach' })], at('2026-10-08'))).toEqual([]);
  });
});

describe('what a rule says happens once overdue (policy obligations[].whenOverdue)', () => {
  const tpat = { policy: getPreset('tpat')! };
  const checkIn = (fields: Partial<ReminderObligation> = {}) =>
    obligation({ key: `${TEACHER}:2026:half-termly-check-in:autumn-1`, kind: 'check-in', ownerRole: 'coach', ownerPersonId: MANAGER, opensOn: '2026-09-02', dueOn: '2026-10-23', label: 'Progress check-in', rule: '003 §10.1', ...fields });
  function sentUnder(policySchool: typeof tpat, obligations: ReminderObligation[], from: string, to: string) {
    const days: Record<string, string[]> = {};
    for (let date = from; date <= to; date = calendar.addCalendarDays(date, 1)) {
      const due = planReminders({ school: policySchool, calendar, obligations, people, now: at(date), catchUpSchoolDays: 0 });
      if (due.length > 0) days[date] = due.map((r) => `${r.point}→${r.recipientId === MANAGER ? 'coach' : 'head'}`);
    }
    return days;
  }

  it('003 §10.1: a half-termly check-in is "desirable, though not essential": the coach is reminded up to the due day, never chased or escalated', () => {
    expect(sentUnder(tpat, [checkIn()], '2026-10-01', '2026-12-18')).toEqual({
      '2026-10-16': ['due-in-5→coach'],
      '2026-10-22': ['due-in-1→coach'],
      '2026-10-23': ['due-today→coach'],
    });
  });

  it('003 §11.3: termly feedback, which TPAT requires, is still chased and escalated when overdue', () => {
    const feedback = checkIn({ key: `${TEACHER}:2026:termly-feedback:autumn`, kind: 'feedback', dueOn: '2026-11-20' });
    const sent = Object.values(sentUnder(tpat, [feedback], '2026-11-21', '2026-12-18')).flat();
    expect(sent).toContain('overdue-5→coach');
    expect(sent).toContain('escalated-reviewer→head');
  });
});
