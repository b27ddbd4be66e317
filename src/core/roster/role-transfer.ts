import type { IsoDate } from '../calendar/iso-date.ts';
import { say } from '../conversations/engine/outgoing-message.ts';
import { keyNotifications, type QueuedNotification } from '../notifications/notification-queue.ts';
import { readableDate } from '../reports/readable-date.ts';
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
  /** 002 §35: who decides whether the cycle begins again and whether to change the reviewer — the head (by id), or the governing body when the head moves. */
  decides?: { by: 'head'; headId?: string | undefined; rule: string } | { by: 'governing body'; rule: string } | undefined;
  /** What changed, in words: “line manager now Max Manager; role now leader”. */
  change: string;
  /** The day the import recorded it. */
  on: IsoDate;
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
    let decides: RoleTransfer['decides'];
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
        consequences.push(`${nameOf.get(originalReviewerId)}, their reviewer before the move, is asked to hold a check-in with them by ${readableDate(dueOn, today)}, so feedback is up to date; their goals are then reviewed for the new role (${transfer.rule}).`);
      } else if (transfer.originalReviewerChecksIn) {
        consequences.push(`They had no reviewer before the move, so no check-in before the new post is asked for (${transfer.rule}).`);
      }
      if (transfer.headDecidesRestartAndReviewer) {
        const decider = person.role === 'headteacher' ? 'The governing body' : 'The head';
        decides = person.role === 'headteacher' ? { by: 'governing body', rule: transfer.rule } : { by: 'head', headId: person.headId === person.id ? undefined : person.headId, rule: transfer.rule };
        consequences.push(`${decider} decides whether their cycle begins again and whether to change the reviewer (${transfer.rule}); until then the cycle carries on, reviewed by ${newReviewerId === undefined ? 'no one yet' : nameOf.get(newReviewerId)}.`);
      }
    }
    const changed = [
      managerChanged && person.lineManagerId !== undefined ? `line manager now ${nameOf.get(person.lineManagerId)}` : undefined,
      was.role !== person.role ? `role now ${person.role.replace(/-/g, ' ')}` : undefined,
    ].filter((part): part is string => part !== undefined);
    transfers.push({ personId: person.id, fullName: person.fullName, email: person.email, originalReviewerId, newReviewerId, consequences, checkIn, decides, change: changed.join('; '), on: today });
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

/**
 * Who is told about each move, and what (002 §35, 003 §7.4, 004 §4.4): the person, their reviewer
 * before the move and the new one, and the head where the policy gives the head the decision
 * (002 §35). Each person gets one message however many of those parts they play. Keyed by the
 * person, the day and the change, so the same move is queued at most once.
 */
export function transferNotifications(transfers: readonly RoleTransfer[], names: ReadonlyMap<string, string>): QueuedNotification[] {
  return transfers.flatMap((t) => {
    const lines = new Map<string, string[]>();
    const tell = (personId: string | undefined, line: string) => {
      if (personId === undefined) return;
      lines.set(personId, [...(lines.get(personId) ?? []), line]);
    };
    const nameOf = (id: string | undefined) => (id === undefined ? 'no one' : (names.get(id) ?? 'a colleague'));
    const day = readableDate(t.on, t.on);
    const reviewerChanged = t.newReviewerId !== undefined && t.newReviewerId !== t.originalReviewerId;
    const due = t.checkIn === undefined ? undefined : readableDate(t.checkIn.dueOn, t.on);

    const mine = [`The staff list now records your move to a new post (${t.change}), from ${day}.`];
    if (reviewerChanged) mine.push(`${nameOf(t.newReviewerId)} reviews you from today: what was still open passes to them and what is done stays.`);
    if (t.checkIn !== undefined) mine.push(`${nameOf(t.checkIn.ownerPersonId)}, your reviewer before the move, is asked to hold a check-in with you by ${due}, so feedback is up to date before the new post (${t.checkIn.rule}).`);
    if (t.decides?.by === 'head') mine.push(`The head decides whether your cycle begins again and whether to change your reviewer (${t.decides.rule}); until then it carries on.`);
    if (t.decides?.by === 'governing body') mine.push(`The governing body decides whether your cycle begins again and whether to change your reviewer (${t.decides.rule}); until then it carries on.`);
    tell(t.personId, mine.join(' '));

    if (t.checkIn !== undefined) {
      tell(t.checkIn.ownerPersonId, `${t.fullName} has moved to a new post (${t.change}). As their reviewer before the move, please hold a check-in with them by ${due}, so feedback is up to date and their goals can be reviewed for the new role (${t.checkIn.rule}).`);
    } else if (reviewerChanged) {
      tell(t.originalReviewerId, `${t.fullName} has moved to a new post (${t.change}); ${nameOf(t.newReviewerId)} reviews them from today, and what you still had open for them has passed to ${nameOf(t.newReviewerId)}.`);
    }
    if (reviewerChanged) tell(t.newReviewerId, `${t.fullName} has moved to a new post (${t.change}) and you review them from today: what was still open passes to you and what is done stays. Say \`status\` to see what is due.`);
    if (t.decides?.by === 'head') {
      tell(
        t.decides.headId,
        `${t.fullName} has moved to a new post part-way through the cycle (${t.change}). You decide whether their cycle begins again and whether to change their reviewer (${t.decides.rule}); until then it carries on, reviewed by ${nameOf(t.newReviewerId ?? t.originalReviewerId)}. Say \`restart-cycle ${t.fullName}\` to begin it again from the day you decide, or \`keep-cycle ${t.fullName}\` to record that it carries on; to change their reviewer, say \`reassign-reviewer ${t.fullName}: NAME\`.`,
      );
    }
    const told = [...lines.entries()].map(([personId, parts]) => ({ personId, messages: [say(parts.join('\n'))] }));
    return keyNotifications(`role-transfer:${t.personId}:${t.on}:${t.change}`, told);
  });
}
