import Holidays from 'date-holidays';
import { dayOfWeek, type IsoDate, isIsoDate, isoDateParts } from './iso-date.ts';
import type { Region } from './region.ts';

/**
 * UK bank holidays per gov.uk region, from the `date-holidays` package (country GB). Wales uses
 * England's list, so england-and-wales asks for ENG.
 *
 * Memoised per region and year: the working-day arithmetic asks about every day it steps over.
 */

const STATE_OF_REGION: Record<Region, string> = {
  'england-and-wales': 'ENG',
  scotland: 'SCT',
  'northern-ireland': 'NIR',
};

/** date-holidays also lists observances (Mother's Day, Easter Sunday…) that are not days off. */
const DAY_OFF_TYPES: ReadonlySet<string> = new Set(['public', 'bank']);

interface YearOfHolidays {
  readonly sorted: readonly IsoDate[];
  readonly set: ReadonlySet<IsoDate>;
}

const readers = new Map<Region, Holidays>();
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
    const sorted = correctLibraryOutput(region, year, fromLibrary(region, year));
    found = { sorted, set: new Set(sorted) };
    byRegionAndYear.set(key, found);
  }
  return found;
}

function fromLibrary(region: Region, year: number): IsoDate[] {
  let reader = readers.get(region);
  if (!reader) {
    reader = new Holidays('GB', STATE_OF_REGION[region]);
    readers.set(region, reader);
  }
  return reader
    .getHolidays(year)
    .filter((holiday) => DAY_OFF_TYPES.has(holiday.type))
    .map((holiday) => {
      // `date` is the local (Europe/London) day and time, "2026-12-25 00:00:00"; `start` is the
      // UTC instant, which during BST falls on the previous day, so only `date` is safe to read.
      const day = holiday.date.slice(0, 10);
      if (!isIsoDate(day)) throw new Error(`date-holidays gave "${holiday.date}" for ${holiday.name}, which is not a date`);
      return day;
    });
}

// ─── Corrections to date-holidays ──────────────────────────────────────────────────────────────
//
// The one place where the library's output is adjusted. Checked against gov.uk's published
// lists and the statutory rules for 2020–2035 on date-holidays 3.37.0 (test/core/calendar).
//
// 1. When a fixed holiday (Christmas, Boxing Day, New Year, 2 January, St Andrew's, St Patrick's,
//    12 July) falls on a Saturday or Sunday, date-holidays lists that weekend day as "public"
//    as well as the weekday substitute. gov.uk lists only the substitute, the day people
//    actually have off (e.g. 2026: Boxing Day is Saturday 26 December, gov.uk lists Monday 28
//    December alone), so weekend days are dropped. No UK bank holiday is ever taken on a weekend.
//
// 2. Dates date-holidays has wrong or does not know yet (a newly announced one-off holiday, a
//    moved day) go in ANNOUNCED_CHANGES with the reason. None are needed today: its substitute
//    days, Scotland's 2 January and first-Monday-of-August, St Andrew's Day substitutes,
//    Northern Ireland's St Patrick's and 12 July substitutes and the one-offs of 2020 (VE day),
//    2022 (jubilee, state funeral) and 2023 (coronation) all match gov.uk.

interface AnnouncedChange {
  readonly region: Region;
  readonly add?: IsoDate;
  readonly remove?: IsoDate;
  /** Where the change was announced, e.g. a gov.uk page. */
  readonly why: string;
}

const ANNOUNCED_CHANGES: readonly AnnouncedChange[] = [];

function correctLibraryOutput(region: Region, year: number, dates: IsoDate[]): IsoDate[] {
  const result = new Set(dates.filter((date) => dayOfWeek(date) !== 0 && dayOfWeek(date) !== 6));
  for (const change of ANNOUNCED_CHANGES) {
    if (change.region !== region) continue;
    if (change.remove && isoDateParts(change.remove).year === year) result.delete(change.remove);
    if (change.add && isoDateParts(change.add).year === year) result.add(change.add);
  }
  return [...result].sort();
}
