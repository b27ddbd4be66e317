import { addCalendarDays, compareDates, type IsoDate } from '../calendar/iso-date.ts';
import type { Policy } from '../policy/policy-schema.ts';
import { cadencePoints, nudgeGapSchoolDays } from './plan-reminders.ts';
import type { SchoolDays } from './school-days.ts';

/**
 * Which obligations a sweep needs to read: only those that can have a cadence point to send
 * today. Worked out in the core from the cadence and the calendar, so storage can ask for them
 * by date (`opens_on` in a range, `due_on = ANY(…)`) instead of reading a school's whole year.
 * It is a superset of what `planReminders` sends, including the coming-up nudges of the next
 * `nudgeGapSchoolDays` school days that may join today's digest; the planner still decides exactly.
 */
export interface SweepCandidates {
  today: IsoDate;
  /** Oldest due date still chased (see run-sweep's overdue horizon). */
  dueSince: IsoDate;
  /** Open obligations whose opening day is held to a day in the catch-up window: `opens_on` in (opensAfter, today]. */
  opensAfter: IsoDate;
  /** Due dates with a due-soon, due-today, overdue or escalation point in the catch-up window, or a due-soon point just after it. */
  dueOn: IsoDate[];
  /** Snoozed obligations that wake in the window: `snoozed_until` in (wakesAfter, today]. */
  wakesAfter: IsoDate;
}

/**
 * The candidate dates for a sweep whose sending window runs from `earliest` to `today` (both
 * school days). A point held to a school day in that window was scheduled after the school day
 * before `earliest`; every due date from `dueSince` to the furthest due-soon point is tried
 * against the cadence itself, so the candidates can never drift from what the planner sends.
 */
export function sweepCandidates(cadence: Policy['reminders'], days: SchoolDays, today: IsoDate, earliest: IsoDate, dueSince: IsoDate): SweepCandidates {
  const before = days.add(earliest, -1);
  const within = (held: IsoDate) => compareDates(held, earliest) >= 0 && compareDates(held, today) <= 0;
  // Held forward as usual, or back for a lapsing right (see holdPoint): either may land in the window.
  const inWindow = (date: IsoDate) => within(days.onOrAfter(date)) || within(days.onOrBefore(date));
  // A coming-up nudge due to go out in the next few school days may join a digest sent today (planReminders).
  const ahead = days.add(today, nudgeGapSchoolDays(cadence));
  const soon = (held: IsoDate) => compareDates(held, today) > 0 && compareDates(held, ahead) <= 0;
  const comingUp = (date: IsoDate) => soon(days.onOrAfter(date)) || soon(days.onOrBefore(date));
  const furthest = days.add(ahead, Math.max(0, ...cadence.schoolDaysBefore));
  const dueOn: IsoDate[] = [];
  for (let due = dueSince; compareDates(due, furthest) <= 0; due = addCalendarDays(due, 1)) {
    // Opened long ago, so every due-soon point counts; the opened point is the opens_on range's.
    const points = cadencePoints({ opensOn: dueSince, dueOn: due, chase: 'after-due' }, cadence, days, today);
    if (points.some((point) => point.point !== 'opened' && (inWindow(point.scheduledOn) || (point.point.startsWith('due-in-') && comingUp(point.scheduledOn))))) dueOn.push(due);
  }
  return { today, dueSince, opensAfter: before, dueOn, wakesAfter: before };
}
