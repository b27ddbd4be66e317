/**
 * The calendar operations a timeline needs. `SchoolCalendar` (src/core/calendar) provides them;
 * naming the subset here keeps the timeline honest about what it depends on.
 */
export interface TimelineTerm {
  name: 'autumn' | 'spring' | 'summer';
  start: string;
  end: string;
  halfTerm?: { start: string; end: string } | undefined;
}

export interface TimelineCalendar {
  termsOfAcademicYear(academicYear: number): readonly TimelineTerm[];
  addCalendarDays(date: string, days: number): string;
  calendarDaysBetween(from: string, to: string): number;
  addWorkingDays(date: string, days: number): string;
  addSchoolDays(date: string, days: number): string;
  workingDayOnOrBefore(date: string): string;
  workingDayOnOrAfter(date: string): string;
  schoolDayOnOrBefore(date: string): string;
  schoolDayOnOrAfter(date: string): string;
}
