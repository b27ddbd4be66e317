import { describe, expect, it } from 'vitest';
import {
  academicYearOfTerm,
  compareDates,
  defaultTermDates,
  isBankHoliday,
  isWeekend,
  REGIONS,
  TermDatesSchema,
} from '../../../src/core/calendar/index.ts';

const years = Array.from({ length: 16 }, (_, i) => 2020 + i);

describe('default term dates (an estimate for schools without their own)', () => {
  for (const region of REGIONS) {
    it(`${region} 2020–2035: autumn, spring, summer of the right academic year, valid, in order, not overlapping`, () => {
      for (const year of years) {
        const estimate = defaultTermDates(region, year);
        const label = `${region} ${year}`;
        // The schema checks real dates, end ≥ start, half terms inside terms, order and no overlap.
        expect(TermDatesSchema.safeParse(estimate).success, label).toBe(true);
        expect(estimate.region).toBe(region);
        expect(estimate.terms.map((t) => t.name), label).toEqual(['autumn', 'spring', 'summer']);
        for (const term of estimate.terms) {
          expect(academicYearOfTerm(term), label).toBe(year);
          expect(isWeekend(term.start) || isBankHoliday(region, term.start), `${label} ${term.name} starts on a working day`).toBe(false);
          expect(isWeekend(term.end), `${label} ${term.name} ends on a weekday`).toBe(false);
        }
        const nextAutumn = defaultTermDates(region, year + 1).terms[0];
        const summer = estimate.terms[2];
        expect(nextAutumn && summer && compareDates(summer.end, nextAutumn.start) < 0, `${label} summer ends before the next autumn`).toBe(true);
      }
    });
  }

  it('England 2026/27: the sample LA dates, except spring starting on Monday 4 January (the sample school has an INSET day)', () => {
    expect(defaultTermDates('england-and-wales', 2026).terms).toEqual([
      { name: 'autumn', start: '2026-09-02', end: '2026-12-18', halfTerm: { start: '2026-10-26', end: '2026-10-30' } },
      { name: 'spring', start: '2027-01-04', end: '2027-03-26', halfTerm: { start: '2027-02-15', end: '2027-02-19' } },
      { name: 'summer', start: '2027-04-12', end: '2027-07-21', halfTerm: { start: '2027-05-31', end: '2027-06-04' } },
    ]);
  });

  it('England 2027/28: exactly the local-authority pattern, spring after the 3 January substitute and summer after Easter Monday', () => {
    expect(defaultTermDates('england-and-wales', 2027).terms).toEqual([
      { name: 'autumn', start: '2027-09-02', end: '2027-12-17', halfTerm: { start: '2027-10-25', end: '2027-10-29' } },
      { name: 'spring', start: '2028-01-04', end: '2028-03-31', halfTerm: { start: '2028-02-14', end: '2028-02-18' } },
      { name: 'summer', start: '2028-04-18', end: '2028-07-21', halfTerm: { start: '2028-05-29', end: '2028-06-02' } },
    ]);
  });

  it('a late Easter (20 April 2025) moves the Easter holiday to end on Good Friday', () => {
    const [, spring, summer] = defaultTermDates('england-and-wales', 2024).terms;
    expect(spring?.end).toBe('2025-04-04');
    expect(summer?.start).toBe('2025-04-22'); // Tuesday after Easter Monday
  });

  it('an early Easter (25 March 2035) moves the Easter holiday to start on Easter Monday', () => {
    const [, spring, summer] = defaultTermDates('england-and-wales', 2034).terms;
    expect(spring?.end).toBe('2035-03-23');
    expect(summer?.start).toBe('2035-04-09');
  });

  it('an autumn that would start on a Friday starts the Monday after (2 September 2022)', () => {
    expect(defaultTermDates('england-and-wales', 2022).terms[0]?.start).toBe('2022-09-05');
  });

  it('Scotland 2026/27: mid-August start, October week, 2 January holiday skipped, no summer half term, ends late June', () => {
    expect(defaultTermDates('scotland', 2026).terms).toEqual([
      { name: 'autumn', start: '2026-08-19', end: '2026-12-18', halfTerm: { start: '2026-10-12', end: '2026-10-16' } },
      { name: 'spring', start: '2027-01-05', end: '2027-03-26', halfTerm: { start: '2027-02-15', end: '2027-02-16' } },
      { name: 'summer', start: '2027-04-12', end: '2027-06-25' },
    ]);
  });

  it('Northern Ireland 2026/27: the summer term ends on 30 June without a half term', () => {
    const summer = defaultTermDates('northern-ireland', 2026).terms[2];
    expect(summer).toEqual({ name: 'summer', start: '2027-04-12', end: '2027-06-30' });
  });

  it('rejects a year that is not a whole number', () => {
    expect(() => defaultTermDates('england-and-wales', 2026.5)).toThrow(/academic year/);
  });
});
