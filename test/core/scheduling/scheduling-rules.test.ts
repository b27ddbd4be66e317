import { describe, expect, it } from 'vitest';
import { dayOfWeek } from '../../../src/core/calendar/iso-date.ts';
import { londonInstant } from '../../../src/core/calendar/london-time.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { checkInInvitation } from '../../../src/core/scheduling/check-in-invitation.ts';
import { meetingReminders, schoolDayBefore } from '../../../src/core/scheduling/meeting-reminders.ts';
import { parseDuration, parseMeetingTime } from '../../../src/core/scheduling/meeting-time.ts';
import type { ScheduledMeeting } from '../../../src/core/scheduling/scheduling-ports.ts';
import { suggestSlots } from '../../../src/core/scheduling/suggest-slots.ts';
import { meetingTimeWarnings } from '../../../src/core/scheduling/time-warnings.ts';
import { calendar, calendarProperty, veventOf } from './scheduling-fixtures.ts';

const whmat = getPreset('whmat')!;
const tpat = getPreset('tpat')!;
const teacher = { fullName: 'Sam Teacher', role: 'teacher' as const };
const window = { label: 'Autumn check-in', opensOn: '2026-10-01', dueOn: '2026-11-13', rule: '004 §6.3' };

describe('reading a proposed day and time', () => {
  it.each([
    ['Tue 3 Nov 15:45', { date: '2026-11-03', time: '15:45' }],
    ['3 Nov at 3.45pm', { date: '2026-11-03', time: '15:45' }],
    ['tomorrow 4pm', { date: '2026-10-06', time: '16:00' }],
    ['4 pm tomorrow', { date: '2026-10-06', time: '16:00' }],
    ['2026-11-03T15:45', { date: '2026-11-03', time: '15:45' }],
    ['2026-11-03 09:05', { date: '2026-11-03', time: '09:05' }],
    ['3/11 3:45', { date: '2026-11-03', time: '15:45' }],
    ['thursday 12:30', { date: '2026-10-08', time: '12:30' }],
  ])('"%s" on Mon 5 Oct 2026', (text, expected) => {
    expect(parseMeetingTime(text, '2026-10-05')).toEqual(expected);
  });

  it.each(['Tue 3 Nov', 'soon', '3 Nov 25:00', '31 Feb 15:00', 'tomorrow 13pm'])('refuses "%s"', (text) => {
    expect(parseMeetingTime(text, '2026-10-05')).toBeUndefined();
  });

  it('reads lengths typed in minutes or hours', () => {
    expect([parseDuration('30'), parseDuration('45 min'), parseDuration('1 hour'), parseDuration('1.5h'), parseDuration('a while')]).toEqual([30, 45, 60, 90, undefined]);
  });
});

describe('suggested slots', () => {
  it('are after-school times on school days inside the window, spread through it, never in half term or at the weekend', () => {
    // Window 1 Oct – 13 Nov; October half term 26–30 Oct is not school days.
    const slots = suggestSlots(calendar, '2026-10-05', window);
    expect(slots.length).toBe(5);
    for (const slot of slots) {
      expect(calendar.isSchoolDay(slot.date)).toBe(true);
      expect(slot.date >= '2026-10-06' && slot.date <= '2026-11-13').toBe(true);
      expect(slot.time).toBe('15:45');
    }
    expect(slots[0]!.date).toBe('2026-10-06');
    expect(slots.at(-1)!.date).toBe('2026-11-13');
    expect(slots.some((s) => s.date >= '2026-10-26' && s.date <= '2026-10-30')).toBe(false);
  });

  it('start when the window opens, not before, and offer every day of a short window', () => {
    const slots = suggestSlots(calendar, '2026-10-05', { ...window, opensOn: '2026-11-09', dueOn: '2026-11-11' });
    expect(slots.map((s) => s.date)).toEqual(['2026-11-09', '2026-11-10', '2026-11-11']);
  });

  it('fall back to the coming school days when the window has closed', () => {
    const slots = suggestSlots(calendar, '2026-10-23', { ...window, dueOn: '2026-10-20' });
    // Fri 23 Oct: the next school days are after half term, from Mon 2 Nov.
    expect(slots[0]!.date).toBe('2026-11-02');
    expect(slots.every((s) => calendar.isSchoolDay(s.date))).toBe(true);
  });
});

describe('warnings about a proposed time (warned, never refused)', () => {
  const today = '2026-10-05';
  it('004 §3.11: a WHMAT check-in at 12:30 is in the lunch break', () => {
    const warnings = meetingTimeWarnings({ policy: whmat, calendar, at: { date: '2026-11-03', time: '12:30' }, minutes: 30, reviewee: teacher, window, today });
    expect(warnings).toEqual([expect.stringMatching(/^12:30–13:00 runs into a typical lunch break \(12:00–13:30\) — your school’s policy: “all meetings will take place within directed time .*rather than during a lunch break and\/or during PPA time/)]);
  });

  it('003 §5.6: a TPAT check-in at 10:40 is in morning break', () => {
    const warnings = meetingTimeWarnings({ policy: tpat, calendar, at: { date: '2026-11-03', time: '10:40' }, minutes: 15, reviewee: teacher, today });
    expect(warnings).toEqual([expect.stringMatching(/^10:40–10:55 runs into a typical morning break .*— your school’s policy: “.*They will not take place during a break or during PPA time\.”$/)]);
  });

  it('004 §3.11 / 003 §5.6: a teacher’s 09:30 check-in may be PPA time; a support colleague’s is not warned about PPA', () => {
    for (const policy of [whmat, tpat]) {
      const warnings = meetingTimeWarnings({ policy, calendar, at: { date: '2026-11-03', time: '09:30' }, minutes: 30, reviewee: teacher, today });
      expect(warnings).toEqual([expect.stringMatching(/^09:30 is in the school day, when Sam may have PPA time — please check it isn’t — your school’s policy: “/)]);
    }
    expect(meetingTimeWarnings({ policy: whmat, calendar, at: { date: '2026-11-03', time: '09:30' }, minutes: 30, reviewee: { fullName: 'Pat Office', role: 'support' }, today })).toEqual([]);
  });

  it('an after-school time inside the window on a school day raises nothing', () => {
    expect(meetingTimeWarnings({ policy: whmat, calendar, at: { date: '2026-11-03', time: '15:45' }, minutes: 30, reviewee: teacher, window, today })).toEqual([]);
  });

  it('a weekend, half term, a time after the window and an evening are each warned about', () => {
    const at = (date: string, time = '15:45') => meetingTimeWarnings({ policy: whmat, calendar, at: { date, time }, minutes: 30, reviewee: teacher, window, today });
    expect(at('2026-11-07')).toEqual(['Sat 7 Nov isn’t a school day (a weekend).']);
    expect(at('2026-10-27')).toEqual(['Tue 27 Oct isn’t a school day (outside term time or a closure day).']);
    expect(at('2026-11-17')).toEqual(['That’s after Sam’s autumn check-in is due (Fri 13 Nov).']);
    expect(at('2026-11-03', '19:00')).toEqual([expect.stringMatching(/^19:00–19:30 is outside the usual working day/)]);
  });
});

const meeting: ScheduledMeeting = {
  id: '01900000-0000-7000-8000-00000000abcd',
  cycleId: 'cycle-1',
  reviewee: { id: 'sam', fullName: 'Sam Teacher', email: 'sam@school.example' },
  organizer: { id: 'jo', fullName: 'Jo Manager', email: 'jo@school.example' },
  startsAt: londonInstant('2026-10-06', '15:45'),
  durationMinutes: 30,
  status: 'scheduled',
  sequence: 0,
};

describe('the .ics invitation', () => {
  it('is a METHOD:REQUEST VEVENT in Europe/London with a stable UID, SEQUENCE, organizer and attendee (BST date)', () => {
    const ics = checkInInvitation(meeting, 'request', new Date('2026-10-05T09:00:00Z'));
    expect(ics.filename).toBe('check-in.ics');
    expect(ics.contentType).toBe('text/calendar; method=REQUEST');
    expect(calendarProperty(ics.content, 'METHOD')).toBe('REQUEST');
    expect(ics.content).toMatch(/BEGIN:VTIMEZONE\r\nTZID:Europe\/London\r\n/);
    const event = veventOf(ics.content);
    expect(event.get('UID')).toBe(`${meeting.id}@trellis`);
    expect(event.get('SEQUENCE')).toBe('0');
    // 15:45 BST is 14:45 UTC: the local wall-clock time is written with its zone.
    expect(event.get('DTSTART;TZID=Europe/London')).toBe('20261006T154500');
    expect(event.get('DTEND;TZID=Europe/London')).toBe('20261006T161500');
    expect(event.get('DTSTAMP')).toBe('20261005T090000Z');
    expect(event.get('STATUS')).toBe('CONFIRMED');
    expect(event.get('ORGANIZER;CN="Jo Manager"')).toBe('mailto:jo@school.example');
    expect([...event.entries()].find(([key]) => key.startsWith('ATTENDEE'))?.[1]).toBe('MAILTO:sam@school.example');
  });

  it('on a GMT date keeps the wall-clock time too, and a cancellation is METHOD:CANCEL with the same UID', () => {
    const moved = { ...meeting, startsAt: londonInstant('2026-11-03', '15:45'), sequence: 2 };
    const cancel = checkInInvitation(moved, 'cancel', new Date('2026-10-05T09:00:00Z'));
    expect(cancel.contentType).toBe('text/calendar; method=CANCEL');
    expect(calendarProperty(cancel.content, 'METHOD')).toBe('CANCEL');
    const event = veventOf(cancel.content);
    expect(event.get('UID')).toBe(`${meeting.id}@trellis`);
    expect(event.get('SEQUENCE')).toBe('2');
    expect(event.get('STATUS')).toBe('CANCELLED');
    expect(event.get('DTSTART;TZID=Europe/London')).toBe('20261103T154500');
  });
});

describe('day-before reminders', () => {
  it('open on the school day before: a Monday meeting is reminded on the Friday, and a meeting after half term before it', () => {
    expect(schoolDayBefore(calendar, '2026-10-12', '2026-10-05')).toBe('2026-10-09');
    expect(dayOfWeek('2026-10-09')).toBe(5);
    expect(schoolDayBefore(calendar, '2026-11-02', '2026-10-05')).toBe('2026-10-23');
  });

  it('are one real obligation for the reviewee and an optional heads-up for the organizer, keyed by meeting and day', () => {
    const reminders = meetingReminders(meeting, calendar, '2026-10-05', '004 §6.3');
    expect(reminders.map((r) => [r.key, r.ownerPersonId, r.optional, r.opensOn, r.dueOn])).toEqual([
      [`${meeting.id}:2026-10-06:reviewee`, 'sam', false, '2026-10-05', '2026-10-06'],
      [`${meeting.id}:2026-10-06:reviewer`, 'jo', true, '2026-10-05', '2026-10-06'],
    ]);
    expect(reminders[1]!.label).toBe('Check-in with Sam Teacher, Tue 6 Oct, 15:45 (30 min)');
    expect(meetingReminders({ ...meeting, status: 'cancelled' }, calendar, '2026-10-05', '004 §6.3')).toEqual([]);
  });
});
