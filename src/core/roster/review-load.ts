import { hasAnyFlag } from '../people/person.ts';
import type { StaffMember } from '../people/staff-member.ts';
import type { Policy } from '../policy/policy-schema.ts';

/** A reviewer with more reviewees than the policy expects one person to review. */
export interface ReviewLoadWarning {
  reviewer: string;
  reviewees: string[];
  max: number;
  rule: string;
}

/**
 * 002 §25: "with the exception of those teachers on the leadership scale, the maximum number of
 * reviews that any line manager will be expected to undertake per cycle is 5". Counts, for each
 * active reviewer (the current reviewer, else the line manager), the active staff of the roles
 * the policy covers whom they review; a reviewer with one of `maxExemptFlags` may review more.
 * A warning, not a refusal: the head decides whether the exception stands.
 */
export function reviewLoadWarnings(policy: Policy, staff: readonly StaffMember[]): ReviewLoadWarning[] {
  const { maxRevieweesPerReviewer: max, maxExemptFlags, rule } = policy.reviewers;
  if (max === undefined) return [];
  const byId = new Map(staff.map((person) => [person.id, person]));
  const reviewees = new Map<string, string[]>();
  for (const person of staff) {
    if (!person.active || !policy.coverage.roles.includes(person.role)) continue;
    const reviewerId = person.reviewerId ?? person.lineManagerId;
    if (reviewerId === undefined) continue;
    reviewees.set(reviewerId, [...(reviewees.get(reviewerId) ?? []), person.fullName]);
  }
  const warnings: ReviewLoadWarning[] = [];
  for (const [reviewerId, names] of reviewees) {
    const reviewer = byId.get(reviewerId);
    if (reviewer === undefined || names.length <= max || hasAnyFlag(reviewer, maxExemptFlags)) continue;
    warnings.push({ reviewer: reviewer.fullName, reviewees: [...names].sort(), max, rule });
  }
  return warnings.sort((a, b) => a.reviewer.localeCompare(b.reviewer));
}
