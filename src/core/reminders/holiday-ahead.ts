import { addCalendarDays, compareDates, daysBetween, type IsoDate } from '../calendar/iso-date.ts';
import type { SchoolCalendar } from '../calendar/school-calendar.ts';
import type { TermName } from '../calendar/term-dates.ts';

/** A holiday that starts right after a due date, and how many school days away that due date is. */
export interface HolidayAhead {
  /** "half term", "the Christmas holidays", … */
  name: string;
  /** School days from today to the due date, the due date counted and today not: 0 when due today. */
  schoolDaysAway: number;
}

/** What a digest needs to know about the school year: which holiday, if any, follows a due date. */
export type HolidayLookup = (dueOn: IsoDate, today: IsoDate) => HolidayAhead | undefined;

/** More calendar days than this between two school days is a holiday, not a (long) weekend. */
const LONGEST_WEEKEND_DAYS = 4;
/** A holiday is mentioned for items due within this many school days: further off, it is not news yet. */
export const HOLIDAY_NOTICE_SCHOOL_DAYS = 10;

const HOLIDAY_AFTER: Record<TermName, string> = { autumn: 'the Christmas holidays', spring: 'the Easter holidays', summer: 'the summer holidays' };

/**
 * The holiday that starts after `dueOn` when `dueOn` is the last school day before one, from the
 * school's own calendar: half term when the next school day is in the same term, else the holiday
 * after the term. Undefined for any other day, a day already past, or one more than
 * HOLIDAY_NOTICE_SCHOOL_DAYS school days away.
 */
export function holidayAfter(calendar: SchoolCalendar, dueOn: IsoDate, today: IsoDate): HolidayAhead | undefined {
  if (compareDates(dueOn, today) < 0 || !calendar.isSchoolDay(dueOn)) return undefined;
  const next = calendar.schoolDayOnOrAfter(addCalendarDays(dueOn, 1));
  if (daysBetween(dueOn, next) <= LONGEST_WEEKEND_DAYS) return undefined;
  let schoolDaysAway = 0;
  for (let day = today; compareDates(day, dueOn) < 0; day = addCalendarDays(day, 1)) {
    if (calendar.isSchoolDay(addCalendarDays(day, 1))) schoolDaysAway++;
    if (schoolDaysAway > HOLIDAY_NOTICE_SCHOOL_DAYS) return undefined;
  }
  const term = calendar.termOn(dueOn);
  const name = term !== undefined && calendar.termOn(next)?.name === term.name ? 'half term' : term === undefined ? 'the holidays' : HOLIDAY_AFTER[term.name];
  return { name, schoolDaysAway };
}

/** The lookup a digest composer is given for one school. */
export function holidayLookupOf(calendar: SchoolCalendar): HolidayLookup {
  return (dueOn, today) => holidayAfter(calendar, dueOn, today);
}

/** "half term starts after that, 4 school days away" (or "… after today"). */
export function holidayText(holiday: HolidayAhead): string {
  if (holiday.schoolDaysAway === 0) return `${holiday.name} starts after today`;
  return `${holiday.name} starts after that, ${holiday.schoolDaysAway} school ${holiday.schoolDaysAway === 1 ? 'day' : 'days'} away`;
}
