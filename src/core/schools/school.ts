import type { Region } from '../calendar/region.ts';
import { SchoolCalendar } from '../calendar/school-calendar.ts';
import type { TermDates } from '../calendar/term-dates.ts';
import type { Policy } from '../policy/policy-schema.ts';

/** A school as the core sees it: its policy and calendar, already validated. */
export interface School {
  id: string;
  slug: string;
  name: string;
  trustSlug?: string | undefined;
  policy: Policy;
  /** `preset:whmat`, or the file the policy was loaded from. */
  policySource: string;
  termDates: TermDates;
  region: Region;
}

export function calendarOf(school: Pick<School, 'region' | 'termDates' | 'policy'>): SchoolCalendar {
  return new SchoolCalendar({ region: school.region, termDates: school.termDates, closuresAreNonWorkingDays: school.policy.calendar.closuresAreNonWorkingDays });
}
