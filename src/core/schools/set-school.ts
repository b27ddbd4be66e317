import { londonDateOf } from '../calendar/london-time.ts';
import type { TermDates } from '../calendar/term-dates.ts';
import type { Policy } from '../policy/policy-schema.ts';
import type { ObligationChanges, ObligationRepository, RosterRepository, SchoolChangeAudit, SchoolRepository } from '../ports.ts';
import { type Clock, currentAcademicYear } from '../time/clock.ts';
import { planObligations } from '../timeline/plan-obligations.ts';
import type { School } from './school.ts';

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface SetSchoolInput {
  slug: string;
  name?: string | undefined;
  trustSlug?: string | undefined;
  policy: Policy;
  policySource: string;
  termDates: TermDates;
  /** Who made the change and what, for its audit event (the admin console); absent for the command line. */
  audit?: SchoolChangeAudit | undefined;
}

export class InvalidSlugError extends Error {}

/**
 * Creates or updates a school with its policy and term dates, then recomputes its staff's
 * obligations for the current academic year, since either can move a deadline.
 */
export async function setSchool(
  deps: { schools: SchoolRepository; roster: RosterRepository; obligations: ObligationRepository; clock: Clock },
  input: SetSchoolInput,
): Promise<{ school: School; created: boolean; obligations: ObligationChanges }> {
  for (const [what, slug] of [['school', input.slug], ['trust', input.trustSlug]] as const) {
    if (slug !== undefined && !SLUG_PATTERN.test(slug)) {
      throw new InvalidSlugError(`The ${what} name "${slug}" should be a short id of lower-case letters, digits and dashes, e.g. "kingsmead" or "whmat-north".`);
    }
  }
  const existing = await deps.schools.findSchool(input.slug);
  const { school, created } = await deps.schools.saveSchool({
    slug: input.slug,
    name: input.name ?? existing?.name ?? input.slug,
    trustSlug: input.trustSlug ?? existing?.trustSlug,
    policy: input.policy,
    policySource: input.policySource,
    termDates: input.termDates,
    region: input.termDates.region,
    audit: input.audit,
  });
  const staff = await deps.roster.findStaff(school.id, londonDateOf(deps.clock.now()));
  const { planned: _planned, ...obligations } = await deps.obligations.syncCycles(school.id, planObligations(school, staff, currentAcademicYear(deps.clock)));
  return { school, created, obligations };
}
