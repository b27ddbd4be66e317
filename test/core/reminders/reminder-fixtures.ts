import { londonInstant } from '../../../src/core/calendar/london-time.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import type { Policy } from '../../../src/core/policy/policy-schema.ts';
import type { ReminderObligation, ReminderPerson } from '../../../src/core/reminders/reminder-types.ts';
import { calendarFor } from '../timeline/timeline-fixtures.ts';

export const calendar = calendarFor();
export const policy: Policy = getPreset('whmat')!;
export const school = { policy };

export const HEAD = '00000000-0000-7000-8000-000000000001';
export const MANAGER = '00000000-0000-7000-8000-000000000002';
export const TEACHER = '00000000-0000-7000-8000-000000000003';

export const people: ReminderPerson[] = [
  { id: HEAD, email: 'head@school.example', fullName: 'Helen Head', role: 'headteacher', active: true },
  { id: MANAGER, email: 'hod@school.example', fullName: 'Mo Maths', role: 'teacher', lineManagerId: HEAD, reviewerId: HEAD, active: true },
  { id: TEACHER, email: 't1@school.example', fullName: 'Tara One', role: 'teacher', lineManagerId: MANAGER, reviewerId: MANAGER, active: true },
];

let next = 100;
/** An open obligation Tara owes, opening 1 Oct and due Thu 15 Oct 2026 unless told otherwise. */
export function obligation(fields: Partial<ReminderObligation> = {}): ReminderObligation {
  next++;
  return {
    id: `00000000-0000-7000-8000-${String(next).padStart(12, '0')}`,
    key: `${TEACHER}:2026:rule-${next}`,
    kind: 'self-reflection',
    label: 'Self-reflection',
    optional: false,
    opensOn: '2026-10-01',
    dueOn: '2026-10-15',
    ownerRole: 'reviewee',
    ownerPersonId: TEACHER,
    personId: TEACHER,
    rule: '004 §4.2',
    status: 'open',
    ...fields,
  };
}

/** 16:00 on a London date: inside the default 15:30–17:00 window. */
export function at(date: string, hhmm = '16:00'): Date {
  return londonInstant(date, hhmm);
}
