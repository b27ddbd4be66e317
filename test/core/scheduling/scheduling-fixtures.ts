import { SchoolCalendar } from '../../../src/core/calendar/school-calendar.ts';
import { type TermDates, TermDatesSchema } from '../../../src/core/calendar/term-dates.ts';

/** England 2026/27 as in config/terms/england-2026-28.yaml: October half term is 26–30 Oct. */
export const TERMS_2026: TermDates = TermDatesSchema.parse({
  region: 'england-and-wales',
  terms: [
    { name: 'autumn', start: '2026-09-02', end: '2026-12-18', halfTerm: { start: '2026-10-26', end: '2026-10-30' } },
    { name: 'spring', start: '2027-01-05', end: '2027-03-26', halfTerm: { start: '2027-02-15', end: '2027-02-19' } },
    { name: 'summer', start: '2027-04-12', end: '2027-07-21', halfTerm: { start: '2027-05-31', end: '2027-06-04' } },
  ],
  closures: ['2026-09-01', '2027-01-04'],
});

export const calendar = new SchoolCalendar({ termDates: TERMS_2026, closuresAreNonWorkingDays: false });

/** The VEVENT's properties by name (parameters kept in the key, e.g. "DTSTART;TZID=Europe/London"). */
export function veventOf(ics: string): Map<string, string> {
  const unfolded = ics.replace(/\r\n[ \t]/g, '');
  const event = /BEGIN:VEVENT\r\n([\s\S]*?)\r\nEND:VEVENT/.exec(unfolded);
  if (event === null) throw new Error(`no VEVENT in:\n${ics}`);
  const fields = new Map<string, string>();
  for (const line of event[1]!.split('\r\n')) {
    const colon = line.search(/:(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

export function calendarProperty(ics: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)$`, 'm').exec(ics.replace(/\r\n/g, '\n'))?.[1];
}
