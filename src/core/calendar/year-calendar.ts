import type { IsoDate } from './iso-date.ts';
import type { SchoolCalendar } from './school-calendar.ts';

/** What a day is to the school, as a calendar shows it. */
export type DayKind = 'school-day' | 'weekend' | 'bank-holiday' | 'closure' | 'half-term' | 'holiday';

export interface CalendarDay {
  date: IsoDate;
  kind: DayKind;
}

export interface CalendarMonth {
  /** `YYYY-MM`. */
  month: string;
  days: CalendarDay[];
  schoolDays: number;
}

/**
 * An academic year (September to August) day by day, each day named by what the school's
 * calendar says of it: the same `SchoolCalendar` every deadline is held to, so the view cannot
 * disagree with the reminders.
 */
export function yearCalendar(calendar: SchoolCalendar, academicYear: number): CalendarMonth[] {
  const months: CalendarMonth[] = [];
  let date: IsoDate = `${academicYear}-09-01`;
  const last: IsoDate = `${academicYear + 1}-08-31`;
  while (date <= last) {
    const month = date.slice(0, 7);
    let current = months.at(-1);
    if (current === undefined || current.month !== month) {
      current = { month, days: [], schoolDays: 0 };
      months.push(current);
    }
    const kind = kindOf(calendar, date);
    current.days.push({ date, kind });
    if (kind === 'school-day') current.schoolDays++;
    date = calendar.addCalendarDays(date, 1);
  }
  return months;
}

function kindOf(calendar: SchoolCalendar, date: IsoDate): DayKind {
  if (calendar.isSchoolDay(date)) return 'school-day';
  if (calendar.isWeekend(date)) return 'weekend';
  if (calendar.isBankHoliday(date)) return 'bank-holiday';
  if (calendar.isClosure(date)) return 'closure';
  const term = calendar.termOn(date);
  return term?.halfTerm !== undefined && date >= term.halfTerm.start && date <= term.halfTerm.end ? 'half-term' : 'holiday';
}
