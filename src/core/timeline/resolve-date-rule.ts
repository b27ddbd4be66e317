import type { DateRule, TermPoint } from '../policy/date-rule.ts';
import type { TimelineCalendar, TimelineTerm } from './timeline-calendar.ts';

/** What a date rule is resolved against: one academic year, one person, maybe one term or half term. */
export interface DateContext {
  calendar: TimelineCalendar;
  academicYear: number;
  cycleStart: string;
  cycleEnd: string;
  terms: Readonly<Record<TimelineTerm['name'], TimelineTerm>>;
  startDate?: string | undefined;
  period?: { start: string; end: string } | undefined;
}

export class DateRuleError extends Error {}

/** Resolves "31 October", "by February half term", "start + 9 school days" to an ISO date. */
export function resolveDateRule(rule: DateRule, context: DateContext): string {
  const base = baseDate(rule, context);
  const shifted = rule.offset === undefined ? base : shift(base, rule.offset.amount, rule.offset.unit, context.calendar);
  return adjust(shifted, rule.adjust, context.calendar);
}

/**
 * The one rule for the day a deadline may fall on: a school day. A date-fixed deadline ("31
 * October", "mid-October", "31 December"), or a contract's last day, that lands on a weekend, bank
 * holiday, half term, holiday or closure moves back to the last school day before it (001; 002 §31;
 * 003 §5.5; 004 §5.1 and Appendix A). So when October half term covers the end of October, "the
 * meeting in October" is on the last school day before half term, and Scotland's "mid-October" is
 * before its October week. Every obligation's due date passes through here.
 */
export function deadlineOn(date: string, calendar: TimelineCalendar): string {
  return calendar.schoolDayOnOrBefore(date);
}

/** Resolves a rule's due date: the date the rule names, held to a school day by `deadlineOn`. */
export function resolveDeadline(rule: DateRule, context: DateContext): string {
  return deadlineOn(resolveDateRule(rule, context), context.calendar);
}

/** Months September–December belong to the academic year's first calendar year, the rest to the second. */
export function monthDayInAcademicYear(monthDay: string, academicYear: number, yearsAfter = 0): string {
  const month = Number(monthDay.slice(0, 2));
  const year = (month >= 9 ? academicYear : academicYear + 1) + yearsAfter;
  return `${year}-${monthDay}`;
}

function baseDate(rule: DateRule, context: DateContext): string {
  switch (rule.from) {
    case 'month-day':
      return monthDayInAcademicYear(rule.monthDay, context.academicYear, rule.yearsAfter);
    case 'term':
      return termPoint(context.terms[rule.term], rule.point, context.calendar);
    case 'cycle-start':
      return context.cycleStart;
    case 'cycle-end':
      return context.cycleEnd;
    case 'start-date':
      if (context.startDate === undefined) throw new DateRuleError('this rule counts from a start date, and the person has none');
      // Someone who starts in a holiday starts, as far as "2 working weeks" go, on the first school day.
      return context.calendar.schoolDayOnOrAfter(context.startDate);
    case 'period-start':
    case 'period-end':
      if (context.period === undefined) throw new DateRuleError(`"${rule.from}" needs a repeated rule`);
      return rule.from === 'period-start' ? context.period.start : context.period.end;
  }
}

/**
 * A term's named points. A term without a half term is treated as if its half term were a single
 * day at its midpoint, so "by half term" still means "by the middle of the term".
 */
export function termPoint(term: TimelineTerm, point: TermPoint, calendar: TimelineCalendar): string {
  const half = term.halfTerm ?? midpointHalfTerm(term, calendar);
  switch (point) {
    // A term file's first or last day can be a closure or Good Friday: use the school days inside it.
    case 'start':
      return calendar.schoolDayOnOrAfter(term.start);
    case 'end':
      return calendar.schoolDayOnOrBefore(term.end);
    case 'half-term-start':
      return half.start;
    case 'half-term-end':
      return half.end;
    case 'first-half-end':
      return calendar.schoolDayOnOrBefore(calendar.addCalendarDays(half.start, -1));
    case 'second-half-start':
      return calendar.schoolDayOnOrAfter(calendar.addCalendarDays(half.end, 1));
  }
}

function midpointHalfTerm(term: TimelineTerm, calendar: TimelineCalendar): { start: string; end: string } {
  const days = calendar.calendarDaysBetween(term.start, term.end);
  const middle = calendar.addCalendarDays(term.start, Math.floor(days / 2));
  return { start: middle, end: middle };
}

function shift(date: string, amount: number, unit: 'working-days' | 'school-days' | 'calendar-days', calendar: TimelineCalendar): string {
  switch (unit) {
    case 'working-days':
      return calendar.addWorkingDays(date, amount);
    case 'school-days':
      return calendar.addSchoolDays(date, amount);
    case 'calendar-days':
      return calendar.addCalendarDays(date, amount);
  }
}

function adjust(date: string, how: DateRule['adjust'], calendar: TimelineCalendar): string {
  switch (how) {
    case 'none':
      return date;
    case 'working-day-on-or-before':
      return calendar.workingDayOnOrBefore(date);
    case 'working-day-on-or-after':
      return calendar.workingDayOnOrAfter(date);
    case 'school-day-on-or-before':
      return calendar.schoolDayOnOrBefore(date);
    case 'school-day-on-or-after':
      return calendar.schoolDayOnOrAfter(date);
  }
}
