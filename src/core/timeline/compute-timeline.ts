import { hasAnyFlag, type PersonProfile } from '../people/person.ts';
import type { AppliesTo, ObligationKind, ObligationRule, Owner, Policy } from '../policy/policy-schema.ts';
import { type Exclusion, decideCoverage } from './decide-coverage.ts';
import { type DateContext, deadlineOn, monthDayInAcademicYear, resolveDateRule, resolveDeadline, termPoint } from './resolve-date-rule.ts';
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

/** An excluded person, with what the policy still offers them (004 §2.2), if anything. */
export type ExcludedTimeline = Exclusion & { obligations: Obligation[] };

export type Timeline = { excluded: false; cycle: { start: string; end: string }; obligations: Obligation[] } | ExcludedTimeline;

/** Whose rules apply: staff in post at the cycle's start, new starters, or people the policy excludes. */
type Group = 'in-post' | 'new-starter' | 'excluded';

/**
 * Computes a person's obligations for one academic year (2026 = 2026/27) under a policy and a
 * school calendar. Pure: the same inputs always give the same timeline, so storing it is idempotent.
 *
 * A year is coherent for everyone: every deadline is on a school day (`deadlineOn`), nothing is due
 * before a person starts or after their contract ends, a review never opens before the reflection
 * and plan it reviews, and a new starter's first check-in is their check-in for that term.
 */
export function computeTimeline(policy: Policy, calendar: TimelineCalendar, profile: PersonProfile, academicYear: number): Timeline {
  const terms = termsByName(calendar.termsOfAcademicYear(academicYear), academicYear);
  const nextYear = termsByName(calendar.termsOfAcademicYear(academicYear + 1), academicYear + 1);
  const cycle = cycleDates(policy, academicYear);
  const person = restartedIn(profile, cycle);
  const context: DateContext = { calendar, academicYear, cycleStart: cycle.start, cycleEnd: cycle.end, terms, startDate: person.startDate };
  const exclusion = decideCoverage(policy, person, Object.values(terms), cycle, calendar, nextYear.autumn.start);
  if (exclusion !== undefined) {
    const offered = exclusion.stillOffered === undefined ? [] : obligationsFor(policy, person, 'excluded', context);
    return { ...exclusion, obligations: sorted(offered) };
  }

  const newStarter = person.startDate !== undefined && person.startDate > terms.autumn.start;
  const obligations = obligationsFor(policy, person, newStarter ? 'new-starter' : 'in-post', context);
  const tooLate = newStarter ? firstCycleTooLate(policy, obligations, terms.summer, calendar, person.startDate) : undefined;
  if (tooLate !== undefined) return { ...tooLate, obligations: [] };
  const coherent = reviewsAfterPlans(newStarter ? firstCheckInIsTheTermsCheckIn(policy, obligations, terms) : obligations);
  return { excluded: false, cycle, obligations: sorted(coherent) };
}

/**
 * 002 §35: a cycle the head decided begins again, on a day inside this cycle, is this person's
 * cycle as if they had started that day — the one planner, as for any new starter (002 §34). Other
 * years, and a restart before they started, change nothing.
 */
function restartedIn(person: PersonProfile, cycle: { start: string; end: string }): PersonProfile {
  const restart = person.cycleRestartedOn;
  if (restart === undefined || restart <= cycle.start || restart > cycle.end) return person;
  if (person.startDate !== undefined && person.startDate >= restart) return person;
  return { ...person, startDate: restart };
}

function sorted(obligations: Obligation[]): Obligation[] {
  return obligations.sort((a, b) => a.due.localeCompare(b.due) || a.opens.localeCompare(b.opens) || a.id.localeCompare(b.id));
}

function obligationsFor(policy: Policy, person: PersonProfile, group: Group, context: DateContext): Obligation[] {
  const obligations: Obligation[] = [];
  for (const rule of policy.obligations) {
    if (!ruleAppliesTo(rule, person, group)) continue;
    for (const { suffix, period } of periodsOf(rule, context.terms, context.calendar)) {
      const obligation = makeObligation(rule, suffix, { ...context, period });
      const fitted = fitToEmployment(obligation, person, rule.audience === 'new-starters', policy, context.calendar);
      if (fitted !== undefined) obligations.push(fitted);
    }
  }
  return obligations;
}

/**
 * A first cycle whose new-starter steps could not be finished before the summer term ends would
 * run into next year's cycle and repeat its reflection and plan: someone who joins that late
 * begins with next year's cycle instead (002 §34: the first cycle is brought into line with
 * everyone else's as soon as possible; 004 §4.3).
 */
function firstCycleTooLate(policy: Policy, obligations: readonly Obligation[], summer: TimelineTerm, calendar: TimelineCalendar, startDate: string | undefined): Exclusion | undefined {
  const lastDay = termPoint(summer, 'end', calendar);
  const late = obligations.find((o) => policy.obligations.some((rule) => rule.audience === 'new-starters' && o.id === rule.id) && o.due > lastDay);
  if (late === undefined) return undefined;
  return {
    excluded: true,
    code: 'not-in-post',
    reason: `Starts on ${startDate}, too late for a first cycle this year (${late.label.toLowerCase()} would fall due after the summer term ends on ${lastDay}): their first cycle is next year's`,
    rule: late.rule,
  };
}

const PLANNING_KINDS: ReadonlySet<ObligationKind> = new Set(['self-reflection', 'plan-agreed', 'leadership-goal']);
const REVIEW_KINDS: ReadonlySet<ObligationKind> = new Set(['interim-review', 'end-of-cycle-review', 'close-down']);

/**
 * A review looks back on a reflection and a plan, so it never opens before they are due: a late
 * joiner's review opens when their first plan is due, and one that then could not open before its
 * own deadline is dropped (002 §34, 003 §7.3, 004 §4.3).
 */
function reviewsAfterPlans(obligations: readonly Obligation[]): Obligation[] {
  const planned = obligations.filter((o) => PLANNING_KINDS.has(o.kind)).map((o) => o.due);
  if (planned.length === 0) return [...obligations];
  const floor = planned.reduce((max, due) => (due > max ? due : max));
  return obligations.flatMap((o) => {
    if (!REVIEW_KINDS.has(o.kind) || o.opens >= floor) return [o];
    return floor > o.due ? [] : [{ ...o, opens: floor }];
  });
}

/**
 * A new starter's first check-in (004 §4.3: by week 4) is the check-in of the term it falls in
 * (004 §6.3: one each term), so that term's own check-in is not asked for as well.
 */
function firstCheckInIsTheTermsCheckIn(policy: Policy, obligations: readonly Obligation[], terms: Record<TimelineTerm['name'], TimelineTerm>): Obligation[] {
  const forNewStarters = new Set(policy.obligations.filter((rule) => rule.audience === 'new-starters').map((rule) => rule.id));
  const termOf = (date: string) => Object.values(terms).find((term) => term.start <= date && date <= term.end)?.name;
  const firstCheckInTerms = new Set(obligations.filter((o) => o.kind === 'check-in' && forNewStarters.has(o.id)).map((o) => termOf(o.due)));
  return obligations.filter((o) => o.kind !== 'check-in' || forNewStarters.has(o.id) || !firstCheckInTerms.has(termOf(o.due)));
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

function ruleAppliesTo(rule: ObligationRule, person: PersonProfile, group: Group): boolean {
  const audiences: Record<Group, readonly ObligationRule['audience'][]> = {
    'in-post': ['everyone', 'in-post'],
    'new-starter': ['everyone', 'new-starters'],
    excluded: ['excluded'],
  };
  return audiences[group].includes(rule.audience) && matchesAppliesTo(rule.appliesTo, person);
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
    due: resolveDeadline(rule.due, context),
    owner: rule.owner,
    rule: rule.rule,
    optional: rule.optional,
  };
}

/**
 * Someone who joins part-way through owes nothing that fell due before they arrived, and nothing
 * opens before their first day. Nobody owes anything due after their contract ends, under any
 * policy: what is open by then falls due on its last school day (`deadlineOn`), and what would
 * open later is not asked for. Where the policy says the cycle ends with the contract (002 §33),
 * the review that closes the shortened cycle moves to the contract's end rather than vanishing.
 */
function fitToEmployment(obligation: Obligation, person: PersonProfile, fromStartDate: boolean, policy: Policy, calendar: TimelineCalendar): Obligation | undefined {
  let { opens, due } = obligation;
  if (person.startDate !== undefined && !fromStartDate) {
    if (due < person.startDate) return undefined;
    if (opens < person.startDate) opens = person.startDate;
  }
  if (person.contractEnd !== undefined && due > person.contractEnd) {
    const cycleEndsWithContract = policy.coverage.fixedTermCycleEndsWithContract?.value === true;
    if (cycleEndsWithContract && obligation.kind === 'end-of-cycle-review' && opens > person.contractEnd) opens = person.contractEnd;
    if (opens > person.contractEnd) return undefined;
    due = deadlineOn(person.contractEnd, calendar);
  }
  // Holding a deadline back to a school day can take it before a day it opened on in a holiday.
  if (opens > due) opens = due;
  if (person.startDate !== undefined && due < person.startDate) return undefined;
  return { ...obligation, opens, due };
}
