import { afterEach, describe, expect, it } from 'vitest';
import { addCalendarDays, londonDateOf, londonInstant } from '../../../src/core/calendar/index.ts';

const originalTz = process.env.TZ;
afterEach(() => {
  process.env.TZ = originalTz;
});

describe('London dates and instants', () => {
  it('an instant late in the UTC evening is already the next London day during BST, not during GMT', () => {
    expect(londonDateOf(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(londonDateOf(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
    expect(londonDateOf(new Date('2026-10-24T23:30:00Z'))).toBe('2026-10-25'); // 00:30 BST on clock-change day
    expect(londonDateOf(new Date('2027-03-27T23:30:00Z'))).toBe('2027-03-27'); // 23:30 GMT, the night before
  });

  it('15:30 in London is 14:30 UTC in BST and 15:30 UTC in GMT, either side of the October change', () => {
    expect(londonInstant('2026-10-23', '15:30').toISOString()).toBe('2026-10-23T14:30:00.000Z');
    expect(londonInstant('2026-10-26', '15:30').toISOString()).toBe('2026-10-26T15:30:00.000Z');
  });

  it('08:30 in London is 08:30 UTC before and 07:30 UTC after the March change', () => {
    expect(londonInstant('2027-03-26', '08:30').toISOString()).toBe('2027-03-26T08:30:00.000Z');
    expect(londonInstant('2027-03-29', '08:30').toISOString()).toBe('2027-03-29T07:30:00.000Z');
  });

  it('a time the clocks skip (01:30 on 2027-03-28) is read an hour later, 02:30 BST', () => {
    expect(londonInstant('2027-03-28', '01:30').toISOString()).toBe('2027-03-28T01:30:00.000Z');
  });

  it('a time that happens twice (01:30 on 2026-10-25) is the second one, in GMT', () => {
    expect(londonInstant('2026-10-25', '01:30').toISOString()).toBe('2026-10-25T01:30:00.000Z');
  });

  for (const tz of ['Europe/London', 'America/New_York', 'Asia/Kolkata']) {
    it(`midnight and 23:59 of every day of 2026–2028 fall on that London date (process TZ ${tz})`, () => {
      process.env.TZ = tz;
      for (let day = '2026-01-01'; day <= '2028-12-31'; day = addCalendarDays(day, 1)) {
        expect(londonDateOf(londonInstant(day, '00:00'))).toBe(day);
        expect(londonDateOf(londonInstant(day, '23:59'))).toBe(day);
      }
    });
  }

  it('the date kept for the last hour asked about is the date of every minute of that hour, through both 2026 clock changes and every midnight', () => {
    // Against the time-zone arithmetic itself (Intl), minute by minute, each hour entered first at its end and then from its start.
    const london = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
    const mismatches: string[] = [];
    for (const day of ['2026-03-28', '2026-03-29', '2026-06-30', '2026-10-24', '2026-10-25', '2026-12-31']) {
      const start = Date.parse(`${day}T00:00:00Z`) - 2 * 3_600_000;
      for (let hour = 0; hour < 28; hour++) {
        const top = start + hour * 3_600_000;
        for (const minute of [59, ...Array.from({ length: 60 }, (_, m) => m)]) {
          const instant = new Date(top + minute * 60_000 + 59_999 * Number(minute === 59));
          if (londonDateOf(instant) !== london.format(instant)) mismatches.push(instant.toISOString());
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('rejects times not written HH:MM and invalid Dates', () => {
    expect(() => londonInstant('2026-10-26', '24:00')).toThrow(/HH:MM/);
    expect(() => londonInstant('2026-10-26', '8:30')).toThrow(/HH:MM/);
    expect(() => londonInstant('2026-02-30', '08:30')).toThrow(/not a real date/);
    expect(() => londonDateOf(new Date('nonsense'))).toThrow(/invalid Date/);
  });
});
