import { addCalendarDays, type IsoDate } from '../calendar/iso-date.ts';
import type { SchoolCalendar } from '../calendar/school-calendar.ts';

export interface SchoolDays {
  add(date: IsoDate, n: number): IsoDate;
  onOrAfter(date: IsoDate): IsoDate;
  onOrBefore(date: IsoDate): IsoDate;
}

/**
 * School-day arithmetic with the calendar's answer for each date remembered: a sweep asks about
 * the same few hundred dates thousands of times (every overdue item steps through the year).
 * Counts as SchoolCalendar.addSchoolDays does: `date` is day 0.
 */
export function schoolDaysOf(calendar: SchoolCalendar): SchoolDays {
  const known = new Map<IsoDate, boolean>();
  const isSchoolDay = (date: IsoDate) => {
    let value = known.get(date);
    if (value === undefined) {
      value = calendar.isSchoolDay(date);
      known.set(date, value);
    }
    return value;
  };
  // Remembered too: chases step through the year K school days at a time from every due date,
  // and those steps meet on the same dates, so most are asked again and again.
  const sums = new Map<string, IsoDate>();
  const add = (date: IsoDate, n: number) => {
    const key = `${date}${n}`;
    let sum = sums.get(key);
    if (sum === undefined) {
      sum = count(date, n);
      sums.set(key, sum);
    }
    return sum;
  };
  const count = (date: IsoDate, n: number) => {
    const step = n > 0 ? 1 : -1;
    let day = date;
    for (let counted = 0, steps = 0; counted < Math.abs(n); steps++) {
      // Ten years without a school day means the term dates are broken, not that we should spin.
      if (steps > 3660) throw new Error(`no school day within ten years of ${date}`);
      day = addCalendarDays(day, step);
      if (isSchoolDay(day)) counted++;
    }
    return day;
  };
  return { add, onOrAfter: (date) => (isSchoolDay(date) ? date : add(date, 1)), onOrBefore: (date) => (isSchoolDay(date) ? date : add(date, -1)) };
}
