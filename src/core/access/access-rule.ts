import type { IsoDate } from '../calendar/iso-date.ts';
import type { PersonFacts, Relationships } from './relationships.ts';

/** What someone might read about a person. `obligations` is what is due and overdue (names and dates, no answers). */
export const RECORD_KINDS = ['growth-plan', 'self-reflection', 'check-ins', 'observations', 'feedback', 'review', 'appeal', 'diary', 'obligations'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** Why a read by someone else was allowed; each is written to the access log. */
/**
 * Why someone other than the person may see their records. `escalation` is never given by
 * `mayRead`: it is the reminder cadence's own disclosure (an overdue item someone else owes about
 * the person is escalated to that owner's manager, `policy.reminders`), logged as such.
 */
export const ACCESS_REASONS = ['reviewer', 'head', 'pm-deputy', 'trust-leader', 'coach', 'access-grant', 'escalation'] as const;
export type AccessReason = (typeof ACCESS_REASONS)[number];

export type AccessDecision =
  | { allowed: true; reason: 'self' }
  | { allowed: true; reason: AccessReason; grantId?: string | undefined }
  | { allowed: false; why: string };

/** An access grant on request (002 §18): a line manager who is not the reviewer, to the plan, for a period. */
export interface GrantFact {
  id: string;
  requesterId: string;
  subjectId: string;
  grantedAt: Date;
  expiresAt?: Date | undefined;
  revokedAt?: Date | undefined;
}

/** Records a coach who is not the reviewer holds with a coachee: the feedback conversation after a visit (001 “Feedback”). */
const COACH_KINDS: readonly RecordKind[] = ['feedback', 'obligations'];

/** Records a grant opens: the plan recorded in the statement, and nothing else (002 §18). */
const GRANT_KINDS: readonly RecordKind[] = ['growth-plan'];

/**
 * The one access rule. A person always reads their own records. Someone else may read them only:
 * as their reviewer (delegated or replacement reviewers included; a coach only where the policy
 * makes the coach the reviewer, 003 §6.1); as the head of their own school, or the deputy the
 * head delegated performance management to (002 §18; the deputy not the head's own records,
 * which the governors review, 002 §22); as a trust leader, the heads of the trust's schools (002
 * §22, 003 §6.3); as their coach, for feedback; or with an unexpired grant (002 §18). A growth
 * diary is private to its writer. Everything else is refused.
 */
export function mayRead(viewer: PersonFacts, subject: Relationships, kind: RecordKind, at: Date, grants: readonly GrantFact[] = []): AccessDecision {
  if (viewer.id === subject.personId) return { allowed: true, reason: 'self' };
  if (!viewer.active) return refuse('you are no longer on the staff list');
  if (kind === 'diary') return refuse('a growth diary is private to the person who writes it');
  const sameSchool = viewer.schoolId === subject.schoolId;
  if (sameSchool && subject.reviewer?.id === viewer.id) return { allowed: true, reason: 'reviewer' };
  if (sameSchool && subject.headId === viewer.id) return { allowed: true, reason: 'head' };
  const subjectIsHead = subject.headId === subject.personId;
  if (sameSchool && !subjectIsHead && subject.deputyIds.includes(viewer.id)) return { allowed: true, reason: 'pm-deputy' };
  if (subjectIsHead && subject.trustLeaderIds.includes(viewer.id)) return { allowed: true, reason: 'trust-leader' };
  if (sameSchool && subject.coachId === viewer.id && COACH_KINDS.includes(kind)) return { allowed: true, reason: 'coach' };
  if (GRANT_KINDS.includes(kind)) {
    const grant = grants.find((g) => g.requesterId === viewer.id && g.subjectId === subject.personId && isLive(g, at));
    if (grant !== undefined) return { allowed: true, reason: 'access-grant', grantId: grant.id };
  }
  return refuse('only the person, their reviewer and the head (or the deputy the head delegated to) may see these records');
}

export function isLive(grant: GrantFact, at: Date): boolean {
  return grant.grantedAt <= at && grant.revokedAt === undefined && (grant.expiresAt === undefined || grant.expiresAt > at);
}

function refuse(why: string): AccessDecision {
  return { allowed: false, why };
}

/** The reason in plain words, as the person whose records were read is told it. */
export function reasonInWords(reason: AccessReason): string {
  switch (reason) {
    case 'reviewer':
      return 'as your reviewer';
    case 'head':
      return 'as your head';
    case 'pm-deputy':
      return 'as the deputy head responsible for performance management';
    case 'trust-leader':
      return 'as a trust leader';
    case 'coach':
      return 'as your coach';
    case 'access-grant':
      return 'with access the head granted on request';
    case 'escalation':
      return 'because an overdue item of your cycle that someone else owes was escalated to them, as your school’s reminder rules say';
  }
}

/** A record kind in plain words: "your growth plan". */
export function recordKindInWords(kind: string): string {
  const words: Record<RecordKind, string> = {
    'growth-plan': 'your growth plan',
    'self-reflection': 'your self-reflection',
    'check-ins': 'your check-in notes',
    observations: 'your observation records',
    feedback: 'your feedback records',
    review: 'your review',
    appeal: 'your appeal',
    diary: 'your growth diary',
    obligations: 'what is due and overdue in your cycle',
  };
  return (words as Record<string, string>)[kind] ?? kind;
}

/**
 * Why someone else's records were in front of the viewer when they did not open them themselves:
 * a line manager's reminder digest that lists a reviewee's items, or the check-in window shown
 * while booking a check-in. A direct read (a report, `see-plan`, `agree`) has none.
 */
export const ACCESS_PURPOSES = ['digest', 'scheduling'] as const;
export type AccessPurpose = (typeof ACCESS_PURPOSES)[number];

/** The purpose in plain words, after the reason: "… as your reviewer, in their reminder digest". */
export function purposeInWords(purpose: string | undefined): string {
  switch (purpose) {
    case 'digest':
      return ', in their reminder digest';
    case 'scheduling':
      return ', while booking a check-in with you';
    default:
      return '';
  }
}

/**
 * One read by someone else, as logged. The store keeps one row per viewer, person, record, rule,
 * purpose and London day: a manager's daily digest naming a reviewee is one row a day, not one per
 * item or per delivery attempt.
 */
export type AccessLogEntry = {
  viewerId: string;
  subjectId: string;
  resource: RecordKind;
  reason: AccessReason;
  grantId?: string | undefined;
  purpose?: AccessPurpose | undefined;
  at: Date;
  day: IsoDate;
};
