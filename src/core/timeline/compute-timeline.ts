import { hasAnyFlag, type PersonProfile } from '../people/person.ts';
import type { AppliesTo, ObligationKind, ObligationRule, Owner, Policy } from '../policy/policy-schema.ts';
import { type Exclusion, decideCoverage } from './decide-coverage.ts';
import { type DateContext, monthDayInAcademicYear, resolveDateRule, termPoint } from './resolve-date-rule.ts';
import type { TimelineCalendar, TimelineTerm } from './timeline-calendar.ts';

/** One thing someone owes in a person's cycle: what, from when, by when, by whom, and why. */
export interface Obligation {
  /** Stable within a person's year: the rule id, plus the term or half term for repeated rules. */
  id: string;
  kind: ObligationKind;
  label: string;
  opens: string;
  due: string;
  owner: Owner;
  rule: string;
  optional: boolean;
}

export type Timeline = { excluded: false; cycle: { start: string; end: string }; obligations: Obligation[] } | Exclusion;

/**
 * Computes a person's obligations for one academic year (2026 = 2026/27) under a policy and a
 * school calendar. Pure: the same inputs always give the same timeline, so storing it is idempotent.
 */
export function computeTimeline(policy: Policy, calendar: TimelineCalendar, person: PersonProfile, academicYear: number): Timeline {
  const terms = termsByName(calendar.termsOfAcademicYear(academicYear), academicYear);
  const cycle = cycleDates(policy, academicYear);
  const exclusion = decideCoverage(policy, person, Object.values(terms), cycle, calendar);
  if (exclusion !== undefined) return exclusion;

  const newStarter = person.startDate !== undefined && person.startDate > terms.autumn.start;
  const context: DateContext = { calendar, academicYear, cycleStart: cycle.start, cycleEnd: cycle.end, terms, startDate: person.startDate };
  const obligations: Obligation[] = [];
  for (const rule of policy.obligations) {
    if (!ruleAppliesTo(rule, person, newStarter)) continue;
    for (const { suffix, period } of periodsOf(rule, terms, calendar)) {
      const obligation = makeObligation(rule, suffix, { ...context, period });
      const fitted = fitToEmployment(obligation, person, rule.audience === 'new-starters', policy);
      if (fitted !== undefined) obligations.push(fitted);
    }
  }
  obligations.sort((a, b) => a.due.localeCompare(b.due) || a.opens.localeCompare(b.opens) || a.id.localeCompare(b.id));
  return { excluded: false, cycle, obligations };
}

export function cycleDates(policy: Policy, academicYear: number): { start: string; end: string } {
  const start = monthDayInAcademicYear(policy.cycle.startMonthDay, academicYear);
  let end = monthDayInAcademicYear(policy.cycle.endMonthDay, academicYear);
  // A cycle from 1 October ends on 30 September of the following year.
  if (end <= start) end = monthDayInAcademicYear(policy.cycle.endMonthDay, academicYear, 1);
  return { start, end };
}

function termsByName(terms: readonly TimelineTerm[], academicYear: number): Record<TimelineTerm['name'], TimelineTerm> {
  const find = (name: TimelineTerm['name']) => {
    const term = terms.find((t) => t.name === name);
    if (term === undefined) throw new Error(`The term dates have no ${name} term for ${academicYear}/${(academicYear + 1) % 100}`);
    return term;
  };
  return { autumn: find('autumn'), spring: find('spring'), summer: find('summer') };
}

export function matchesAppliesTo(appliesTo: AppliesTo, person: PersonProfile): boolean {
  if (appliesTo.roles !== undefined && !appliesTo.roles.includes(person.role)) return false;
  if (appliesTo.anyFlags !== undefined && !hasAnyFlag(person, appliesTo.anyFlags)) return false;
  if (appliesTo.noFlags !== undefined && hasAnyFlag(person, appliesTo.noFlags)) return false;
  return true;
}

function ruleAppliesTo(rule: ObligationRule, person: PersonProfile, newStarter: boolean): boolean {
  if (rule.audience === 'in-post' && newStarter) return false;
  if (rule.audience === 'new-starters' && !newStarter) return false;
  return matchesAppliesTo(rule.appliesTo, person);
}

interface Period {
  suffix: string;
  period?: { start: string; end: string } | undefined;
}

function periodsOf(rule: ObligationRule, terms: Record<TimelineTerm['name'], TimelineTerm>, calendar: TimelineCalendar): Period[] {
  const all = [terms.autumn, terms.spring, terms.summer];
  switch (rule.repeat) {
    case 'once':
      return [{ suffix: '' }];
    case 'each-term':
      return all.map((term) => ({ suffix: `:${term.name}`, period: { start: termPoint(term, 'start', calendar), end: termPoint(term, 'end', calendar) } }));
    case 'each-half-term':
      return all.flatMap((term) => [
        { suffix: `:${term.name}-1`, period: { start: termPoint(term, 'start', calendar), end: termPoint(term, 'first-half-end', calendar) } },
        { suffix: `:${term.name}-2`, period: { start: termPoint(term, 'second-half-start', calendar), end: termPoint(term, 'end', calendar) } },
      ]);
  }
}

function makeObligation(rule: ObligationRule, suffix: string, context: DateContext): Obligation {
  return {
    id: `${rule.id}${suffix}`,
    kind: rule.kind,
    label: rule.label,
    opens: resolveDateRule(rule.opens, context),
    due: resolveDateRule(rule.due, context),
    owner: rule.owner,
    rule: rule.rule,
    optional: rule.optional,
  };
}

/**
 * Someone who joins part-way through owes nothing that fell due before they arrived, and nothing
 * opens before their first day. Nothing opens after a fixed-term contract ends; where the policy
 * says the cycle ends with the contract (002 §33), deadlines move forward to the contract's end.
 */
function fitToEmployment(obligation: Obligation, person: PersonProfile, fromStartDate: boolean, policy: Policy): Obligation | undefined {
  let { opens, due } = obligation;
  if (person.startDate !== undefined && !fromStartDate) {
    if (due < person.startDate) return undefined;
    if (opens < person.startDate) opens = person.startDate;
  }
  if (person.contractEnd !== undefined && due > person.contractEnd) {
    const cycleEndsWithContract = policy.coverage.fixedTermCycleEndsWithContract?.value === true;
    // The review closes the shortened cycle, so it moves to the contract's end rather than vanishing.
    if (cycleEndsWithContract && obligation.kind === 'end-of-cycle-review' && opens > person.contractEnd) opens = person.contractEnd;
    if (opens > person.contractEnd) return undefined;
    if (cycleEndsWithContract) due = person.contractEnd;
  }
  return { ...obligation, opens, due };
}
