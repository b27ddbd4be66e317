/** The school calendar: UK dates in Europe/London, bank holidays, terms and working days. */
export { bankHolidays, isBankHoliday } from './bank-holidays.ts';
export { defaultTermDates } from './default-term-dates.ts';
export { easterSunday } from './easter-sunday.ts';
export {
  addCalendarDays,
  assertIsoDate,
  compareDates,
  type DayOfWeek,
  dayOfWeek,
  daysBetween,
  type IsoDate,
  isAfter,
  isBefore,
  isIsoDate,
  isoDate,
  isoDateParts,
  looksLikeIsoDate,
  isWeekend,
  isWithin,
  weekdayOnOrAfter,
  weekdayOnOrBefore,
} from './iso-date.ts';
export { isHhMm, LONDON, londonDateOf, londonInstant } from './london-time.ts';
export { DEFAULT_REGION, isRegion, REGIONS, type Region } from './region.ts';
export { SchoolCalendar, type SchoolCalendarOptions } from './school-calendar.ts';
export {
  academicYearLabel,
  academicYearOfTerm,
  type HalfTerm,
  type ParseTermDatesResult,
  parseTermDates,
  TERM_NAMES,
  type Term,
  type TermDates,
  TermDatesSchema,
  type TermDatesProblem,
  type TermName,
} from './term-dates.ts';
