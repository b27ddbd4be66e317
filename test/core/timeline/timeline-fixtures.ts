import type { Region } from '../../../src/core/calendar/region.ts';
import { SchoolCalendar } from '../../../src/core/calendar/school-calendar.ts';
import type { TermDates } from '../../../src/core/calendar/term-dates.ts';
import type { PersonProfile } from '../../../src/core/people/person.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { type Obligation, computeTimeline } from '../../../src/core/timeline/compute-timeline.ts';

/** The foundation issue's example term dates for 2026/27, and a plausible 2027/28 after them. */
export const ENGLAND_2026_28: TermDates = {
  region: 'england-and-wales',
  terms: [
    { name: 'autumn', start: '2026-09-02', end: '2026-12-18', halfTerm: { start: '2026-10-26', end: '2026-10-30' } },
    { name: 'spring', start: '2027-01-05', end: '2027-03-26', halfTerm: { start: '2027-02-15', end: '2027-02-19' } },
    { name: 'summer', start: '2027-04-12', end: '2027-07-21', halfTerm: { start: '2027-05-31', end: '2027-06-04' } },
    { name: 'autumn', start: '2027-09-02', end: '2027-12-17', halfTerm: { start: '2027-10-25', end: '2027-10-29' } },
    { name: 'spring', start: '2028-01-04', end: '2028-03-31', halfTerm: { start: '2028-02-14', end: '2028-02-18' } },
    { name: 'summer', start: '2028-04-18', end: '2028-07-21', halfTerm: { start: '2028-05-29', end: '2028-06-02' } },
  ],
  closures: ['2026-09-01', '2027-01-04'],
};

export function calendarFor(region: Region = 'england-and-wales', termDates: TermDates = { ...ENGLAND_2026_28, region }): SchoolCalendar {
  return new SchoolCalendar({ region, termDates, closuresAreNonWorkingDays: true });
}

export const TEACHER: PersonProfile = { role: 'teacher', startDate: '2019-09-01', contract: 'permanent', flags: [] };

export function timelineOf(preset: string, person: Partial<PersonProfile>, academicYear = 2026, calendar = calendarFor()) {
  const policy = getPreset(preset);
  if (policy === undefined) throw new Error(`no preset ${preset}`);
  return computeTimeline(policy, calendar, { ...TEACHER, ...person }, academicYear);
}

/** The obligations of a covered person, failing the test if the person was excluded. */
export function obligationsOf(preset: string, person: Partial<PersonProfile>, academicYear = 2026, calendar = calendarFor()): Obligation[] {
  const timeline = timelineOf(preset, person, academicYear, calendar);
  if (timeline.excluded) throw new Error(`expected a timeline, got an exclusion: ${timeline.reason}`);
  return timeline.obligations;
}

export function byId(obligations: readonly Obligation[], id: string): Obligation {
  const found = obligations.find((o) => o.id === id);
  if (found === undefined) throw new Error(`no obligation "${id}" in ${obligations.map((o) => o.id).join(', ')}`);
  return found;
}

export function dueDates(obligations: readonly Obligation[]): Record<string, string> {
  return Object.fromEntries(obligations.map((o) => [o.id, o.due]));
}
