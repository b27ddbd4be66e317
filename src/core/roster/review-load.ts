import { hasAnyFlag } from '../people/person.ts';
import type { StaffMember } from '../people/staff-member.ts';
import type { Policy } from '../policy/policy-schema.ts';
import { readableDate } from '../reports/readable-date.ts';
import { londonDateOf } from '../calendar/london-time.ts';
import { academicYearOf } from '../time/clock.ts';

/**
 * The head's confirmation (002 §25) that a line manager may review more people than the policy
 * expects, as the audit trail holds it: for whom (by e-mail, so a roster file's preview matches
 * it too), how many they reviewed then, who confirmed it and when.
 */
export interface ReviewLoadException {
  reviewerEmail: string;
  count: number;
  confirmedBy: string;
  at: Date;
  reason?: string | undefined;
}

/** A reviewer with more reviewees than the policy expects one person to review. */
export interface ReviewLoadWarning {
  reviewer: string;
  reviewerEmail: string;
  reviewees: string[];
  max: number;
  rule: string;
  /** The head's latest confirmation for this reviewer in this academic year, if any; it covers the load while `reviewees.length` is at most its count. */
  confirmed?: ReviewLoadException | undefined;
}

/** Who each reviewer reviews: the current reviewer, else the line manager, of the active staff of the roles the policy covers. */
function revieweesByReviewer(policy: Policy, staff: readonly StaffMember[]): Map<string, string[]> {
  const reviewees = new Map<string, string[]>();
  for (const person of staff) {
    if (!person.active || !policy.coverage.roles.includes(person.role)) continue;
    const reviewerId = person.reviewerId ?? person.lineManagerId;
    if (reviewerId === undefined) continue;
    reviewees.set(reviewerId, [...(reviewees.get(reviewerId) ?? []), person.fullName]);
  }
  return reviewees;
}

/**
 * 002 §25: "with the exception of those teachers on the leadership scale, the maximum number of
 * reviews that any line manager will be expected to undertake per cycle is 5". Counts, for each
 * active reviewer (the current reviewer, else the line manager), the active staff of the roles
 * the policy covers whom they review; a reviewer with one of its `exemptFlags` may review more.
 * A warning, not a refusal: the head decides whether the exception stands (`allow-reviewees`),
 * and the head's latest confirmation for the reviewer in `confirmed.academicYear` is attached to it
 * ("per cycle": a confirmation from an earlier year does not carry over).
 */
export function reviewLoadWarnings(policy: Policy, staff: readonly StaffMember[], confirmed?: { exceptions: readonly ReviewLoadException[]; academicYear: number }): ReviewLoadWarning[] {
  const limit = policy.reviewers.revieweeLimit;
  if (limit === undefined) return [];
  const { max, exemptFlags, rule } = limit;
  const byId = new Map(staff.map((person) => [person.id, person]));
  const warnings: ReviewLoadWarning[] = [];
  for (const [reviewerId, names] of revieweesByReviewer(policy, staff)) {
    const reviewer = byId.get(reviewerId);
    if (reviewer === undefined || names.length <= max || hasAnyFlag(reviewer, exemptFlags)) continue;
    const exception = confirmed === undefined ? undefined : latestException(confirmed.exceptions, reviewer.email, confirmed.academicYear);
    warnings.push({ reviewer: reviewer.fullName, reviewerEmail: reviewer.email, reviewees: [...names].sort(), max, rule, ...(exception === undefined ? {} : { confirmed: exception }) });
  }
  return warnings.sort((a, b) => a.reviewer.localeCompare(b.reviewer));
}

/** How many people this reviewer reviews, and whether the policy's limit applies to them (absent: no limit for them). */
export function reviewLoadOf(policy: Policy, staff: readonly StaffMember[], reviewer: StaffMember): { count: number; max: number } | undefined {
  const limit = policy.reviewers.revieweeLimit;
  if (limit === undefined || hasAnyFlag(reviewer, limit.exemptFlags)) return undefined;
  return { count: revieweesByReviewer(policy, staff).get(reviewer.id)?.length ?? 0, max: limit.max };
}

function latestException(exceptions: readonly ReviewLoadException[], email: string, academicYear: number): ReviewLoadException | undefined {
  return exceptions.filter((e) => e.reviewerEmail === email && academicYearOf(londonDateOf(e.at)) === academicYear).sort((a, b) => b.at.getTime() - a.at.getTime())[0];
}

/**
 * The one wording of a warning, for `import roster` (`reviews`) and the admin console's preview
 * (`would review`): asking the head to decide, saying the head confirmed it, or saying the load
 * has grown past what the head confirmed.
 */
export function describeReviewLoadWarning(w: ReviewLoadWarning, verb: 'reviews' | 'would review'): string {
  const load = `${w.reviewer} ${verb} ${w.reviewees.length} people (${w.reviewees.join(', ')}); the policy expects at most ${w.max} (${w.rule}).`;
  const c = w.confirmed;
  if (c === undefined) return `${load} Ask the head to confirm the exception or to name another reviewer.`;
  const when = readableDate(londonDateOf(c.at));
  if (w.reviewees.length <= c.count) return `${load} ${c.confirmedBy} confirmed the exception on ${when}, for up to ${c.count}${c.reason === undefined ? '' : ` (“${c.reason}”)`}.`;
  return `${load} ${c.confirmedBy} confirmed the exception on ${when} for ${c.count}, and it is now more: ask the head to confirm it again or to name another reviewer.`;
}
