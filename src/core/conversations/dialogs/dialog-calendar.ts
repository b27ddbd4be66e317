import { isRegion } from '../../calendar/region.ts';
import { SchoolCalendar } from '../../calendar/school-calendar.ts';
import { TermDatesSchema } from '../../calendar/term-dates.ts';
import type { DialogEnv } from '../engine/define-dialog.ts';

/**
 * The school's calendar for working-day deadlines (002 §16, Annex 1). Term dates that are missing
 * or unreadable fall back to the calendar's default terms rather than stopping the dialog: bank
 * holidays, which decide working days, do not depend on them.
 */
export async function calendarFor(env: DialogEnv): Promise<SchoolCalendar> {
  const source = await env.reads.calendarSource(env.person.schoolId);
  const termDates = TermDatesSchema.safeParse(source.termDates);
  const region = termDates.success ? termDates.data.region : isRegion(source.region) ? source.region : undefined;
  return new SchoolCalendar({ region, termDates: termDates.success ? termDates.data : undefined, closuresAreNonWorkingDays: env.policy.calendar.closuresAreNonWorkingDays });
}
