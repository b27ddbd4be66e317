import Holidays from 'date-holidays';
import { dayOfWeek, type IsoDate, isIsoDate, type Region } from '../../../src/core/calendar/index.ts';

/**
 * A second opinion on Trellis's bank holidays: the worldwide `date-holidays` package (country GB
 * and the region's state), kept for the tests only. It lists a fixed holiday that falls on a
 * weekend as well as its weekday substitute, and counts observances (Mother's Day, Easter Sunday)
 * that are not days off; gov.uk lists only the weekday people have off, so both are dropped.
 */
const STATE_OF_REGION: Record<Region, string> = { 'england-and-wales': 'ENG', scotland: 'SCT', 'northern-ireland': 'NIR' };
const DAY_OFF_TYPES: ReadonlySet<string> = new Set(['public', 'bank']);

export function dateHolidaysList(region: Region, year: number): IsoDate[] {
  const days = new Holidays('GB', STATE_OF_REGION[region])
    .getHolidays(year)
    .filter((holiday) => DAY_OFF_TYPES.has(holiday.type))
    // `date` is the local (Europe/London) day, "2026-12-25 00:00:00"; `start` is the UTC instant.
    .map((holiday) => holiday.date.slice(0, 10))
    .filter((day): day is IsoDate => isIsoDate(day))
    .filter((day) => dayOfWeek(day) !== 0 && dayOfWeek(day) !== 6);
  return [...new Set(days)].sort();
}
