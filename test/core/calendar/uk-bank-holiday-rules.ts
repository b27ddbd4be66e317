/**
 * An independent statement of the UK bank-holiday rules, for checking what date-holidays says.
 * Written from gov.uk's published lists and the Banking and Financial Dealings Act's pattern,
 * not from the library: fixed days falling on a weekend move to the next weekday not already a
 * holiday; the one-off changes of 2020, 2022 and 2023 are listed by hand.
 */
import { addCalendarDays, dayOfWeek, easterSunday, type IsoDate, isoDate, isWeekend, weekdayOnOrAfter, weekdayOnOrBefore, type Region } from '../../../src/core/calendar/index.ts';

export function expectedBankHolidays(region: Region, year: number): IsoDate[] {
  const fixed: IsoDate[] = [isoDate(year, 1, 1), isoDate(year, 12, 25), isoDate(year, 12, 26)];
  if (region === 'scotland') fixed.push(isoDate(year, 1, 2), isoDate(year, 11, 30));
  if (region === 'northern-ireland') fixed.push(isoDate(year, 3, 17), isoDate(year, 7, 12));

  const easter = easterSunday(year);
  const moving: IsoDate[] = [addCalendarDays(easter, -2)];
  if (region !== 'scotland') moving.push(addCalendarDays(easter, 1));
  let earlyMay = weekdayOnOrAfter(isoDate(year, 5, 1), 1);
  let lateMay = weekdayOnOrBefore(isoDate(year, 5, 31), 1);
  const august = region === 'scotland' ? weekdayOnOrAfter(isoDate(year, 8, 1), 1) : weekdayOnOrBefore(isoDate(year, 8, 31), 1);
  // One-offs announced on gov.uk, the same in all three regions.
  if (year === 2020) earlyMay = '2020-05-08'; // moved to Friday for the 75th anniversary of VE day
  if (year === 2022) lateMay = '2022-06-02'; // moved to Thursday for the Platinum Jubilee
  moving.push(earlyMay, lateMay, august);
  if (year === 2022) moving.push('2022-06-03', '2022-09-19'); // Platinum Jubilee; Queen Elizabeth II's state funeral
  if (year === 2023) moving.push('2023-05-08'); // coronation of King Charles III

  const taken = new Set<IsoDate>([...moving, ...fixed.filter((d) => !isWeekend(d))]);
  for (const day of fixed.filter(isWeekend).sort()) {
    let substitute = addCalendarDays(day, 1);
    while (isWeekend(substitute) || taken.has(substitute)) substitute = addCalendarDays(substitute, 1);
    taken.add(substitute);
  }
  const all = [...taken].sort();
  if (all.some((d) => dayOfWeek(d) === 0 || dayOfWeek(d) === 6)) throw new Error('a bank holiday landed on a weekend');
  return all;
}
