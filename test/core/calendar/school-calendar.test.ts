import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { addCalendarDays, parseTermDates, SchoolCalendar, type TermDates } from '../../../src/core/calendar/index.ts';

function termDatesFile(name: string): TermDates {
  const result = parseTermDates(readFileSync(new URL(`../../../config/terms/${name}`, import.meta.url), 'utf8'), name);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

const england = termDatesFile('england-2026-27.yaml');
/** Closures 2026-09-01 and 2027-01-04 count as non-working days. */
const strict = new SchoolCalendar({ termDates: england, closuresAreNonWorkingDays: true });
/** The same school under a policy where closure days are still working days. */
const lenient = new SchoolCalendar({ termDates: england, closuresAreNonWorkingDays: false });

const originalTz = process.env.TZ;
afterEach(() => {
  process.env.TZ = originalTz;
});

describe('working days', () => {
  it('a working day is a weekday that is not a bank holiday', () => {
    expect(lenient.isWorkingDay('2026-10-23')).toBe(true); // Friday
    expect(lenient.isWorkingDay('2026-10-24')).toBe(false); // Saturday
    expect(lenient.isWorkingDay('2026-12-28')).toBe(false); // Boxing Day substitute
    expect(lenient.isWorkingDay('2026-10-27')).toBe(true); // half term is still a working day
  });

  it('a closure day is a working day only when the policy counts closures as working days', () => {
    expect(strict.isClosure('2027-01-04')).toBe(true);
    expect(strict.isWorkingDay('2027-01-04')).toBe(false);
    expect(lenient.isWorkingDay('2027-01-04')).toBe(true);
  });

  it('day 0 is the start: one working day after Friday 23 October 2026 is Monday 26 October, across the clock change', () => {
    expect(lenient.addWorkingDays('2026-10-23', 1)).toBe('2026-10-26');
    expect(lenient.addWorkingDays('2026-10-26', -1)).toBe('2026-10-23');
  });

  it('Christmas 2026: one working day after Thursday 24 December is Tuesday 29 December', () => {
    expect(lenient.addWorkingDays('2026-12-24', 1)).toBe('2026-12-29');
    expect(lenient.addWorkingDays('2026-12-29', -1)).toBe('2026-12-24');
  });

  it('Easter 2027: 10 working days from Friday 19 March skip Good Friday and Easter Monday (and the clock change) to Tuesday 6 April', () => {
    expect(lenient.addWorkingDays('2027-03-19', 10)).toBe('2027-04-06');
    expect(lenient.addWorkingDays('2027-04-06', -10)).toBe('2027-03-19');
  });

  it('the late-May bank holiday: one working day after Friday 28 May 2027 is Tuesday 1 June', () => {
    expect(lenient.addWorkingDays('2027-05-28', 1)).toBe('2027-06-01');
  });

  it('closures are skipped only when the policy says they are not working days', () => {
    expect(strict.addWorkingDays('2026-12-31', 1)).toBe('2027-01-05');
    expect(lenient.addWorkingDays('2026-12-31', 1)).toBe('2027-01-04');
  });

  it('n = 0 returns the date unchanged, even a Saturday or a bank holiday', () => {
    expect(lenient.addWorkingDays('2026-10-24', 0)).toBe('2026-10-24');
    expect(lenient.addWorkingDays('2026-12-25', 0)).toBe('2026-12-25');
  });

  it('counting from a non-working day: one working day after Saturday is Monday, one before is Friday', () => {
    expect(lenient.addWorkingDays('2026-10-24', 1)).toBe('2026-10-26');
    expect(lenient.addWorkingDays('2026-10-24', -1)).toBe('2026-10-23');
  });

  it('next, previous, on-or-after and on-or-before working days', () => {
    expect(lenient.nextWorkingDay('2026-10-23')).toBe('2026-10-26');
    expect(lenient.nextWorkingDay('2026-10-22')).toBe('2026-10-23');
    expect(lenient.previousWorkingDay('2027-03-29')).toBe('2027-03-25');
    expect(lenient.workingDayOnOrAfter('2027-03-26')).toBe('2027-03-30');
    expect(lenient.workingDayOnOrAfter('2027-03-25')).toBe('2027-03-25');
    expect(lenient.workingDayOnOrBefore('2027-03-29')).toBe('2027-03-25');
    expect(lenient.workingDayOnOrBefore('2026-12-28')).toBe('2026-12-24');
  });

  it('workingDaysBetween counts (from, to] and undoes addWorkingDays, forwards and backwards', () => {
    expect(lenient.workingDaysBetween('2026-10-23', '2026-10-26')).toBe(1);
    expect(lenient.workingDaysBetween('2026-10-26', '2026-10-23')).toBe(-1);
    expect(lenient.workingDaysBetween('2027-03-19', '2027-04-06')).toBe(10);
    expect(lenient.workingDaysBetween('2026-12-18', '2026-12-18')).toBe(0);
    for (const calendar of [strict, lenient]) {
      for (const n of [-25, -10, -3, -1, 1, 2, 5, 10, 40]) {
        const to = calendar.addWorkingDays('2026-12-18', n);
        expect(calendar.workingDaysBetween('2026-12-18', to)).toBe(n);
      }
    }
  });

  for (const tz of ['Europe/London', 'America/Los_Angeles', 'Australia/Sydney']) {
    it(`stepping one working day at a time through both 2026/27 clock changes never skips or repeats a date (process TZ ${tz})`, () => {
      process.env.TZ = tz;
      for (const [from, to] of [
        ['2026-10-01', '2026-11-30'],
        ['2027-03-01', '2027-04-30'],
      ] as const) {
        const stepped: string[] = [];
        for (let day = lenient.workingDayOnOrAfter(from); day <= to; day = lenient.nextWorkingDay(day)) stepped.push(day);
        const expected: string[] = [];
        for (let day: string = from; day <= to; day = addCalendarDays(day, 1)) if (lenient.isWorkingDay(day)) expected.push(day);
        expect(stepped).toEqual(expected);
        expect(new Set(stepped).size).toBe(stepped.length);
      }
    });
  }

  it('uses the region’s bank holidays: Monday 4 January 2027 is a holiday in Scotland, not in England', () => {
    const scotland = new SchoolCalendar({ region: 'scotland', closuresAreNonWorkingDays: true });
    const englandOnly = new SchoolCalendar({ closuresAreNonWorkingDays: true });
    expect(scotland.isWorkingDay('2027-01-04')).toBe(false);
    expect(englandOnly.region).toBe('england-and-wales');
    expect(englandOnly.isWorkingDay('2027-01-04')).toBe(true);
    expect(scotland.isWorkingDay('2027-03-29')).toBe(true); // no Easter Monday in Scotland
  });

  it('refuses a region that contradicts the term dates', () => {
    expect(() => new SchoolCalendar({ region: 'scotland', termDates: england, closuresAreNonWorkingDays: true })).toThrow(/scotland/);
  });

  it('rejects a count that is not a whole number and a date that does not exist', () => {
    expect(() => lenient.addWorkingDays('2026-10-23', 1.5)).toThrow(/whole number/);
    expect(() => lenient.addWorkingDays('2026-02-30', 1)).toThrow(/not a real date/);
  });
});

describe('school days', () => {
  it('a school day is a working day inside a term, outside half term and not a closure', () => {
    expect(lenient.isSchoolDay('2026-09-02')).toBe(true); // first day of autumn
    expect(lenient.isSchoolDay('2026-10-23')).toBe(true);
    expect(lenient.isSchoolDay('2027-03-25')).toBe(true); // last working day of spring
  });

  it('half term is not school days', () => {
    expect(lenient.isSchoolDay('2026-10-26')).toBe(false);
    expect(lenient.isSchoolDay('2026-10-30')).toBe(false);
    expect(lenient.isSchoolDay('2027-02-17')).toBe(false);
    expect(lenient.isSchoolDay('2027-06-04')).toBe(false);
  });

  it('holidays between terms, weekends and bank holidays in term are not school days', () => {
    expect(lenient.isSchoolDay('2026-12-21')).toBe(false); // Christmas holiday
    expect(lenient.isSchoolDay('2027-04-06')).toBe(false); // Easter holiday
    expect(lenient.isSchoolDay('2027-08-02')).toBe(false); // summer holiday
    expect(lenient.isSchoolDay('2026-10-24')).toBe(false); // Saturday in term
    expect(lenient.isSchoolDay('2027-03-26')).toBe(false); // Good Friday, the spring term's last day
    expect(lenient.isSchoolDay('2027-05-03')).toBe(false); // early May bank holiday in term
  });

  it('closure days are never school days, whatever the policy says of working days', () => {
    expect(lenient.isSchoolDay('2027-01-04')).toBe(false);
    expect(strict.isSchoolDay('2027-01-04')).toBe(false);
    expect(lenient.isSchoolDay('2026-09-01')).toBe(false);
  });

  it('adding school days jumps half term and the holidays', () => {
    expect(lenient.addSchoolDays('2026-10-23', 1)).toBe('2026-11-02');
    expect(lenient.addSchoolDays('2026-12-18', 1)).toBe('2027-01-05');
    expect(lenient.addSchoolDays('2027-01-05', -1)).toBe('2026-12-18');
    expect(lenient.schoolDayOnOrAfter('2026-10-28')).toBe('2026-11-02');
    expect(lenient.schoolDayOnOrBefore('2027-03-26')).toBe('2027-03-25');
  });

  it('termOn finds the term holding a date, half term included, and nothing in the holidays', () => {
    expect(lenient.termOn('2026-10-27')?.name).toBe('autumn');
    expect(lenient.termOn('2027-05-31')?.name).toBe('summer');
    expect(lenient.termOn('2026-12-21')).toBeUndefined();
  });
});

describe('terms of an academic year', () => {
  it('come from the loaded dates when they cover the year', () => {
    expect(lenient.termsOfAcademicYear(2026).map((t) => [t.name, t.start, t.end])).toEqual([
      ['autumn', '2026-09-02', '2026-12-18'],
      ['spring', '2027-01-05', '2027-03-26'],
      ['summer', '2027-04-12', '2027-07-21'],
    ]);
  });

  it('fall back to the estimate for a year the file does not cover', () => {
    expect(lenient.termsOfAcademicYear(2027)[0]).toEqual({
      name: 'autumn', start: '2027-09-02', end: '2027-12-17', halfTerm: { start: '2027-10-25', end: '2027-10-29' },
    });
    expect(lenient.isSchoolDay('2027-10-26')).toBe(false); // estimated half term
    expect(lenient.isSchoolDay('2027-11-01')).toBe(true);
  });

  it('a two-year file supplies both years: 2027/28 summer starts on Tuesday 18 April 2028', () => {
    const twoYears = new SchoolCalendar({ termDates: termDatesFile('england-2026-28.yaml'), closuresAreNonWorkingDays: true });
    expect(twoYears.termsOfAcademicYear(2027).map((t) => t.start)).toEqual(['2027-09-02', '2028-01-04', '2028-04-18']);
    expect(twoYears.isSchoolDay('2028-04-17')).toBe(false); // Easter Monday
    expect(twoYears.isSchoolDay('2028-04-18')).toBe(true);
  });

  it('a Scottish school’s calendar uses its own terms and Scottish holidays', () => {
    const scotland = new SchoolCalendar({ termDates: termDatesFile('scotland-2026-27.yaml'), closuresAreNonWorkingDays: true });
    expect(scotland.region).toBe('scotland');
    expect(scotland.isSchoolDay('2026-08-19')).toBe(true);
    expect(scotland.isSchoolDay('2026-08-18')).toBe(false); // in-service day before term
    expect(scotland.isSchoolDay('2026-11-30')).toBe(false); // St Andrew's Day
    expect(scotland.isSchoolDay('2027-06-28')).toBe(false); // summer holidays have begun
  });

  it('returned terms are copies: changing them does not change the calendar', () => {
    const terms = lenient.termsOfAcademicYear(2026);
    if (terms[0]) terms[0].end = '2027-07-31';
    expect(lenient.termsOfAcademicYear(2026)[0]?.end).toBe('2026-12-18');
  });
});
