import type { IsoDate } from '../calendar/iso-date.ts';
import type { Flag, Role } from '../people/person.ts';
import type { HeadReviewerMember, Policy } from '../policy/policy-schema.ts';

/**
 * One model of who is who. Storage returns the plain facts about a person (one SQL query in
 * `src/storage/prisma/prisma-access-relationships.ts`); this module alone decides, for a day,
 * who their line manager, reviewer, coach, head, trust leaders and appeal manager are.
 */

/** A person as the access rule and the relationships need them: nothing about their records. */
export interface PersonFacts {
  id: string;
  fullName: string;
  /** Work e-mail, when the roster has one. */
  email?: string | undefined;
  schoolId: string;
  /** The school's trust, when it belongs to one. */
  trustId?: string | undefined;
  role: Role;
  flags: readonly Flag[];
  /** The roster's full-time equivalent, when it gives one (002 Annex 1 §3, 004 §5.9). */
  fte?: number | undefined;
  department?: string | undefined;
  lineManagerId?: string | undefined;
  active: boolean;
}

/** One row of `reviewer_assignments`: the history of who reviewed or coached the person. */
export interface AssignmentFact {
  kind: 'reviewer' | 'coach';
  personId: string;
  startsOn: IsoDate;
  endsOn?: IsoDate | undefined;
  /** `roster` when the importer made it from the line manager or coach column; anything else was decided for a reason (002 §27–28, 004 §3.10). */
  reason?: string | undefined;
}

/** Everything storage knows that decides a person's relationships; `assignments` come oldest first. */
export interface SubjectFacts {
  person: PersonFacts;
  assignments: readonly AssignmentFact[];
  /** The school policy's default reviewer: the line manager, or the coach (003 §6.1). */
  defaultReviewer: Policy['reviewers']['defaultReviewer'];
  /** Active headteachers of the person's own school, earliest on the roster first. */
  headIds: readonly string[];
  /** Active people of the school flagged `pm-deputy`: the deputy the head delegated performance management to (002 §18). */
  deputyIds: readonly string[];
  /** Active `trust-leader`s of the school's trust (or of the school, when it has no trust). */
  trustLeaderIds: readonly string[];
  /** The school policy's access-on-request rules (002 §18); absent means the policy has none. */
  confidentiality?: Pick<Policy['confidentiality'], 'lineManagerAccessOnRequest' | 'tellRevieweeWhoWasGrantedAccess' | 'rule'> | undefined;
  /** The school policy's head's reviewers (002 §22–24, 003 §6.3, 004 §9.1); absent when the policy does not say (001). */
  headReviewers?: Policy['headReviewers'] | undefined;
  /** The head's reviewers the school named who are not on the roster (governors, an external adviser); none when absent. */
  headReviewerContacts?: readonly HeadReviewerContact[] | undefined;
  /** The school policy's rules on changing reviewer (002 §27–29, 004 §3.10); absent means the policy has none. */
  reviewerChanges?: Pick<Policy['reviewers'], 'revieweeMayRequestChange' | 'changingReviewerRestartsCycle' | 'replacementStatusAtLeastLineManager' | 'rule'> | undefined;
}

export type ReviewerBasis =
  /** Delegated to, or a replacement after a request (002 §25–28, 004 §3.10). */
  | 'delegated'
  /** The policy makes the coach the reviewer (003 §6.1). */
  | 'coach'
  /** The line manager, the default (002 §25, 004 §3.9). */
  | 'line-manager';

export interface Relationships {
  personId: string;
  schoolId: string;
  trustId?: string | undefined;
  on: IsoDate;
  lineManagerId?: string | undefined;
  reviewer?: { id: string; basis: ReviewerBasis } | undefined;
  coachId?: string | undefined;
  /** The head of this person's own school (never another school's head). */
  headId?: string | undefined;
  deputyIds: readonly string[];
  trustLeaderIds: readonly string[];
  /**
   * For the head only: the people on the roster the policy names as the head's own reviewers
   * (002 §22–24: the CEO chairing the governors' panel; 003 §6.3: the CEO), who have reviewer
   * powers over the head. Empty for anyone else, and under 004 §9.1 (an external adviser, not on
   * the roster: the head's line manager, if any, is their reviewer as anyone's).
   */
  headReviewerIds?: readonly string[] | undefined;
}

function inForce(assignment: AssignmentFact, on: IsoDate): boolean {
  return assignment.startsOn <= on && (assignment.endsOn === undefined || assignment.endsOn >= on);
}

/**
 * The latest matching assignment in force on a day. Assignments come oldest first; on a day one
 * ends and its successor starts (a change made that day), the later one wins.
 */
function latest(assignments: readonly AssignmentFact[], on: IsoDate, match: (a: AssignmentFact) => boolean): AssignmentFact | undefined {
  let found: AssignmentFact | undefined;
  for (const a of assignments) if (inForce(a, on) && match(a) && (found === undefined || a.startsOn >= found.startsOn)) found = a;
  return found;
}

/**
 * Who is who for a person on a day. The reviewer is, in order: a reviewer delegated or replaced
 * for a reason (002 §25–28, 004 §3.10); the coach where the policy makes the coach the reviewer
 * (003 §6.1); the reviewer the roster gave (the line manager at the time); the line manager.
 */
export function relationshipsOn(facts: SubjectFacts, on: IsoDate): Relationships {
  const { person, assignments } = facts;
  const coach = latest(assignments, on, (a) => a.kind === 'coach');
  const delegated = latest(assignments, on, (a) => a.kind === 'reviewer' && a.reason !== 'roster');
  const rostered = latest(assignments, on, (a) => a.kind === 'reviewer' && a.reason === 'roster');
  let reviewer: Relationships['reviewer'];
  if (delegated !== undefined) reviewer = { id: delegated.personId, basis: 'delegated' };
  else if (facts.defaultReviewer === 'coach' && coach !== undefined) reviewer = { id: coach.personId, basis: 'coach' };
  else if (rostered !== undefined) reviewer = { id: rostered.personId, basis: 'line-manager' };
  else if (person.lineManagerId !== undefined) reviewer = { id: person.lineManagerId, basis: 'line-manager' };
  const relationships: Relationships = {
    personId: person.id,
    schoolId: person.schoolId,
    trustId: person.trustId,
    on,
    lineManagerId: person.lineManagerId,
    reviewer: reviewer?.id === person.id ? undefined : reviewer,
    coachId: coach?.personId,
    headId: facts.headIds[0],
    deputyIds: facts.deputyIds.filter((id) => id !== person.id),
    trustLeaderIds: facts.trustLeaderIds,
  };
  if (relationships.headId !== person.id || facts.headReviewers === undefined) return relationships;
  const onRoster = headReviewersOf(relationships, { headReviewers: facts.headReviewers }).flatMap((r) => (r.kind === 'person' && r.id !== person.id ? [r.id] : []));
  return { ...relationships, headReviewerIds: onRoster };
}

/**
 * Who decides a request about this person (access to their plan, 002 §18; another reviewer, 002
 * §27, 004 §3.10): the head of their school or the deputy the head named for performance management.
 */
export function decidesRequestsAbout(deciderId: string, relationships: Relationships): boolean {
  return relationships.headId === deciderId || relationships.deputyIds.includes(deciderId);
}

/**
 * Reviewer powers (reading and agreeing plans, observations that count towards the cap, acting on
 * reminders): the reviewer only, so a coach only where the policy makes the coach the reviewer
 * (003 §6.1); for the head, also the head's own reviewer on the roster the policy names (002
 * §22–24: the CEO chairing the panel; 003 §6.3: the CEO).
 */
export function hasReviewerPowers(viewerId: string, relationships: { reviewer?: { id: string } | undefined; headReviewerIds?: readonly string[] | undefined }): boolean {
  return relationships.reviewer?.id === viewerId || (relationships.headReviewerIds?.includes(viewerId) ?? false);
}

export type AppealManager = { kind: 'person'; id: string; because: string } | { kind: 'body'; name: string; because: string };

/**
 * Who hears an appeal (002 §16): the head, unless the head took part in the review (or the appeal
 * is the head's own), then the trust's CEO or the chair of governors as the policy says.
 */
export function appealManagerOf(relationships: Relationships, appeals: NonNullable<Policy['appeals']>, headTookPart: boolean): AppealManager | undefined {
  const headIsOut = headTookPart || relationships.headId === undefined || relationships.headId === relationships.personId;
  if (!headIsOut && relationships.headId !== undefined) return { kind: 'person', id: relationships.headId, because: `the head hears appeals (${appeals.rule})` };
  const because = `the head took part in the review, so the appeal goes to ${appeals.appealManager.ifHeadTookPart === 'trust-ceo' ? 'the trust’s CEO' : 'the chair of governors'} (${appeals.rule})`;
  if (appeals.appealManager.ifHeadTookPart === 'trust-ceo') {
    const ceo = relationships.trustLeaderIds[0];
    return ceo === undefined ? { kind: 'body', name: 'the trust’s CEO', because } : { kind: 'person', id: ceo, because };
  }
  return { kind: 'body', name: 'the chair of governors', because };
}

/** The people (among candidates) a viewer reviews on a day, by the one rule above. */
export function revieweesAmong(viewerId: string, candidates: readonly SubjectFacts[], on: IsoDate): SubjectFacts[] {
  return candidates.filter((facts) => facts.person.active && hasReviewerPowers(viewerId, relationshipsOn(facts, on)));
}

/** What each kind of head's reviewer is called in a message. */
export const HEAD_REVIEWER_NAMES: Record<HeadReviewerMember, string> = {
  'trust-ceo': 'the trust’s CEO',
  'chair-of-governors': 'the chair of the local governing body',
  'governors-panel': 'the governors appointed to review the head',
  'external-adviser': 'the external school improvement partner',
};

/** A head's reviewer who is not on the roster, named by the school so they can be told and shown (governors, an external adviser). */
export interface HeadReviewerContact {
  member: HeadReviewerMember;
  fullName: string;
  email?: string | undefined;
}

/** One of the head's reviewers: someone on the roster, a named contact, or only the body the policy names. */
export type HeadReviewer = { member: HeadReviewerMember; chairs: boolean } & ({ kind: 'person'; id: string } | { kind: 'contact'; fullName: string; email?: string | undefined } | { kind: 'body' });

/**
 * Who reviews the head (002 §22–24, 003 §6.3, 004 §9.1), in the policy's order: the trust's CEO is
 * the roster's trust leader (or a named contact); governors and an external adviser are the
 * school's named contacts, or the body the policy names when the school has named no one. Empty
 * when the policy does not say (001): the head's reviewer is then their line manager, as anyone's.
 */
export function headReviewersOf(relationships: Relationships, policy: Pick<Policy, 'headReviewers'>, contacts: readonly HeadReviewerContact[] = []): HeadReviewer[] {
  const panel = policy.headReviewers;
  if (panel === undefined) return [];
  return panel.members.flatMap((member): HeadReviewer[] => {
    const chairs = panel.chair === member;
    const ceo = member === 'trust-ceo' ? relationships.trustLeaderIds[0] : undefined;
    if (ceo !== undefined) return [{ member, chairs, kind: 'person', id: ceo }];
    const named = contacts.filter((contact) => contact.member === member);
    if (named.length > 0) return named.map((contact) => ({ member, chairs, kind: 'contact', fullName: contact.fullName, email: contact.email }));
    return [{ member, chairs, kind: 'body' }];
  });
}
