import { compareDates, type IsoDate } from '../calendar/iso-date.ts';
import type { Reminder, ReminderPoint } from './reminder-types.ts';

/** A button or command a channel renders; `value` comes back to Trellis when it is pressed. */
export interface DigestAction {
  label: string;
  /** `start:<obligationKey>`, `done:<key>`, `snooze:<key>` or `na:<key>`. */
  value: string;
}

export type DigestItemState = 'overdue' | 'due-today' | 'due-soon' | 'opened' | 'escalated';

export interface DigestItem {
  obligationKey: string;
  label: string;
  dueOn: IsoDate;
  /** The policy paragraph behind it, so "why am I being asked?" has an answer. */
  rule: string;
  state: DigestItemState;
  /** The most pressing cadence point among those the item carries today. */
  point: ReminderPoint;
  /** Whose item it is, when it is not the recipient's own (a reviewee's, for a manager). */
  about?: { personId: string; fullName: string } | undefined;
  actions: DigestAction[];
}

/** One message for one recipient for one day: channel-neutral, rendered later by Slack or Teams. */
export interface DigestMessage {
  recipientId: string;
  date: IsoDate;
  title: string;
  items: DigestItem[];
}

/**
 * Groups a recipient's reminders into one message (Brief "Who uses it": one digest, not a flood).
 * Several points of one obligation become one item; overdue and escalated things come first,
 * then today's, then what is coming up.
 */
export function composeDigest(recipientId: string, date: IsoDate, reminders: readonly Reminder[]): DigestMessage {
  const byObligation = new Map<string, Reminder>();
  for (const reminder of reminders) {
    if (reminder.recipientId !== recipientId) continue;
    const seen = byObligation.get(reminder.obligationKey);
    if (seen === undefined || urgency(reminder.point) > urgency(seen.point)) byObligation.set(reminder.obligationKey, reminder);
  }
  const items = [...byObligation.values()].map((reminder) => itemOf(reminder, recipientId));
  items.sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || compareDates(a.dueOn, b.dueOn) || a.obligationKey.localeCompare(b.obligationKey));
  return { recipientId, date, title: titleOf(items), items };
}

const STATE_ORDER: Record<DigestItemState, number> = { escalated: 0, overdue: 1, 'due-today': 2, 'due-soon': 3, opened: 4 };

function urgency(point: ReminderPoint): number {
  if (point === 'escalated-head') return 100_000;
  if (point === 'escalated-reviewer') return 90_000;
  if (point.startsWith('overdue-')) return 10_000 + Number(point.slice('overdue-'.length));
  if (point === 'due-today') return 5_000;
  if (point.startsWith('due-in-')) return 1_000 - Number(point.slice('due-in-'.length));
  return 0;
}

function stateOf(point: ReminderPoint): DigestItemState {
  if (point.startsWith('escalated-')) return 'escalated';
  if (point.startsWith('overdue-')) return 'overdue';
  if (point === 'due-today') return 'due-today';
  if (point.startsWith('due-in-')) return 'due-soon';
  return 'opened';
}

function itemOf(reminder: Reminder, recipientId: string): DigestItem {
  const own = reminder.audience === 'owner';
  const actions: DigestAction[] = [];
  // Only the person who owes something can start it or close it; someone it was escalated to is
  // told so they can follow it up, not to tick it off on the owner's behalf.
  if (own) {
    actions.push({ label: 'Start', value: `start:${reminder.obligationKey}` });
    actions.push({ label: 'Done', value: `done:${reminder.obligationKey}` });
    if (reminder.mutable) actions.push({ label: 'Snooze', value: `snooze:${reminder.obligationKey}` });
    actions.push({ label: 'Not applicable', value: `na:${reminder.obligationKey}` });
  }
  return {
    obligationKey: reminder.obligationKey,
    label: reminder.label,
    dueOn: reminder.dueOn,
    rule: reminder.rule,
    state: stateOf(reminder.point),
    point: reminder.point,
    about: reminder.about.personId === recipientId ? undefined : reminder.about,
    actions,
  };
}

function titleOf(items: readonly DigestItem[]): string {
  const late = items.filter((item) => item.state === 'overdue' || item.state === 'escalated').length;
  const team = items.some((item) => item.about !== undefined);
  const things = `${items.length} ${items.length === 1 ? 'thing' : 'things'}`;
  const head = team ? `Your growth cycle and your team's: ${things}` : `Your growth cycle: ${things}`;
  return late > 0 ? `${head} (${late} overdue)` : head;
}
