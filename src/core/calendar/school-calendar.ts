import { isBankHoliday } from './bank-holidays.ts';
import { defaultTermDates } from './default-term-dates.ts';
import {
  addCalendarDays,
  assertIsoDate,
  compareDates,
  daysBetween,
  type IsoDate,
  isoDateParts,
  isWeekend,
  isWithin,
} from './iso-date.ts';
import { DEFAULT_REGION, type Region } from './region.ts';
import { academicYearOfTerm, type Term, type TermDates } from './term-dates.ts';

export interface SchoolCalendarOptions {
  /** Bank-holiday region; defaults to the term dates' region, else england-and-wales. */
  region?: Region | undefined;
  /** The school's own terms and closures; years they do not cover fall back to defaultTermDates. */
  termDates?: TermDates | undefined;
  /**
   * The policy's `calendar.closuresAreNonWorkingDays`: whether closure days (INSET days,
   * emergency closures) stop counting as working days. They are never school days either way.
   */
  closuresAreNonWorkingDays: boolean;
}

/**
 * The longest run of days searched for the next working or school day. Summer holidays are
 * about seven weeks; a longer run means the closures or term dates are wrong, so say so rather
 * than search for ever.
 */
const MAX_SEARCH_DAYS = 120;

/**
 * One school's calendar: which days are working days (for deadlines in working days) and school
 * days (for "within 2 working weeks" of term-time staff), and its terms. All dates are ISO
 * `YYYY-MM-DD` days in Europe/London; see iso-date.ts for why the arithmetic is DST-proof.
 */
export class SchoolCalendar {
  readonly region: Region;
  readonly closuresAreNonWorkingDays: boolean;
  readonly #termDates: TermDates | undefined;
  readonly #closures: ReadonlySet<IsoDate>;
  readonly #termsByYear = new Map<number, readonly Term[]>();

  constructor(options: SchoolCalendarOptions) {
    const { region, termDates } = options;
    if (region && termDates && region !== termDates.region) {
      throw new Error(`the school's region is ${region} but its term dates say ${termDates.region}`);
    }
    this.region = region ?? termDates?.region ?? DEFAULT_REGION;
    this.closuresAreNonWorkingDays = options.closuresAreNonWorkingDays;
    this.#termDates = termDates;
    this.#closures = new Set(termDates?.closures ?? []);
  }

  isWeekend(date: IsoDate): boolean {
    return isWeekend(date);
  }

  isBankHoliday(date: IsoDate): boolean {
    return isBankHoliday(this.region, date);
  }

  isClosure(date: IsoDate): boolean {
    return this.#closures.has(assertIsoDate(date));
  }

  /** A weekday that is not a bank holiday, nor a closure day when the policy says closures do not count. */
  isWorkingDay(date: IsoDate): boolean {
    return !isWeekend(date) && !this.isBankHoliday(date) && !(this.closuresAreNonWorkingDays && this.isClosure(date));
  }

  /** A working day inside a term, outside its half term and not a closure (whatever the policy says of closures). */
  isSchoolDay(date: IsoDate): boolean {
    if (isWeekend(date) || this.isBankHoliday(date) || this.isClosure(date)) return false;
    const term = this.termOn(date);
    if (!term) return false;
    return !(term.halfTerm && isWithin(date, term.halfTerm.start, term.halfTerm.end));
  }

  addCalendarDays(date: IsoDate, days: number): IsoDate {
    return addCalendarDays(date, days);
  }

  /** Calendar days from `from` to `to`, negative when `to` is earlier. */
  calendarDaysBetween(from: IsoDate, to: IsoDate): number {
    return daysBetween(from, to);
  }

  /**
   * The date `n` working days after `date`, which is day 0: addWorkingDays(Friday, 1) is the next
   * Monday when that is a working day. Negative `n` counts back; 0 returns `date` unchanged even
   * when it is not a working day.
   */
  addWorkingDays(date: IsoDate, n: number): IsoDate {
    return countDays(date, n, (day) => this.isWorkingDay(day));
  }

  /** The first working day strictly after `date`. */
  nextWorkingDay(date: IsoDate): IsoDate {
    return this.addWorkingDays(date, 1);
  }

  /** The last working day strictly before `date`. */
  previousWorkingDay(date: IsoDate): IsoDate {
    return this.addWorkingDays(date, -1);
  }

  workingDayOnOrAfter(date: IsoDate): IsoDate {
    return this.isWorkingDay(date) ? date : this.addWorkingDays(date, 1);
  }

  workingDayOnOrBefore(date: IsoDate): IsoDate {
    return this.isWorkingDay(date) ? date : this.addWorkingDays(date, -1);
  }

  /**
   * Working days after `from` up to and including `to`, negative when `to` is earlier, so that
   * addWorkingDays(from, workingDaysBetween(from, to)) is `to` whenever `to` is a working day.
   */
  workingDaysBetween(from: IsoDate, to: IsoDate): number {
    return countBetween(from, to, (day) => this.isWorkingDay(day));
  }

  /** As addWorkingDays, counting school days. */
  addSchoolDays(date: IsoDate, n: number): IsoDate {
    return countDays(date, n, (day) => this.isSchoolDay(day));
  }

  schoolDayOnOrAfter(date: IsoDate): IsoDate {
    return this.isSchoolDay(date) ? date : this.addSchoolDays(date, 1);
  }

  schoolDayOnOrBefore(date: IsoDate): IsoDate {
    return this.isSchoolDay(date) ? date : this.addSchoolDays(date, -1);
  }

  /** The term whose start..end holds `date`, half term included; undefined in the holidays. */
  termOn(date: IsoDate): Term | undefined {
    const { year } = isoDateParts(date);
    // A date in year Y can only be in a term of academic year Y-1 (spring, summer) or Y (autumn).
    return [...this.#terms(year - 1), ...this.#terms(year)].find((term) => isWithin(date, term.start, term.end));
  }

  /**
   * The terms of academic year `academicYear` (2026 = 2026/27), in order. The school's own dates
   * when it loaded any term of that year, however few; otherwise defaultTermDates' estimate.
   */
  termsOfAcademicYear(academicYear: number): Term[] {
    return this.#terms(academicYear).map((term) => structuredClone(term));
  }

  #terms(academicYear: number): readonly Term[] {
    let terms = this.#termsByYear.get(academicYear);
    if (!terms) {
      const loaded = this.#termDates?.terms.filter((term) => academicYearOfTerm(term) === academicYear) ?? [];
      terms = loaded.length > 0 ? loaded : defaultTermDates(this.region, academicYear).terms;
      this.#termsByYear.set(academicYear, terms);
    }
    return terms;
  }
}

/** Steps one calendar day at a time from `start` (day 0) until `n` counted days have passed. */
function countDays(start: IsoDate, n: number, counts: (date: IsoDate) => boolean): IsoDate {
  assertIsoDate(start);
  if (!Number.isInteger(n)) throw new RangeError(`cannot count ${n} days: a whole number is needed`);
  const step = n > 0 ? 1 : -1;
  let remaining = Math.abs(n);
  let day = start;
  let sinceLastCounted = 0;
  while (remaining > 0) {
    day = addCalendarDays(day, step);
    if (counts(day)) {
      remaining -= 1;
      sinceLastCounted = 0;
    } else if (++sinceLastCounted > MAX_SEARCH_DAYS) {
      throw new Error(`found no working or school day within ${MAX_SEARCH_DAYS} days of ${start}: check the term dates and closures`);
    }
  }
  return day;
}

/** Counted days in (from, to], or minus those in [to, from) when `to` is earlier. */
function countBetween(from: IsoDate, to: IsoDate, counts: (date: IsoDate) => boolean): number {
  const order = compareDates(from, to);
  if (order === 0) return 0;
  const [first, last, sign] = order < 0 ? [addCalendarDays(from, 1), to, 1] : [to, addCalendarDays(from, -1), -1];
  let total = 0;
  for (let day = first; compareDates(day, last) <= 0; day = addCalendarDays(day, 1)) {
    if (counts(day)) total += 1;
  }
  return sign * total;
}
