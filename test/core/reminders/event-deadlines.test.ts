import { describe, expect, it } from 'vitest';
import {
  appealMeetingDeadline,
  appealOutcomeDeadline,
  appealWindowDeadline,
  appealWindowKey,
  observationFeedbackDeadlines,
} from '../../../src/core/deadlines/event-deadlines.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { composeDigest } from '../../../src/core/reminders/compose-digest.ts';
import { planReminders } from '../../../src/core/reminders/plan-reminders.ts';
import type { ReminderObligation } from '../../../src/core/reminders/reminder-types.ts';
import { at, calendar, HEAD, MANAGER, obligation, people, school, TEACHER } from './reminder-fixtures.ts';

const thomasAlleyne = getPreset('thomas-alleyne')!;
const appeals = thomasAlleyne.appeals!;
const CYCLE = '00000000-0000-7000-8000-0000000000cc';

/** The school days in [from, to] on which anything is sent, with what and to whom. */
function sentDays(obligations: ReminderObligation[], from: string, to: string) {
  const days: Record<string, string[]> = {};
  for (let date = from; date <= to; date = calendar.addCalendarDays(date, 1)) {
    const due = planReminders({ school, calendar, obligations, people, now: at(date), catchUpSchoolDays: 0 });
    if (due.length > 0) days[date] = due.map((r) => `${r.point}→${r.recipientId === TEACHER ? 'teacher' : r.recipientId === MANAGER ? 'manager' : 'head'}`);
  }
  return days;
}

function asOpen(deadline: ReturnType<typeof appealWindowDeadline>, id: number): ReminderObligation {
  return { ...deadline, id: `00000000-0000-7000-8000-${String(id).padStart(12, '0')}`, optional: false, status: 'open' };
}

describe('deadlines events start (002 §16–17, Annex 1)', () => {
  it('002 §16: the appeal window closes 10 working days after the final report; half term counts, the bank holiday does not', () => {
    // Thu 20 May 2027; Spring bank holiday Mon 31 May; half term 31 May–4 Jun is working time.
    const window = appealWindowDeadline({ personId: TEACHER, cycleId: CYCLE, issuedOn: '2027-05-20', appeals, calendar });
    expect(window).toMatchObject({ key: appealWindowKey(TEACHER, CYCLE), kind: 'appeal-window', opensOn: '2027-05-20', dueOn: '2027-06-04', ownerPersonId: TEACHER });
    expect(window.rule).toContain('002 §16');
    // Deterministic: the same report issued again names the same obligation.
    expect(appealWindowDeadline({ personId: TEACHER, cycleId: CYCLE, issuedOn: '2027-05-20', appeals, calendar }).key).toBe(window.key);
  });

  it('002 §16–17: the appeal meeting within 20 working days of lodging, the written outcome within 5 of the meeting, both the appeal manager’s', () => {
    const meeting = appealMeetingDeadline({ personId: TEACHER, cycleId: CYCLE, lodgedOn: '2027-06-01', reportReceivedOn: '2027-05-20', appealManagerId: HEAD, appeals, calendar });
    expect(meeting).toMatchObject({ kind: 'appeal-meeting', opensOn: '2027-06-01', dueOn: '2027-06-29', ownerPersonId: HEAD, ownerRole: 'appeal-manager' });
    const outcome = appealOutcomeDeadline({ meeting, heldOn: '2027-06-25', appeals, calendar });
    expect(outcome).toMatchObject({ kind: 'appeal-outcome', opensOn: '2027-06-25', dueOn: '2027-07-02', ownerPersonId: HEAD, key: meeting.key.replace(/:meeting$/, ':outcome') });
  });

  it('002 Annex 1 §9–10: oral feedback by the end of the next working day, written within 5 working days, owed by the observer', () => {
    const input = { observationId: 'obs-1', personId: TEACHER, cycleId: CYCLE, observerId: MANAGER, observedOn: '2026-10-16', oralFeedbackOn: undefined, observation: thomasAlleyne.observation, calendar };
    // Fri 16 Oct 2026: next working day Mon 19 Oct; five working days Fri 23 Oct.
    expect(observationFeedbackDeadlines(input).map((d) => `${d.kind} ${d.dueOn} ${d.ownerPersonId === MANAGER ? 'observer' : d.ownerPersonId}`)).toEqual([
      'observation-oral-feedback 2026-10-19 observer',
      'observation-written-feedback 2026-10-23 observer',
    ]);
    // Oral feedback given when it was recorded: only the written one is left.
    expect(observationFeedbackDeadlines({ ...input, oralFeedbackOn: '2026-10-16' }).map((d) => d.kind)).toEqual(['observation-written-feedback']);
    // 004 sets no feedback limits, so a WHMAT observation makes no deadlines.
    expect(observationFeedbackDeadlines({ ...input, observation: getPreset('whmat')!.observation })).toEqual([]);
  });

  it('002 Annex 1 §9–10: feedback is given in directed time, so half term does not count: a lesson seen the Friday before is fed back after it', () => {
    const input = { observationId: 'obs-2', personId: TEACHER, cycleId: CYCLE, observerId: MANAGER, observedOn: '2026-10-23', oralFeedbackOn: undefined, observation: thomasAlleyne.observation, calendar };
    // Fri 23 Oct 2026; half term 26–30 Oct: the next school day is Mon 2 Nov, the fifth Fri 6 Nov.
    expect(observationFeedbackDeadlines(input).map((d) => `${d.kind} ${d.dueOn}`)).toEqual(['observation-oral-feedback 2026-11-02', 'observation-written-feedback 2026-11-06']);
    // Seen on the last day of the autumn term: the Christmas holiday and the Mon 4 Jan 2027 closure day do not count.
    const afterChristmas = observationFeedbackDeadlines({ ...input, observedOn: '2026-12-18' });
    expect(afterChristmas.map((d) => d.dueOn)).toEqual(['2027-01-05', '2027-01-11']);
  });

  it('002 §16: the appeal window is reminded when it opens, before and on its last day, never chased or escalated afterwards', () => {
    // Report issued Mon 9 Nov 2026: last day Mon 23 Nov.
    const window = asOpen(appealWindowDeadline({ personId: TEACHER, cycleId: CYCLE, issuedOn: '2026-11-09', appeals, calendar }), 9001);
    expect(window.dueOn).toBe('2026-11-23');
    expect(sentDays([window], '2026-11-02', '2026-12-18')).toEqual({
      '2026-11-09': ['opened→teacher'],
      '2026-11-16': ['due-in-5→teacher'],
      '2026-11-20': ['due-in-1→teacher'],
      '2026-11-23': ['due-today→teacher'],
    });
  });

  it('002 §16: an appeal window ending in half term is last reminded on the school day before it, not after it has closed', () => {
    const window = asOpen(appealWindowDeadline({ personId: TEACHER, cycleId: CYCLE, issuedOn: '2027-05-20', appeals, calendar }), 9002);
    const days = sentDays([window], '2027-05-17', '2027-06-30');
    // Fri 28 May, the last school day before half term, carries the last-day reminder (the digest shows it once).
    expect(days['2027-05-28']).toContain('due-today→teacher');
    expect(Object.keys(days).every((day) => day <= window.dueOn)).toBe(true);
  });

  it('002 §16: an appeal window cannot be muted: a snooze is ignored and the digest offers no Snooze button', () => {
    const window = { ...asOpen(appealWindowDeadline({ personId: TEACHER, cycleId: CYCLE, issuedOn: '2026-11-09', appeals, calendar }), 9003), status: 'snoozed' as const, snoozedUntil: '2026-12-31' };
    const due = planReminders({ school, calendar, obligations: [window], people, now: at('2026-11-16') });
    expect(due.map((r) => r.point)).toEqual(['due-in-5']);
    const digest = composeDigest(TEACHER, '2026-11-16', due);
    expect(digest.items[0]!.actions.map((a) => a.value.split(':')[0])).not.toContain('snooze');
  });

  it('002 §16: an overdue appeal meeting is chased and escalated to the head, and never muted', () => {
    const meeting = obligation({ ...appealMeetingDeadline({ personId: TEACHER, cycleId: CYCLE, lodgedOn: '2026-11-09', reportReceivedOn: '2026-11-02', appealManagerId: MANAGER, appeals, calendar }), status: 'snoozed', snoozedUntil: '2027-03-01' });
    const days = sentDays([meeting], '2026-11-09', '2026-12-18');
    expect(days['2026-11-09']).toEqual(['opened→manager']);
    expect(days[meeting.dueOn]).toEqual(['due-today→manager']);
    expect(Object.values(days).flat()).toContain('escalated-reviewer→head');
  });
});
