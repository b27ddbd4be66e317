import { HEAD_REVIEWER_NAMES, type HeadReviewer } from '../access/relationships.ts';
import type { IsoDate } from '../calendar/iso-date.ts';
import { say } from '../conversations/engine/outgoing-message.ts';
import { keyNotifications, type QueuedNotification } from '../notifications/notification-queue.ts';
import { readableDate } from '../reports/readable-date.ts';
import { type Reminder, type ReminderObligation, reminderKey } from './reminder-types.ts';

/** What the head's reviewers are sent on a sweep, besides the head's own reminders. */
export interface HeadReviewerReach {
  /** Copies of the head's reminders for reviewers on the roster (the trust's CEO): they join that person's digest. */
  chat: Reminder[];
  /** One e-mail per reminder point and named contact with an address, when e-mail is configured. */
  email: QueuedNotification[];
}

/**
 * The head's own reviewers are reached, not only shown (002 §22–24: the governors' panel with the
 * CEO chairing; 003 §6.3: the CEO and the Chair of the LGB; 004 §9.1: the external adviser). What
 * they owe with the head (an item of the head's owned by `governors`) is reminded to the head as
 * before (`ownerToRemind`); each point of it the head is reminded of also goes:
 * - to a reviewer on the roster (the trust leader as CEO), in their normal chat digest, under the
 *   outbox's reminder key with them as the recipient;
 * - to a named contact with an e-mail address, by e-mail, when e-mail is configured, keyed by the
 *   same reminder key with the address as the recipient (`notify:<obligation>:<point>:email:<address>:0`),
 *   so a sweep run again queues nothing twice.
 * The e-mail says only what is due, for whom and when: never any record's content.
 */
export function headReviewerReach(input: {
  school: { name: string };
  head: { id: string; fullName: string };
  reviewers: readonly HeadReviewer[];
  obligations: ReadonlyMap<string, Pick<ReminderObligation, 'ownerRole' | 'ownerPersonId' | 'personId'>>;
  reminders: readonly Reminder[];
  emailEnabled: boolean;
  today: IsoDate;
}): HeadReviewerReach {
  const chat: Reminder[] = [];
  const email: QueuedNotification[] = [];
  for (const reminder of input.reminders) {
    const obligation = input.obligations.get(reminder.obligationId);
    if (reminder.audience !== 'owner' || obligation === undefined) continue;
    for (const reviewer of headReviewerCopies(obligation, reminder.recipientId, input.head.id, input.reviewers, input.emailEnabled)) {
      if (reviewer.kind === 'person') {
        chat.push({ ...reminder, recipientId: reviewer.id, key: reminderKey(reminder.obligationKey, reminder.point, reviewer.id) });
      } else {
        const cause = reminderKey(reminder.obligationKey, reminder.point, `email:${reviewer.email.toLowerCase()}`);
        const messages = [say(subjectOf(reminder, input.head, input.today)), ...bodyOf(reminder, reviewer, input.head, input.school, input.today).map((text) => say(text))];
        // The head's own row carries it: the e-mail is about the head, and the head is active while it matters.
        email.push(...keyNotifications(cause, [{ personId: input.head.id, email: { address: reviewer.email, name: reviewer.fullName }, messages }]));
      }
    }
  }
  return { chat, email };
}

/** A head's reviewer who gets a copy: on the roster (in their digest), or a named contact with an address (by e-mail). */
export type HeadReviewerCopy = Extract<HeadReviewer, { kind: 'person' }> | (Extract<HeadReviewer, { kind: 'contact' }> & { email: string });

/**
 * The one rule for who besides `recipientId` is told of a point of one of the head's items the
 * head's reviewers owe (used by the sweep and by `trellis timeline`): 002's governors' items
 * reminded to the head, and 003 §6.3 / 004 §9.1's reviewer's or coach's items reminded to
 * whoever the roster makes it. A reviewer on the roster other than the head and the recipient
 * gets a copy in their digest; a named contact with an address is e-mailed when e-mail is
 * configured. Empty for anything else.
 */
export function headReviewerCopies(
  obligation: Pick<ReminderObligation, 'ownerRole' | 'ownerPersonId' | 'personId'>,
  recipientId: string,
  headId: string,
  reviewers: readonly HeadReviewer[],
  emailEnabled: boolean,
): HeadReviewerCopy[] {
  if (obligation.personId !== headId) return [];
  // 002: the governors' items, reminded to the head. 003 §6.3, 004 §9.1: the head's reviewer's (or coach's) items, reminded to whoever the roster makes it.
  const owed =
    obligation.ownerRole === 'governors'
      ? obligation.ownerPersonId === undefined && recipientId === headId
      : (obligation.ownerRole === 'reviewer' || obligation.ownerRole === 'coach') && recipientId === (obligation.ownerPersonId ?? headId);
  if (!owed) return [];
  return reviewers.flatMap((reviewer): HeadReviewerCopy[] => {
    if (reviewer.kind === 'person') return reviewer.id !== headId && reviewer.id !== recipientId ? [reviewer] : [];
    if (reviewer.kind === 'contact' && reviewer.email !== undefined && emailEnabled) return [{ ...reviewer, email: reviewer.email }];
    return [];
  });
}

function whenOf(reminder: Reminder, today: IsoDate): string {
  const due = readableDate(reminder.dueOn, today);
  if (reminder.point === 'due-today') return `is due today, ${due}`;
  if (reminder.point.startsWith('overdue-')) return `was due on ${due} and is not yet recorded as done`;
  return `is due by ${due}`;
}

function subjectOf(reminder: Reminder, head: { fullName: string }, today: IsoDate): string {
  const due = readableDate(reminder.dueOn, today);
  return reminder.point.startsWith('overdue-') ? `Overdue: ${reminder.label} for ${head.fullName} (was due ${due})` : `${reminder.label} for ${head.fullName}, due ${due}`;
}

function bodyOf(reminder: Reminder, reviewer: Extract<HeadReviewer, { kind: 'contact' }>, head: { fullName: string }, school: { name: string }, today: IsoDate): string[] {
  const as = `${HEAD_REVIEWER_NAMES[reviewer.member]}${reviewer.chairs ? ', chairing' : ''}`;
  return [
    `Dear ${reviewer.fullName},`,
    `${school.name} names you as one of the head teacher’s reviewers (${as}). For ${head.fullName}, “${reminder.label}” ${whenOf(reminder, today)}. The school’s policy: ${reminder.rule}.`,
    `Please arrange it with ${head.fullName}. This message says only what is due and when; nothing from anyone’s records is sent by e-mail.`,
    'Trellis, for the school’s professional growth cycle',
  ];
}
