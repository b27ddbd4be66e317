import { addCalendarDays, daysBetween, type IsoDate, isIsoDate, isoDateParts } from '../../calendar/iso-date.ts';
import { readableDate } from '../../reports/readable-date.ts';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Reads a date the way teachers type one: "today", "tomorrow", "2026-11-20", "20/11/2026",
 * "20 Nov", "20 November 2026". A date without a year is the one nearest `today`, so "3 March"
 * typed in October means next March and "30 September" typed in October means last month.
 */
export function parseDate(text: string, today: IsoDate): IsoDate | undefined {
  const input = text.trim().toLowerCase().replace(/(\d)(st|nd|rd|th)\b/, '$1').replace(/,/g, ' ').replace(/\s+/g, ' ');
  if (input === 'today') return today;
  if (input === 'tomorrow') return addCalendarDays(today, 1);
  if (input === 'yesterday') return addCalendarDays(today, -1);
  if (isIsoDate(input)) return input;
  const numeric = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/.exec(input);
  if (numeric) return build(Number(numeric[1]), Number(numeric[2]), yearOf(numeric[3]), today);
  const named = /^(?:[a-z]+ )?(\d{1,2}) ([a-z]+)(?: (\d{4}))?$/.exec(input);
  if (named) return build(Number(named[1]), monthOf(named[2]!), yearOf(named[3]), today);
  const monthFirst = /^([a-z]+) (\d{1,2})(?: (\d{4}))?$/.exec(input);
  if (monthFirst) return build(Number(monthFirst[2]), monthOf(monthFirst[1]!), yearOf(monthFirst[3]), today);
  return undefined;
}

function yearOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return text.length === 2 ? 2000 + Number(text) : Number(text);
}

function monthOf(text: string): number {
  return MONTHS.indexOf(text.slice(0, 3)) + 1;
}

function build(day: number, month: number, year: number | undefined, today: IsoDate): IsoDate | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (year !== undefined) return valid(year, month, day);
  const thisYear = isoDateParts(today).year;
  const candidates = [thisYear - 1, thisYear, thisYear + 1]
    .map((y) => valid(y, month, day))
    .filter((date): date is IsoDate => date !== undefined);
  return candidates.sort((a, b) => Math.abs(daysBetween(today, a)) - Math.abs(daysBetween(today, b)))[0];
}

function valid(year: number, month: number, day: number): IsoDate | undefined {
  // isoDate() rolls 31 February over into March; a typed date that does not exist is refused.
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return isIsoDate(date) ? date : undefined;
}

/**
 * "Fri 20 Nov": how the bot writes a date into a message, with the year only when it is not the
 * year of `today` (the turn's or sweep's day) — `readableDate`'s one rule. A date typed without a
 * year that lands in another year ("3 March" typed in October) is written back with it.
 */
export function showDate(date: IsoDate, today: IsoDate): string {
  return readableDate(date, today);
}
