import { HEAD_REVIEWER_NAMES, type HeadReviewer, headReviewersOf, relationshipsOn, type SubjectFacts } from '../access/relationships.ts';
import type { IsoDate } from '../calendar/iso-date.ts';
import type { StaffMember } from '../people/staff-member.ts';
import { type HeadReviewerCopy, headReviewerCopies } from '../reminders/head-reviewer-reminders.ts';
import { ownerToRemind } from '../reminders/plan-reminders.ts';
import type { School } from '../schools/school.ts';
import { type PlannedObligation, planObligations } from './plan-obligations.ts';

/** Someone named: on the roster (with their e-mail) or a contact the school named. */
export interface NamedOwner {
  fullName: string;
  email?: string | undefined;
  /** Why they are the owner, when it is not plain: “the trust’s CEO, chairing”. */
  as?: string | undefined;
}

/** One item of a person's year with who owes it, resolved to people or bodies, and who is reminded of it. */
export interface ResolvedItem {
  id: string;
  kind: string;
  label: string;
  opens: IsoDate;
  due: IsoDate;
  rule: string;
  optional: boolean;
  /** The policy's owner: reviewee, reviewer, coach, head, governors. */
  ownerRole: string;
  /** Who that is for this person: people, named contacts, or a body named in words. */
  owners: (NamedOwner | { body: string })[];
  /**
   * Who Trellis reminds: the person reminded, then for the head's items the head's reviewers who
   * get a copy (the CEO in their digest, named contacts by e-mail when e-mail is configured,
   * `headReviewerCopies`); empty when nobody can be (no reviewer on the roster).
   */
  reminded: NamedOwner[];
}

export interface ResolvedYear {
  excluded?: { reason: string; rule: string } | undefined;
  /** For the head: who reviews them, by the policy (002 §22–24, 003 §6.3, 004 §9.1). */
  headReviewers: (NamedOwner | { body: string })[];
  items: ResolvedItem[];
}

/**
 * One person's year with the owner of each item resolved to a person or body, as the roster
 * import stores it and the sweep reminds it (`planObligations`, `ownerToRemind`), so an
 * administrator can check who will be reminded (`trellis timeline --school … --email …`). What
 * the governors owe with the head is owned by the head's reviewers (`headReviewersOf`) and
 * reminded to the head, who takes part. `people` names everyone the ids may point to.
 */
export function resolvedYear(input: {
  school: School;
  staff: readonly StaffMember[];
  person: StaffMember;
  facts: SubjectFacts;
  people: ReadonlyMap<string, { fullName: string; email?: string | undefined }>;
  academicYear: number;
  today: IsoDate;
  /** Whether e-mail is configured (`SMTP_URL`, `SMTP_FROM`), so named contacts with an address are e-mailed. */
  emailEnabled?: boolean | undefined;
}): ResolvedYear {
  const { school, person, facts, people } = input;
  const cycle = planObligations(school, input.staff, input.academicYear).find((c) => c.personId === person.id);
  const named = (id: string | undefined, as?: string): NamedOwner | undefined => {
    const found = id === undefined ? undefined : people.get(id);
    return found === undefined ? undefined : { fullName: found.fullName, email: found.email, as };
  };
  const isHead = person.role === 'headteacher';
  const reviewers = isHead ? headReviewersOf(relationshipsOn(facts, input.today), school.policy, facts.headReviewerContacts ?? []) : [];
  const panel = reviewers.map((r) => reviewerAsOwner(r, named));
  const items = (cycle?.obligations ?? []).map((o: PlannedObligation): ResolvedItem => {
    const owner = named(o.ownerPersonId);
    // The head's own reviewers owe what governors owe (002 §22), and what a head with no one over them on the roster owes with their reviewer (003 §6.3, 004 §9.1).
    const panelOwes = o.owner === 'governors' || (isHead && panel.length > 0 && (o.owner === 'reviewer' || o.owner === 'coach'));
    const owners = owner !== undefined ? [owner] : panelOwes ? (panel.length > 0 ? panel : [{ body: 'the governing body' }]) : [];
    const obligation = { ownerPersonId: o.ownerPersonId, ownerRole: o.owner, personId: person.id };
    const recipientId = ownerToRemind(obligation, isHead && school.policy.headReviewers !== undefined);
    const recipient = named(recipientId);
    const copies = recipientId === undefined ? [] : headReviewerCopies(obligation, recipientId, person.id, reviewers, input.emailEnabled === true).flatMap((copy) => copyAsReminded(copy, named));
    const reminded = recipient === undefined ? [] : [recipient, ...copies];
    return { id: o.id, kind: o.kind, label: o.label, opens: o.opens, due: o.due, rule: o.rule, optional: o.optional, ownerRole: o.owner, owners, reminded };
  });
  return { excluded: cycle?.exclusion === undefined ? undefined : { reason: cycle.exclusion.reason, rule: cycle.exclusion.rule }, headReviewers: panel, items };
}

/** A head's reviewer who gets a copy of a reminder, and how: “Cas Ceo <ceo@…> (the trust’s CEO, chairing, in their digest)”. */
function copyAsReminded(copy: HeadReviewerCopy, named: (id: string, as?: string) => NamedOwner | undefined): NamedOwner[] {
  const as = `${HEAD_REVIEWER_NAMES[copy.member]}${copy.chairs ? ', chairing' : ''}`;
  if (copy.kind === 'contact') return [{ fullName: copy.fullName, email: copy.email, as: `${as}, by e-mail` }];
  const person = named(copy.id, `${as}, in their digest`);
  return person === undefined ? [] : [person];
}

function reviewerAsOwner(reviewer: HeadReviewer, named: (id: string, as?: string) => NamedOwner | undefined): NamedOwner | { body: string } {
  const as = `${HEAD_REVIEWER_NAMES[reviewer.member]}${reviewer.chairs ? ', chairing' : ''}`;
  switch (reviewer.kind) {
    case 'person':
      return named(reviewer.id, as) ?? { body: as };
    case 'contact':
      return { fullName: reviewer.fullName, email: reviewer.email, as };
    case 'body':
      return { body: `${as} (no one named: \`trellis school contact\`)` };
  }
}

/** “Mo Maths <mo@school.org> (the trust’s CEO, chairing)”, or the body in words. */
export function ownerText(owner: NamedOwner | { body: string }): string {
  if ('body' in owner) return owner.body;
  return `${owner.fullName}${owner.email === undefined ? '' : ` <${owner.email}>`}${owner.as === undefined ? '' : ` (${owner.as})`}`;
}
