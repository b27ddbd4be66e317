import { compareDates, type IsoDate } from '../calendar/iso-date.ts';
import { dueText, readableDate } from '../reports/readable-date.ts';
import { type HolidayLookup, holidayText } from './holiday-ahead.ts';
import type { Reminder, ReminderAudience, ReminderPoint } from './reminder-types.ts';

/** At most this many items carry buttons in one digest; the rest are counted ("and 3 more — say `status`"). */
export const MAX_DIGEST_ITEMS = 5;

/** The value of the one button on an escalation summary: runs `overdue`, which names people only to those entitled. */
export const SEE_WHO_ACTION = 'overdue';

/** A button or command a channel renders; `value` comes back to Trellis when it is pressed. */
export interface DigestAction {
  label: string;
  /** `start:<obligationKey>`, `done:<key>`, `snooze:<key>`, `na:<key>`, or `overdue` (see who). */
  value: string;
}

export type DigestItemState = 'overdue' | 'due-today' | 'due-soon' | 'opened' | 'escalated';

export interface DigestItem {
  obligationKey: string;
  label: string;
  dueOn: IsoDate;
  /** "due Fri 23 Oct", "due today", "overdue since Fri 16 Oct (5 days)": the words a person reads. */
  dueText?: string | undefined;
  /** The policy paragraph behind it, for `why`; never shown in the digest itself. */
  rule: string;
  state: DigestItemState;
  /** The most pressing cadence point among those the item carries today. */
  point: ReminderPoint;
  /** Whose item it is, when it is not the recipient's own (a reviewee's, for a manager). */
  about?: { personId: string; fullName: string } | undefined;
  actions: DigestAction[];
}

/**
 * Several people's overdue items escalated to one manager or head, said once: "3 of your team are
 * overdue with “Self-reflection” (due Thu 15 Oct)", with one way to see who.
 */
export interface EscalationSummary {
  label: string;
  audience: Exclude<ReminderAudience, 'owner'>;
  text: string;
  /** The escalated items, one per person, for `why` and for tests; channels show only `text`. */
  items: DigestItem[];
  /** At most one: "See who" (`overdue`) for a head; a reviewer's summary names their own team in `text`. */
  actions: DigestAction[];
}

/** One message for one recipient for one day: channel-neutral, rendered later by Slack or Teams. */
export interface DigestMessage {
  recipientId: string;
  date: IsoDate;
  title: string;
  /** The few things that matter now, most pressing first, each with its buttons (at most `MAX_DIGEST_ITEMS`). */
  items: DigestItem[];
  /** What else is coming, only counted in the message: "and 3 more — say `status`". */
  more?: DigestItem[] | undefined;
  escalations?: EscalationSummary[] | undefined;
}

/** Every item a digest speaks of: shown, counted, and inside its escalation summaries. */
export function allDigestItems(digest: Pick<DigestMessage, 'items' | 'more' | 'escalations'>): DigestItem[] {
  return [...digest.items, ...(digest.more ?? []), ...(digest.escalations ?? []).flatMap((summary) => summary.items)];
}

/**
 * The people other than the recipient whom a digest names: the owners of the items it shows and
 * of a reviewer's escalations. A head's escalation only counts people (`overdue` names them, and
 * logs it), and items beyond `MAX_DIGEST_ITEMS` are only counted, so neither names anyone.
 */
export function peopleNamedIn(digest: Pick<DigestMessage, 'items' | 'escalations'>): string[] {
  const named = [...digest.items, ...(digest.escalations ?? []).filter((summary) => summary.audience === 'reviewer').flatMap((summary) => summary.items)];
  return [...new Set(named.flatMap((item) => (item.about === undefined ? [] : [item.about.personId])))];
}

/**
 * The people a digest names only because an overdue item someone else owes about them is escalated
 * to the recipient (a reviewer's escalation summary): the reminder cadence's disclosure, which the
 * access log records as an `escalation` read when the access rule would not otherwise allow it.
 */
export function peopleEscalatedIn(digest: Pick<DigestMessage, 'escalations'>): string[] {
  const items = (digest.escalations ?? []).filter((summary) => summary.audience === 'reviewer').flatMap((summary) => summary.items);
  return [...new Set(items.flatMap((item) => (item.about === undefined ? [] : [item.about.personId])))];
}

/** Every button a digest carries, so a channel can check a pressed value was on it. */
export function digestActions(digest: Pick<DigestMessage, 'items' | 'escalations'>): DigestAction[] {
  return [...digest.items.flatMap((item) => item.actions), ...(digest.escalations ?? []).flatMap((summary) => summary.actions)];
}

/** How an item's date reads in a digest of `date` (one formatting function for every channel). */
export function itemDueText(item: Pick<DigestItem, 'dueOn' | 'dueText'>, date: IsoDate): string {
  return item.dueText ?? dueText(item.dueOn, date);
}

/** "and 3 more — say `status`", or nothing when everything is shown. */
export function moreText(digest: Pick<DigestMessage, 'more'>): string | undefined {
  const more = digest.more?.length ?? 0;
  return more === 0 ? undefined : `and ${more} more — say \`status\``;
}

/**
 * Groups a recipient's reminders into one calm message (Brief "Who uses it": one digest, not a
 * flood). Several points of one obligation become one item. What is overdue comes first, then
 * today's, then what is due soon, then what opens now; only the first `MAX_DIGEST_ITEMS` carry
 * buttons and the rest are counted. Escalations of other people's items are summarised, one line
 * per thing, not one line per person. With the school's `holidays`, an item due on the last school
 * day before a holiday says so ("due Fri 23 Oct — half term starts after that, 4 school days away").
 */
export function composeDigest(recipientId: string, date: IsoDate, reminders: readonly Reminder[], holidays?: HolidayLookup): DigestMessage {
  const byObligation = new Map<string, Reminder>();
  for (const reminder of reminders) {
    if (reminder.recipientId !== recipientId) continue;
    const seen = byObligation.get(reminder.obligationKey);
    if (seen === undefined || urgency(reminder.point) > urgency(seen.point)) byObligation.set(reminder.obligationKey, reminder);
  }
  const chosen = [...byObligation.values()];
  const items = chosen.filter((reminder) => reminder.audience === 'owner').map((reminder) => itemOf(reminder, recipientId, date, holidays));
  items.sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || compareDates(a.dueOn, b.dueOn) || a.obligationKey.localeCompare(b.obligationKey));
  const escalations = summarise(
    chosen.filter((reminder) => reminder.audience !== 'owner'),
    recipientId,
    date,
  );
  const shown = items.slice(0, MAX_DIGEST_ITEMS);
  const more = items.slice(MAX_DIGEST_ITEMS);
  return { recipientId, date, title: titleOf(items, escalations), items: shown, more, escalations };
}

/** One summary per (audience, label): how many people, the earliest due date, and one way to see who. */
function summarise(escalated: readonly Reminder[], recipientId: string, today: IsoDate): EscalationSummary[] {
  const groups = new Map<string, Reminder[]>();
  for (const reminder of escalated) {
    const id = `${reminder.audience}|${reminder.label}`;
    groups.set(id, [...(groups.get(id) ?? []), reminder]);
  }
  const summaries: EscalationSummary[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const audience = first.audience === 'head' ? 'head' : 'reviewer';
    const items = group.map((reminder) => itemOf(reminder, recipientId, today)).sort((a, b) => (a.about?.fullName ?? '').localeCompare(b.about?.fullName ?? ''));
    const earliest = group.reduce((min, r) => (compareDates(r.dueOn, min) < 0 ? r.dueOn : min), first.dueOn);
    const count = new Set(group.map((r) => r.about.personId)).size;
    const who = count === 1 ? '1 person' : `${count} people`;
    const due = `due ${readableDate(earliest, today)}`;
    // A reviewer is told of their own team and may see the names; a head is told how many, and `overdue` names them.
    const text =
      audience === 'reviewer'
        ? `${count === 1 ? `${items[0]!.about?.fullName ?? '1 of your team'} is` : `${count} of your team are`} overdue with “${first.label}” (${due})${count === 1 ? '' : `: ${items.map((i) => i.about?.fullName).join(', ')}`}`
        : `${who} ${count === 1 ? 'is' : 'are'} overdue with “${first.label}” (${due}) and their manager has been told`;
    summaries.push({ label: first.label, audience, text, items, actions: audience === 'head' ? [{ label: 'See who', value: SEE_WHO_ACTION }] : [] });
  }
  // The head's single "See who" already lists everything overdue: one button, not one per summary.
  let seeWho = false;
  for (const summary of summaries.sort((a, b) => a.audience.localeCompare(b.audience) || a.label.localeCompare(b.label))) {
    if (summary.actions.length > 0 && seeWho) summary.actions = [];
    if (summary.actions.length > 0) seeWho = true;
  }
  return summaries;
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

function itemOf(reminder: Reminder, recipientId: string, today: IsoDate, holidays?: HolidayLookup): DigestItem {
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
    dueText: withHoliday(dueText(reminder.dueOn, today), holidays?.(reminder.dueOn, today)),
    rule: reminder.rule,
    state: stateOf(reminder.point),
    point: reminder.point,
    about: reminder.about.personId === recipientId ? undefined : reminder.about,
    actions,
  };
}

function withHoliday(text: string, holiday: ReturnType<HolidayLookup>): string {
  return holiday === undefined ? text : `${text} — ${holidayText(holiday)}`;
}

function titleOf(items: readonly DigestItem[], escalations: readonly EscalationSummary[]): string {
  const late = items.filter((item) => item.state === 'overdue').length + escalations.reduce((n, summary) => n + summary.items.length, 0);
  const team = escalations.length > 0 || items.some((item) => item.about !== undefined);
  const count = items.length + escalations.length;
  const things = `${count} ${count === 1 ? 'thing' : 'things'}`;
  const head = team ? `Your growth cycle and your team's: ${things}` : `Your growth cycle: ${things}`;
  return late > 0 ? `${head} (${late} overdue)` : head;
}
