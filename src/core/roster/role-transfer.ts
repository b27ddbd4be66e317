import type { IsoDate } from '../calendar/iso-date.ts';
import type { SchoolCalendar } from '../calendar/school-calendar.ts';
import type { DeadlineObligation } from '../deadlines/deadline-obligation.ts';
import type { StaffMember } from '../people/staff-member.ts';
import type { Policy } from '../policy/policy-schema.ts';
import type { PlannedCycle } from '../timeline/plan-obligations.ts';

/**
 * How long the original reviewer has for the check-in before the new post (003 §7.4, 004 §4.4):
 * the roster carries no date for the move, so the import day stands for it and the check-in is
 * asked for within this many school days of it.
 */
export const TRANSFER_CHECK_IN_SCHOOL_DAYS = 5;

/** Someone whose line manager or role a roster import changed part-way through their cycle. */
export interface RoleTransfer {
  personId: string;
  fullName: string;
  email: string;
  /** Their reviewer before the move (the coach, where the policy makes the coach the reviewer). */
  originalReviewerId?: string | undefined;
  newReviewerId?: string | undefined;
  /** What the policy says happens now, in plain words for whoever ran the import. */
  consequences: string[];
  /** 003 §7.4, 004 §4.4: the check-in the original reviewer owes before the new post. */
  checkIn?: { ownerPersonId: string; opensOn: IsoDate; dueOn: IsoDate; label: string; rule: string } | undefined;
}

/**
 * The one rule for a move to a new post part-way through a cycle (002 §35, 003 §7.4, 004 §4.4),
 * applied by the roster import to the staff before and after it. A move is a changed line manager
 * or role for someone active both times whose cycle this year has begun and not ended. The open
 * items pass to the new reviewer by the import's own sync and what is done stays; this adds what
 * the policy asks on top: the original reviewer's check-in before the new post (003 §7.4, 004
 * §4.4), or the head's decision on restarting the cycle and changing the reviewer (002 §35).
 */
export function roleTransfers(input: {
  policy: Policy;
  calendar: SchoolCalendar;
  before: readonly StaffMember[];
  after: readonly StaffMember[];
  cycles: readonly PlannedCycle[];
  today: IsoDate;
}): RoleTransfer[] {
  const { policy, calendar, today } = input;
  const earlier = new Map(input.before.map((person) => [person.id, person]));
  const nameOf = new Map([...input.before, ...input.after].map((person) => [person.id, person.fullName]));
  const cycleOf = new Map(input.cycles.map((cycle) => [cycle.personId, cycle]));
  const transfers: RoleTransfer[] = [];
  for (const person of input.after) {
    const was = earlier.get(person.id);
    const cycle = cycleOf.get(person.id);
    if (was === undefined || !was.active || !person.active || cycle === undefined || cycle.exclusion !== undefined) continue;
    if (!(cycle.start < today && today <= cycle.end)) continue;
    const managerChanged = was.lineManagerId !== undefined && person.lineManagerId !== undefined && was.lineManagerId !== person.lineManagerId;
    if (!managerChanged && was.role === person.role) continue;
    const originalReviewerId = was.reviewerId;
    const newReviewerId = person.reviewerId;
    const consequences: string[] = [];
    const transfer = policy.roleTransfer;
    if (newReviewerId !== undefined && newReviewerId !== originalReviewerId) {
      consequences.push(`${nameOf.get(newReviewerId)} reviews them from today: what was still open passes to them and what is done stays.`);
    }
    let checkIn: RoleTransfer['checkIn'];
    if (transfer === undefined) {
      consequences.push('The policy says nothing about moving post part-way through a cycle, so the cycle carries on.');
    } else {
      if (transfer.originalReviewerChecksIn && originalReviewerId !== undefined) {
        const dueOn = calendar.addSchoolDays(calendar.schoolDayOnOrAfter(today), TRANSFER_CHECK_IN_SCHOOL_DAYS - 1);
        checkIn = {
          ownerPersonId: originalReviewerId,
          opensOn: today,
          dueOn,
          label: `Check-in with ${person.fullName} before their new post, so feedback is up to date and their goals can be reviewed for the new role`,
          rule: `${transfer.rule}; within ${TRANSFER_CHECK_IN_SCHOOL_DAYS} school days of the move being recorded`,
        };
        consequences.push(`${nameOf.get(originalReviewerId)}, their reviewer before the move, is asked to hold a check-in with them by ${dueOn}, so feedback is up to date; their goals are then reviewed for the new role (${transfer.rule}).`);
      } else if (transfer.originalReviewerChecksIn) {
        consequences.push(`They had no reviewer before the move, so no check-in before the new post is asked for (${transfer.rule}).`);
      }
      if (transfer.headDecidesRestartAndReviewer) {
        const decider = person.role === 'headteacher' ? 'The governing body' : 'The head';
        consequences.push(`${decider} decides whether their cycle begins again and whether to change the reviewer (${transfer.rule}); until then the cycle carries on, reviewed by ${newReviewerId === undefined ? 'no one yet' : nameOf.get(newReviewerId)}.`);
      }
    }
    transfers.push({ personId: person.id, fullName: person.fullName, email: person.email, originalReviewerId, newReviewerId, consequences, checkIn });
  }
  return transfers;
}

/** The check-in a transfer asks for as a stored deadline, keyed by the person, their cycle and the day of the move, so importing the same file again adds nothing. */
export function transferCheckInDeadline(transfer: RoleTransfer, cycleId: string): DeadlineObligation | undefined {
  const { checkIn } = transfer;
  if (checkIn === undefined) return undefined;
  return {
    key: `${transfer.personId}:${cycleId}:transfer-check-in:${checkIn.opensOn}`,
    cycleId,
    personId: transfer.personId,
    kind: 'check-in',
    label: checkIn.label,
    opensOn: checkIn.opensOn,
    dueOn: checkIn.dueOn,
    ownerRole: 'reviewer',
    ownerPersonId: checkIn.ownerPersonId,
    rule: checkIn.rule,
  };
}
