import { hasAnyFlag, INDUCTION_FLAGS, type PersonProfile } from '../people/person.ts';
import type { ExclusionReason, Policy } from '../policy/policy-schema.ts';
import type { TimelineCalendar, TimelineTerm } from './timeline-calendar.ts';

export interface Exclusion {
  excluded: true;
  code: ExclusionReason | 'not-in-post';
  reason: string;
  rule: string;
  /** What an excluded person is still offered, e.g. regular check-ins under 004 §2.2. */
  stillOffered?: string | undefined;
}

const REASON_TEXT: Record<ExclusionReason, string> = {
  agency: 'Agency workers are not covered by this policy',
  'short-contract': 'Contracts shorter than one term are not covered by this policy',
  induction: 'Staff in statutory induction (ECTs/NQTs) follow their induction programme instead',
  'induction-year-1': 'Early career teachers in their first year of induction follow their induction programme instead',
  'assessment-only': 'Teachers on the assessment only route to QTS follow that programme instead',
  capability: 'Staff who are the subject of capability procedures are managed under that procedure instead',
  'role-not-covered': 'This policy does not cover this role',
};

/**
 * Decides whether the policy covers a person in an academic year, and if not, why. The checks run
 * in a fixed order so the reason given is the most basic one (a TA under a teachers-only policy is
 * told about their role, not their contract).
 */
export function decideCoverage(
  policy: Policy,
  person: PersonProfile,
  terms: readonly TimelineTerm[],
  cycle: { start: string; end: string },
  calendar: TimelineCalendar,
  nextAcademicYearStart: string,
): Exclusion | undefined {
  if (person.startDate !== undefined && person.startDate > cycle.end) {
    return { excluded: true, code: 'not-in-post', reason: `Starts on ${person.startDate}, after this cycle ends (${cycle.end})`, rule: policy.cycle.rule };
  }
  // An October–September cycle (004 §3.11) runs into the next academic year: someone who starts
  // in that September begins with that year's cycle, not with the last weeks of this one.
  if (person.startDate !== undefined && person.startDate >= nextAcademicYearStart) {
    return { excluded: true, code: 'not-in-post', reason: `Starts on ${person.startDate}, in the next academic year: their first cycle is that year's`, rule: policy.cycle.rule };
  }
  if (person.contractEnd !== undefined && person.contractEnd < cycle.start) {
    return { excluded: true, code: 'not-in-post', reason: `Contract ended on ${person.contractEnd}, before this cycle began`, rule: policy.cycle.rule };
  }
  if (!policy.coverage.roles.includes(person.role)) {
    return exclusion(policy, 'role-not-covered', policy.coverage.rolesRule);
  }
  for (const { reason, rule } of policy.coverage.exclusions) {
    if (appliesToPerson(reason, person, terms, cycle, calendar)) return exclusion(policy, reason, rule);
  }
  return undefined;
}

function exclusion(policy: Policy, code: ExclusionReason, rule: string): Exclusion {
  const still = policy.coverage.excludedStillGetCheckIns;
  return {
    excluded: true,
    code,
    reason: `${REASON_TEXT[code]} (${rule})`,
    rule,
    stillOffered: still?.value === true && code !== 'role-not-covered' ? `regular check-ins and feedback (${still.rule})` : undefined,
  };
}

function appliesToPerson(
  reason: ExclusionReason,
  person: PersonProfile,
  terms: readonly TimelineTerm[],
  cycle: { start: string; end: string },
  calendar: TimelineCalendar,
): boolean {
  switch (reason) {
    case 'agency':
      return person.contract === 'agency' || hasAnyFlag(person, ['agency']);
    case 'induction':
      return hasAnyFlag(person, INDUCTION_FLAGS);
    case 'induction-year-1':
      return hasAnyFlag(person, ['ect', 'nqt']) && !hasAnyFlag(person, ['ect-year-2']);
    case 'assessment-only':
      return hasAnyFlag(person, ['assessment-only']);
    case 'capability':
      return hasAnyFlag(person, ['capability']);
    case 'short-contract':
      return isShorterThanOneTerm(person, terms, cycle, calendar);
    case 'role-not-covered':
      return false;
  }
}

/**
 * "Contracts of employment lasting less than 1 term" (004 §2.1.2; 002 introduction; 003 §4.2):
 * the contract itself is measured, from its start date to its end, not its overlap with this
 * cycle, against the shortest term of the year in calendar days. Without a start date the contract
 * is measured from the cycle's start, the most that is known of it.
 */
function isShorterThanOneTerm(
  person: PersonProfile,
  terms: readonly TimelineTerm[],
  cycle: { start: string },
  calendar: TimelineCalendar,
): boolean {
  if (person.contract !== 'fixed-term' || person.contractEnd === undefined) return false;
  const from = person.startDate ?? cycle.start;
  const shortestTerm = Math.min(...terms.map((term) => calendar.calendarDaysBetween(term.start, term.end)));
  return calendar.calendarDaysBetween(from, person.contractEnd) < shortestTerm;
}
