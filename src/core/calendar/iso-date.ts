/**
 * Calendar dates as ISO strings (`YYYY-MM-DD`): a school date is a day in Europe/London, not an
 * instant, so it is kept as text and never as a `Date` that a time zone could shift.
 *
 * Arithmetic happens on midnight-UTC timestamps read back with the `getUTC*` accessors only. UTC has no daylight saving,
 * so every day is exactly 24 hours long there: adding days can never skip or repeat a date around
 * the London clock changes, whatever the machine's own time zone is.
 */

export type IsoDate = string;

/** 0 = Sunday … 6 = Saturday, as `Date#getUTCDay` numbers them. */
export type DayOfWeek = 0 | 1 | 2 | 3 | 4 | 5 | 6;

const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** True when `text` is written `YYYY-MM-DD`, whether or not the day exists. */
export function looksLikeIsoDate(text: string): boolean {
  return ISO_DATE_PATTERN.test(text);
}

/**
 * Real dates already checked: every calendar function checks what it is given, and a sweep of
 * 10,000 staff checks the same few hundred dates hundreds of thousands of times. Bounded: cleared
 * when full.
 */
const CHECKED_DATES = new Set<string>();
const CHECKED_DATES_LIMIT = 4096;

/** True when `text` is written `YYYY-MM-DD` and names a day that exists (no 31 April, no 29 February 2027). */
export function isIsoDate(text: string): boolean {
  if (CHECKED_DATES.has(text)) return true;
  const match = ISO_DATE_PATTERN.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (CHECKED_DATES.size >= CHECKED_DATES_LIMIT) CHECKED_DATES.clear();
  CHECKED_DATES.add(text);
  return true;
}

/** Throws unless `text` is a real ISO date: the calendar's functions call this on what they are given. */
export function assertIsoDate(text: string): IsoDate {
  if (!isIsoDate(text)) throw new RangeError(`${JSON.stringify(text)} is not a real date written YYYY-MM-DD`);
  return text;
}

/** The date's year, month (1–12) and day of month. */
export function isoDateParts(date: IsoDate): { year: number; month: number; day: number } {
  assertIsoDate(date);
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

/** Builds an ISO date from a year, month (1–12) and day; months and days out of range roll over (month 13 is next January, day 0 the last of the month before). */
export function isoDate(year: number, month: number, day: number): IsoDate {
  return fromUtcMs(utcMs(year, month, day));
}

export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(utcMs(year, month + 1, 0)).getUTCDate();
}

export function dayOfWeek(date: IsoDate): DayOfWeek {
  return new Date(toUtcMs(date)).getUTCDay() as DayOfWeek;
}

export function isWeekend(date: IsoDate): boolean {
  const day = dayOfWeek(date);
  return day === 0 || day === 6;
}

export function addCalendarDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`cannot add ${days} days: a whole number is needed`);
  return fromUtcMs(toUtcMs(date) + days * MS_PER_DAY);
}

/** Calendar days from `from` to `to`: positive when `to` is later. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / MS_PER_DAY);
}

/** Negative, zero or positive as `a` is before, the same as or after `b`; usable with `Array#sort`. */
export function compareDates(a: IsoDate, b: IsoDate): number {
  assertIsoDate(a);
  assertIsoDate(b);
  // Zero-padded ISO dates sort as text in date order.
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isBefore(a: IsoDate, b: IsoDate): boolean {
  return compareDates(a, b) < 0;
}

export function isAfter(a: IsoDate, b: IsoDate): boolean {
  return compareDates(a, b) > 0;
}

/** True when `date` lies within `start`..`end`, both ends included. */
export function isWithin(date: IsoDate, start: IsoDate, end: IsoDate): boolean {
  return compareDates(date, start) >= 0 && compareDates(date, end) <= 0;
}

/**
 * The first `weekday` on or after `date` (`weekday` as `dayOfWeek` numbers it); with `skip`,
 * that many further weeks on, so the third Monday of a month is `(firstOfMonth, 1, 2)`.
 */
export function weekdayOnOrAfter(date: IsoDate, weekday: DayOfWeek, skip = 0): IsoDate {
  const ahead = (weekday - dayOfWeek(date) + 7) % 7;
  return addCalendarDays(date, ahead + 7 * skip);
}

/** The last `weekday` on or before `date`. */
export function weekdayOnOrBefore(date: IsoDate, weekday: DayOfWeek): IsoDate {
  const behind = (dayOfWeek(date) - weekday + 7) % 7;
  return addCalendarDays(date, -behind);
}

function toUtcMs(date: IsoDate): number {
  const { year, month, day } = isoDateParts(date);
  return utcMs(year, month, day);
}

/** Midnight UTC of a day; `setUTCFullYear` because `Date.UTC` reads years 0–99 as 1900–1999. */
function utcMs(year: number, month: number, day: number): number {
  return new Date(0).setUTCFullYear(year, month - 1, day);
}

function fromUtcMs(ms: number): IsoDate {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError(`year ${year} is outside what an ISO date string can hold here`);
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${String(year).padStart(4, '0')}-${mm}-${dd}`;
}
