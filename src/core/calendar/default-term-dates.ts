import { isBankHoliday } from './bank-holidays.ts';
import { easterSunday } from './easter-sunday.ts';
import {
  addCalendarDays,
  compareDates,
  dayOfWeek,
  type IsoDate,
  isoDate,
  isWeekend,
  weekdayOnOrAfter,
  weekdayOnOrBefore,
} from './iso-date.ts';
import type { Region } from './region.ts';
import type { HalfTerm, Term, TermDates } from './term-dates.ts';

const MONDAY = 1;
const WEDNESDAY = 3;
const FRIDAY = 5;

/**
 * AN ESTIMATE of a school's terms for when it has not loaded its own: schools set their own
 * dates (in England usually following their local authority), and they differ by a few days.
 * Every school should load its real dates; this only keeps deadlines sensible until it does.
 * Deterministic rules, chosen to reproduce typical local-authority patterns:
 *
 * England and Wales (`academicYear` 2026 = September 2026 to July 2027)
 * - Autumn starts on the first working day on or after 2 September, or the Monday after when
 *   that is a Friday (no school opens for a single day).
 * - October half term is the last full Monday–Friday week of October.
 * - Autumn ends on the Friday before the Monday–Sunday week containing Christmas Day.
 * - Spring starts on the first working day on or after the first Monday after 1 January.
 * - February half term is the Monday–Friday week whose Monday is nearest 15 February
 *   (12–18 February): that reproduces LA dates in both 2027 (15th) and 2028 (14th), which the
 *   "third Monday" rule would miss in 2028.
 * - The Easter holiday is two Monday–Friday weeks starting on the Monday nearest 1 April, moved
 *   to end on Good Friday when Easter is later, or to start on Easter Monday when it is earlier,
 *   so Easter always falls in it. Spring ends the Friday before; summer starts on the first
 *   working day after it (a Tuesday when Easter Monday follows the holiday).
 * - Summer half term is the week of the late-May bank holiday (the last Monday of May).
 * - Summer ends on 21 July, or the Friday before when that is a weekend.
 *
 * Northern Ireland: as England and Wales, but the summer term has no half term and ends on
 * 30 June (or the Friday before), as NI schools finish at the end of June.
 *
 * Scotland
 * - Autumn starts on the first Wednesday on or after 14 August; the October week is the
 *   Monday–Friday week of the second Monday in October; it ends as in England.
 * - Spring starts as in England (Scotland's 2 January holiday is skipped); the February mid-term
 *   is the Monday and Tuesday of the week whose Monday is nearest 15 February; Easter as above.
 * - Summer has no half term and ends on the last Friday of June.
 */
export function defaultTermDates(region: Region, academicYear: number): TermDates {
  if (!Number.isInteger(academicYear) || academicYear < 1900 || academicYear > 9000) {
    throw new RangeError(`${academicYear} is not an academic year (the year it starts in, e.g. 2026)`);
  }
  const year = academicYear;
  const next = academicYear + 1;
  const scotland = region === 'scotland';

  const autumnStart = scotland ? weekdayOnOrAfter(isoDate(year, 8, 14), WEDNESDAY) : englishAutumnStart(region, year);
  const octoberMonday = scotland ? weekdayOnOrAfter(isoDate(year, 10, 1), MONDAY, 1) : addCalendarDays(weekdayOnOrBefore(isoDate(year, 10, 31), FRIDAY), -4);
  const autumnEnd = addCalendarDays(weekdayOnOrBefore(isoDate(year, 12, 25), MONDAY), -3);

  const springStart = workingDayOnOrAfter(region, weekdayOnOrAfter(isoDate(next, 1, 2), MONDAY));
  const februaryMonday = weekdayOnOrAfter(isoDate(next, 2, 12), MONDAY);
  const easterBreak = easterHolidayStart(next);
  const springEnd = addCalendarDays(easterBreak, -3);

  const summerStart = workingDayOnOrAfter(region, addCalendarDays(easterBreak, 14));
  const summerEnd =
    region === 'england-and-wales'
      ? fridayIfWeekend(isoDate(next, 7, 21))
      : region === 'northern-ireland'
        ? fridayIfWeekend(isoDate(next, 6, 30))
        : weekdayOnOrBefore(isoDate(next, 6, 30), FRIDAY);

  const autumn: Term = { name: 'autumn', start: autumnStart, end: autumnEnd, halfTerm: week(octoberMonday, 5) };
  const spring: Term = { name: 'spring', start: springStart, end: springEnd, halfTerm: week(februaryMonday, scotland ? 2 : 5) };
  const summer: Term = { name: 'summer', start: summerStart, end: summerEnd };
  if (region === 'england-and-wales') summer.halfTerm = week(weekdayOnOrBefore(isoDate(next, 5, 31), MONDAY), 5);

  return { region, terms: [autumn, spring, summer], closures: [] };
}

function englishAutumnStart(region: Region, year: number): IsoDate {
  const first = workingDayOnOrAfter(region, isoDate(year, 9, 2));
  return dayOfWeek(first) === FRIDAY ? workingDayOnOrAfter(region, addCalendarDays(first, 3)) : first;
}

/** Monday of the two-week Easter holiday of calendar year `year`; see defaultTermDates. */
function easterHolidayStart(year: number): IsoDate {
  const easter = easterSunday(year);
  const goodFriday = addCalendarDays(easter, -2);
  const easterMonday = addCalendarDays(easter, 1);
  const nearestFirstApril = weekdayOnOrAfter(isoDate(year, 3, 29), MONDAY);
  const lastFriday = addCalendarDays(nearestFirstApril, 11);
  if (compareDates(goodFriday, lastFriday) > 0) return addCalendarDays(goodFriday, -11);
  if (compareDates(easterMonday, nearestFirstApril) < 0) return easterMonday;
  return nearestFirstApril;
}

function week(monday: IsoDate, days: number): HalfTerm {
  return { start: monday, end: addCalendarDays(monday, days - 1) };
}

function fridayIfWeekend(date: IsoDate): IsoDate {
  return isWeekend(date) ? weekdayOnOrBefore(date, FRIDAY) : date;
}

/** Bank holidays and weekends only: the estimate knows nothing of a school's closures. */
function workingDayOnOrAfter(region: Region, date: IsoDate): IsoDate {
  let day = date;
  while (isWeekend(day) || isBankHoliday(region, day)) day = addCalendarDays(day, 1);
  return day;
}
