import { describe, expect, it } from 'vitest';
import { bankHolidays, dayOfWeek, isBankHoliday, REGIONS } from '../../../src/core/calendar/index.ts';
import { dateHolidaysList } from './date-holidays-lists.ts';

describe('bank holidays in England and Wales', () => {
  it('2026 matches gov.uk: Boxing Day on Saturday 26 December is taken on Monday 28 December', () => {
    expect(bankHolidays('england-and-wales', 2026)).toEqual([
      '2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28',
    ]);
  });

  it('2027 matches gov.uk: Christmas on Saturday and Boxing Day on Sunday become Monday 27 and Tuesday 28 December', () => {
    expect(bankHolidays('england-and-wales', 2027)).toEqual([
      '2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28',
    ]);
  });

  it('2020 has the early May bank holiday moved to Friday 8 May for VE day', () => {
    expect(bankHolidays('england-and-wales', 2020)).toEqual([
      '2020-01-01', '2020-04-10', '2020-04-13', '2020-05-08', '2020-05-25', '2020-08-31', '2020-12-25', '2020-12-28',
    ]);
  });

  it('2022 has the jubilee Thursday and Friday, the state funeral and the Christmas-on-Sunday substitute', () => {
    expect(bankHolidays('england-and-wales', 2022)).toEqual([
      '2022-01-03', '2022-04-15', '2022-04-18', '2022-05-02', '2022-06-02', '2022-06-03', '2022-08-29', '2022-09-19', '2022-12-26', '2022-12-27',
    ]);
  });

  it('2023 has the coronation on Monday 8 May and New Year on Sunday taken on Monday 2 January', () => {
    expect(bankHolidays('england-and-wales', 2023)).toEqual([
      '2023-01-02', '2023-04-07', '2023-04-10', '2023-05-01', '2023-05-08', '2023-05-29', '2023-08-28', '2023-12-25', '2023-12-26',
    ]);
  });

  it('Christmas and Boxing Day substitutes are right in the weekend years 2021, 2022, 2027, 2032 and 2033', () => {
    const december = (year: number) => bankHolidays('england-and-wales', year).filter((d) => d.slice(5, 7) === '12');
    expect(december(2021)).toEqual(['2021-12-27', '2021-12-28']); // Sat 25, Sun 26
    expect(december(2022)).toEqual(['2022-12-26', '2022-12-27']); // Sun 25, Mon 26
    expect(december(2027)).toEqual(['2027-12-27', '2027-12-28']); // Sat 25, Sun 26
    expect(december(2032)).toEqual(['2032-12-27', '2032-12-28']); // Sat 25, Sun 26
    expect(december(2033)).toEqual(['2033-12-26', '2033-12-27']); // Sun 25, Mon 26
  });

  it('Wales shares England’s list: no St David’s Day bank holiday', () => {
    expect(isBankHoliday('england-and-wales', '2027-03-01')).toBe(false);
  });
});

describe('bank holidays in Scotland', () => {
  it('2027 matches gov.uk: 2 January on Saturday taken on Monday 4 January, first Monday of August, St Andrew’s Day on Tuesday, no Easter Monday', () => {
    expect(bankHolidays('scotland', 2027)).toEqual([
      '2027-01-01', '2027-01-04', '2027-03-26', '2027-05-03', '2027-05-31', '2027-08-02', '2027-11-30', '2027-12-27', '2027-12-28',
    ]);
  });

  it('New Year on Saturday and 2 January on Sunday give Monday 3 and Tuesday 4 January (2022, 2028)', () => {
    expect(bankHolidays('scotland', 2022).slice(0, 2)).toEqual(['2022-01-03', '2022-01-04']);
    expect(bankHolidays('scotland', 2028).slice(0, 2)).toEqual(['2028-01-03', '2028-01-04']);
  });

  it('St Andrew’s Day on a weekend is taken on the Monday after (2024 Saturday, 2025 Sunday)', () => {
    expect(isBankHoliday('scotland', '2024-12-02')).toBe(true);
    expect(isBankHoliday('scotland', '2025-12-01')).toBe(true);
    expect(isBankHoliday('scotland', '2026-11-30')).toBe(true);
  });

  it('the summer bank holiday is the first Monday of August, not the last', () => {
    expect(isBankHoliday('scotland', '2026-08-03')).toBe(true);
    expect(isBankHoliday('scotland', '2026-08-31')).toBe(false);
  });
});

describe('bank holidays in Northern Ireland', () => {
  it('2026 matches gov.uk: St Patrick’s Day and 12 July on Sunday taken on Monday 13 July', () => {
    expect(bankHolidays('northern-ireland', 2026)).toEqual([
      '2026-01-01', '2026-03-17', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-07-13', '2026-08-31', '2026-12-25', '2026-12-28',
    ]);
  });

  it('St Patrick’s Day and the Battle of the Boyne on weekends are taken on the Monday after', () => {
    expect(isBankHoliday('northern-ireland', '2024-03-18')).toBe(true); // 17 March 2024 is a Sunday
    expect(isBankHoliday('northern-ireland', '2025-07-14')).toBe(true); // 12 July 2025 is a Saturday
    expect(isBankHoliday('northern-ireland', '2027-07-12')).toBe(true); // a Monday
    expect(isBankHoliday('england-and-wales', '2027-07-12')).toBe(false);
  });
});

describe('bank holidays 2020–2035', () => {
  const years = Array.from({ length: 16 }, (_, i) => 2020 + i);

  for (const region of REGIONS) {
    it(`${region}: every year matches the date-holidays package, substitutes and announced one-offs included`, () => {
      for (const year of years) {
        expect(bankHolidays(region, year), `${region} ${year}`).toEqual(dateHolidaysList(region, year));
      }
    });
  }

  it('england-and-wales has at least 8 bank holidays every year, all on weekdays, sorted', () => {
    for (const year of years) {
      const days = bankHolidays('england-and-wales', year);
      expect(days.length, String(year)).toBeGreaterThanOrEqual(8);
      expect([...days].sort()).toEqual(days);
      for (const day of days) expect([0, 6]).not.toContain(dayOfWeek(day));
    }
  });

  it('a weekend day is never a bank holiday, even Christmas Day itself when it is a Saturday', () => {
    expect(isBankHoliday('england-and-wales', '2027-12-25')).toBe(false);
    expect(isBankHoliday('england-and-wales', '2027-12-27')).toBe(true);
  });

  it('the memoised list cannot be changed through the returned array', () => {
    const first = bankHolidays('england-and-wales', 2026);
    first.push('2026-06-01');
    expect(bankHolidays('england-and-wales', 2026)).not.toContain('2026-06-01');
    expect(isBankHoliday('england-and-wales', '2026-06-01')).toBe(false);
  });

  it('rejects a malformed date', () => {
    expect(() => isBankHoliday('england-and-wales', '2026-02-30')).toThrow(/not a real date/);
  });
});
