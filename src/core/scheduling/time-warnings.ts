import { compareDates, type IsoDate } from '../calendar/iso-date.ts';
import type { SchoolCalendar } from '../calendar/school-calendar.ts';
import { showDate } from '../conversations/engine/parse-date.ts';
import type { Role } from '../people/person.ts';
import type { Policy } from '../policy/policy-schema.ts';
import type { CheckInWindow } from './check-in-window.ts';
import { addMinutes, type LocalTime, toMinutes } from './meeting-time.ts';

/**
 * Typical UK school-day slots. Schools' bells differ, which is why these only ever produce a
 * warning to check, never a refusal: the person booking knows their timetable, Trellis does not.
 */
export const SCHOOL_DAY = { start: '08:45', end: '15:15' } as const;
export const MORNING_BREAK = { start: '10:30', end: '11:00' } as const;
export const LUNCH = { start: '12:00', end: '13:30' } as const;
/** Earliest and latest sensible meeting times: outside these is outside directed / contracted time. */
const WORKING_DAY = { start: '07:30', end: '18:00' } as const;

/** The seed sentences behind `checkIns.avoid`, quoted in the warning so nobody has to look them up. */
const AVOID_QUOTES: Readonly<Record<string, string>> = {
  '003 §5.6': 'All Meetings will take place within directed time for teachers and within contracted time for support staff, or as agreed. They will not take place during a break or during PPA time.',
  '004 §3.11': 'all meetings will take place within directed time (teachers) and during contractual working hours (support staff), rather than during a lunch break and/or during PPA time (teachers).',
};

/** Roles with PPA time (planning, preparation and assessment): teachers and teaching leaders. */
const ROLES_WITH_PPA: readonly Role[] = ['teacher', 'leader', 'headteacher'];

export interface WarningInput {
  policy: Pick<Policy, 'checkIns'>;
  calendar: SchoolCalendar;
  at: LocalTime;
  minutes: number;
  reviewee: { fullName: string; role: Role };
  window?: CheckInWindow | undefined;
  /** The turn's day: a date in its year is written without the year. */
  today: IsoDate;
}

function overlaps(at: LocalTime, minutes: number, slot: { start: string; end: string }): boolean {
  const start = toMinutes(at.time);
  return start < toMinutes(slot.end) && start + minutes > toMinutes(slot.start);
}

/** The policy's own citation for its check-in rules, e.g. "003 §5.6" out of "003 §5.6, §10.1". */
function citation(policy: Pick<Policy, 'checkIns'>): string {
  return policy.checkIns.rule.split(',')[0]!.trim();
}

function policyReason(policy: Pick<Policy, 'checkIns'>): string {
  const cite = citation(policy);
  const quote = AVOID_QUOTES[cite];
  // The policy's words without its paragraph number, which `why` gives.
  return quote === undefined ? '(your school’s policy)' : `— your school’s policy: “${quote}”`;
}

/**
 * Why a proposed check-in time may be a problem: not a school day, outside the policy's window,
 * in a break or lunch slot or possibly PPA time where the policy rules those out (003 §5.6,
 * 004 §3.11), or outside the working day. Warnings, not refusals: the reviewer may know better
 * ("as agreed", 003 §5.6).
 */
export function meetingTimeWarnings(input: WarningInput): string[] {
  const { policy, calendar, at, minutes, reviewee, window, today } = input;
  const warnings: string[] = [];
  const avoid = new Set(policy.checkIns.avoid);
  const first = reviewee.fullName.split(/\s+/)[0] ?? reviewee.fullName;
  if (!calendar.isSchoolDay(at.date)) {
    const why = calendar.isWeekend(at.date) ? 'a weekend' : calendar.isBankHoliday(at.date) ? 'a bank holiday' : 'outside term time or a closure day';
    warnings.push(`${showDate(at.date, today)} isn’t a school day (${why}).`);
  }
  if (window !== undefined && compareDates(at.date, window.opensOn) < 0) {
    warnings.push(`That’s before the window for ${first}’s ${window.label.toLowerCase()} opens (${showDate(window.opensOn, today)}).`);
  }
  if (window !== undefined && compareDates(at.date, window.dueOn) > 0) {
    warnings.push(`That’s after ${first}’s ${window.label.toLowerCase()} is due (${showDate(window.dueOn, today)}).`);
  }
  const end = addMinutes(at.time, minutes);
  if (toMinutes(at.time) < toMinutes(WORKING_DAY.start) || toMinutes(end) > toMinutes(WORKING_DAY.end)) {
    warnings.push(`${at.time}–${end} is outside the usual working day; check-ins belong in directed or contracted time ${policyReason(policy)}`);
  }
  const breakTime = avoid.has('break') && overlaps(at, minutes, MORNING_BREAK);
  const lunchTime = (avoid.has('lunch') || avoid.has('break')) && overlaps(at, minutes, LUNCH);
  if (breakTime) warnings.push(`${at.time}–${end} runs into a typical morning break (${MORNING_BREAK.start}–${MORNING_BREAK.end}) ${policyReason(policy)}`);
  if (lunchTime) warnings.push(`${at.time}–${end} runs into a typical lunch break (${LUNCH.start}–${LUNCH.end}) ${policyReason(policy)}`);
  const inTeachingDay = overlaps(at, minutes, SCHOOL_DAY) && calendar.isSchoolDay(at.date);
  if (avoid.has('ppa') && inTeachingDay && !breakTime && !lunchTime && ROLES_WITH_PPA.includes(reviewee.role)) {
    warnings.push(`${at.time} is in the school day, when ${first} may have PPA time — please check it isn’t ${policyReason(policy)}`);
  }
  return warnings;
}
