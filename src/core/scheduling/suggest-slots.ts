import { addCalendarDays, compareDates, type IsoDate } from '../calendar/iso-date.ts';
import type { SchoolCalendar } from '../calendar/school-calendar.ts';
import type { CheckInWindow } from './check-in-window.ts';
import type { LocalTime } from './meeting-time.ts';

/** After the school day, so a check-in never takes teaching, break or PPA time (003 §5.6, 004 §3.11). */
export const AFTER_SCHOOL = '15:45';
const MAX_SLOTS = 5;
/** With no window (or an overdue one), the next three weeks' school days are offered. */
const OPEN_ENDED_DAYS = 21;

/**
 * Up to five after-school slots on school days, spread through what is left of the reviewee's
 * check-in window (from tomorrow: a same-day invitation gives nobody time to prepare, 004 §6.5).
 * When there is no window, or it has already closed, the next school days are offered instead.
 */
export function suggestSlots(calendar: SchoolCalendar, today: IsoDate, window: CheckInWindow | undefined): LocalTime[] {
  const tomorrow = addCalendarDays(today, 1);
  const open = window !== undefined && compareDates(window.dueOn, tomorrow) >= 0;
  const from = open && compareDates(window.opensOn, tomorrow) > 0 ? window.opensOn : tomorrow;
  const to = open ? window.dueOn : addCalendarDays(tomorrow, OPEN_ENDED_DAYS);
  const days: IsoDate[] = [];
  for (let day = from; compareDates(day, to) <= 0; day = addCalendarDays(day, 1)) {
    if (calendar.isSchoolDay(day)) days.push(day);
  }
  const picked = days.length <= MAX_SLOTS ? days : spread(days, MAX_SLOTS);
  return picked.map((date) => ({ date, time: AFTER_SCHOOL }));
}

/** `count` days evenly spaced from the first to the last, so early and late options are both offered. */
function spread(days: readonly IsoDate[], count: number): IsoDate[] {
  const picked = new Set<IsoDate>();
  for (let i = 0; i < count; i++) picked.add(days[Math.round((i * (days.length - 1)) / (count - 1))]!);
  return [...picked];
}
