import { afterEach, describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  compareDates,
  dayOfWeek,
  daysBetween,
  isIsoDate,
  isoDate,
  weekdayOnOrAfter,
  weekdayOnOrBefore,
} from '../../../src/core/calendar/index.ts';

const originalTz = process.env.TZ;
afterEach(() => {
  process.env.TZ = originalTz;
});

describe('ISO dates', () => {
  it('a real date is YYYY-MM-DD and exists: no 31 April, 29 February only in leap years', () => {
    expect(isIsoDate('2026-10-25')).toBe(true);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2027-02-29')).toBe(false);
    expect(isIsoDate('2026-04-31')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-00-10')).toBe(false);
    expect(isIsoDate('2026-9-2')).toBe(false);
    expect(isIsoDate('2026-09-02T00:00')).toBe(false);
  });

  it('day of week: 2026-10-25 and 2027-03-28 (clock-change days) are Sundays', () => {
    expect(dayOfWeek('2026-10-25')).toBe(0);
    expect(dayOfWeek('2027-03-28')).toBe(0);
    expect(dayOfWeek('2026-10-23')).toBe(5);
  });

  it('adding days crosses months, years and leap days', () => {
    expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addCalendarDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(addCalendarDays('2026-09-02', 365)).toBe('2027-09-02');
    expect(daysBetween('2026-09-02', '2027-07-21')).toBe(322);
    expect(isoDate(2027, 13, 1)).toBe('2028-01-01');
  });

  it('years below 100 are not read as 19xx', () => {
    expect(isoDate(50, 1, 1)).toBe('0050-01-01');
  });

  it('compareDates orders dates and rejects non-dates', () => {
    expect(['2027-01-05', '2026-12-18', '2026-09-02'].sort(compareDates)).toEqual(['2026-09-02', '2026-12-18', '2027-01-05']);
    expect(() => compareDates('2026-02-30', '2026-03-01')).toThrow(/not a real date/);
  });

  it('weekday helpers find the last Friday of October and the third Monday of February', () => {
    expect(weekdayOnOrBefore('2026-10-31', 5)).toBe('2026-10-30');
    expect(weekdayOnOrAfter('2027-02-01', 1, 2)).toBe('2027-02-15');
  });

  for (const tz of ['Europe/London', 'America/New_York', 'Pacific/Auckland', 'UTC']) {
    it(`adding a day never skips or repeats a date around the 2026-10-25 and 2027-03-28 clock changes (process TZ ${tz})`, () => {
      process.env.TZ = tz;
      const walk = (from: string, count: number) => Array.from({ length: count }, (_, i) => addCalendarDays(from, i));
      expect(walk('2026-10-23', 5)).toEqual(['2026-10-23', '2026-10-24', '2026-10-25', '2026-10-26', '2026-10-27']);
      expect(walk('2027-03-26', 6)).toEqual(['2027-03-26', '2027-03-27', '2027-03-28', '2027-03-29', '2027-03-30', '2027-03-31']);
      // Stepping day by day through both changes visits every date once, in order.
      const seen: string[] = [];
      for (let day = '2026-10-01'; day <= '2027-04-30'; day = addCalendarDays(day, 1)) seen.push(day);
      expect(seen).toHaveLength(daysBetween('2026-10-01', '2027-04-30') + 1);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.every((day, i) => i === 0 || daysBetween(seen[i - 1] ?? day, day) === 1)).toBe(true);
      expect(addCalendarDays('2026-10-24', 1)).toBe('2026-10-25');
      expect(addCalendarDays('2026-10-25', 1)).toBe('2026-10-26');
      expect(addCalendarDays('2027-03-28', -1)).toBe('2027-03-27');
      expect(addCalendarDays('2027-03-27', 2)).toBe('2027-03-29');
      expect(daysBetween('2026-10-24', '2026-10-26')).toBe(2);
      expect(daysBetween('2027-03-27', '2027-03-29')).toBe(2);
    });
  }
});
