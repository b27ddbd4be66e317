import { easterSunday } from './easter-sunday.ts';
import { addCalendarDays, type IsoDate, isoDate, isoDateParts, isWeekend, weekdayOnOrAfter, weekdayOnOrBefore } from './iso-date.ts';
import type { Region } from './region.ts';

/**
 * UK bank holidays per gov.uk region, from the statutory pattern (the Banking and Financial
 * Dealings Act 1971 and the Royal Proclamations that follow it each year) and the one-off changes
 * gov.uk has announced. Wales shares England's list.
 *
 * Computed here rather than read from a worldwide holiday library: that library (date-holidays,
 * with its astronomical, Chinese, Hebrew and other calendars and every country's data) held ~10 MB
 * of heap in every process that asked about a working day, `trellis sweep` among them, for the
 * twelve or so dates a UK year has (docs/benchmarks.md). The tests check these rules against
 * gov.uk's published lists and against date-holidays, year by year.
 *
 * Memoised per region and year: the working-day arithmetic asks about every day it steps over.
 */

interface YearOfHolidays {
  readonly sorted: readonly IsoDate[];
  readonly set: ReadonlySet<IsoDate>;
}

const byRegionAndYear = new Map<string, YearOfHolidays>();

/** The bank holidays of `region` in calendar year `year`, sorted, each a weekday. */
export function bankHolidays(region: Region, year: number): IsoDate[] {
  return [...holidaysOf(region, year).sorted];
}

export function isBankHoliday(region: Region, date: IsoDate): boolean {
  return holidaysOf(region, isoDateParts(date).year).set.has(date);
}

function holidaysOf(region: Region, year: number): YearOfHolidays {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`${year} is not a four-digit year`);
  const key = `${region}:${year}`;
  let found = byRegionAndYear.get(key);
  if (!found) {
    const sorted = statutoryBankHolidays(region, year);
    found = { sorted, set: new Set(sorted) };
    byRegionAndYear.set(key, found);
  }
  return found;
}

/**
 * A one-off change gov.uk announced: a bank holiday moved (`moves` names the usual day it
 * replaced) or an extra one added. The same in all three regions so far.
 */
interface AnnouncedChange {
  readonly date: IsoDate;
  readonly moves?: 'early-may' | 'late-may';
  readonly why: string;
}

const ANNOUNCED_CHANGES: readonly AnnouncedChange[] = [
  { date: '2020-05-08', moves: 'early-may', why: 'moved to Friday for the 75th anniversary of VE day' },
  { date: '2022-06-02', moves: 'late-may', why: 'moved to Thursday for the Platinum Jubilee' },
  { date: '2022-06-03', why: 'the Platinum Jubilee' },
  { date: '2022-09-19', why: "Queen Elizabeth II's state funeral" },
  { date: '2023-05-08', why: 'the coronation of King Charles III' },
];

/**
 * New Year's Day, Christmas and Boxing Day everywhere; 2 January and St Andrew's Day in Scotland;
 * St Patrick's Day and the Battle of the Boyne in Northern Ireland. Good Friday everywhere, Easter
 * Monday outside Scotland; the first and last Mondays of May; the summer holiday on the first
 * Monday of August in Scotland and the last elsewhere. A fixed day falling on a weekend is taken
 * on the next weekday that is not already a bank holiday (Christmas on a Saturday and Boxing Day
 * on a Sunday give Monday 27 and Tuesday 28 December); no bank holiday is ever a weekend day.
 */
function statutoryBankHolidays(region: Region, year: number): IsoDate[] {
  const fixed: IsoDate[] = [isoDate(year, 1, 1), isoDate(year, 12, 25), isoDate(year, 12, 26)];
  if (region === 'scotland') fixed.push(isoDate(year, 1, 2), isoDate(year, 11, 30));
  if (region === 'northern-ireland') fixed.push(isoDate(year, 3, 17), isoDate(year, 7, 12));

  const easter = easterSunday(year);
  const moving: IsoDate[] = [addCalendarDays(easter, -2)];
  if (region !== 'scotland') moving.push(addCalendarDays(easter, 1));
  const announced = ANNOUNCED_CHANGES.filter((change) => isoDateParts(change.date).year === year);
  const movedTo = (which: AnnouncedChange['moves']) => announced.find((change) => change.moves === which)?.date;
  moving.push(movedTo('early-may') ?? weekdayOnOrAfter(isoDate(year, 5, 1), 1));
  moving.push(movedTo('late-may') ?? weekdayOnOrBefore(isoDate(year, 5, 31), 1));
  moving.push(region === 'scotland' ? weekdayOnOrAfter(isoDate(year, 8, 1), 1) : weekdayOnOrBefore(isoDate(year, 8, 31), 1));
  for (const change of announced) if (change.moves === undefined) moving.push(change.date);

  const taken = new Set<IsoDate>([...moving, ...fixed.filter((day) => !isWeekend(day))]);
  for (const day of fixed.filter(isWeekend).sort()) {
    let substitute = addCalendarDays(day, 1);
    while (isWeekend(substitute) || taken.has(substitute)) substitute = addCalendarDays(substitute, 1);
    taken.add(substitute);
  }
  return [...taken].sort();
}
