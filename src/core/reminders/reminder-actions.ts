import type { Actor, ReminderActionOutcome, ReminderActions, ReplyContext } from '../bot/bot-ports.ts';
import { hasReviewerPowers } from '../access/relationships.ts';
import { addCalendarDays, type IsoDate, isIsoDate } from '../calendar/iso-date.ts';
import { londonDateOf } from '../calendar/london-time.ts';
import { type OutgoingMessage, say } from '../conversations/engine/outgoing-message.ts';
import { keyNotifications, type QueuedNotification, type SavedReply, savedReplyOf } from '../notifications/notification-queue.ts';
import { dialogForObligation, isAdjustableKind, kindInfo } from '../obligations/obligation-kinds.ts';
import { readableDate } from '../reports/readable-date.ts';

/** An obligation as acting on it needs: its state, whose it is, and who may act for them. */
export interface ActionableObligation {
  id: string;
  key: string;
  schoolId: string;
  kind: string;
  label: string;
  /** open | done | not-applicable | snoozed */
  status: string;
  dueOn: IsoDate;
  snoozedUntil?: IsoDate | undefined;
  ownerRole: string;
  ownerPersonId?: string | undefined;
  /** The reviewee whose cycle it is in. */
  personId: string;
  personName: string;
  /** The reviewee's reviewer on the day, by the one relationships rule (`src/core/access/relationships.ts`). */
  reviewer?: { id: string; fullName: string } | undefined;
  /** Where the item is the head's: the head's own reviewers on the roster the policy names (002 §22–24, 003 §6.3), who act on it as the reviewer does. */
  headReviewerIds?: readonly string[] | undefined;
  lineManagerId?: string | undefined;
}

interface ChangeBase {
  obligationId: string;
  schoolId: string;
  actorId: string;
  at: Date;
  /**
   * The reply to the person who pressed, saved in the same transaction as the change and only if
   * it changed something (`reply:<platform>:<tenant>:<message id>`, see `SavedReply`), so the job
   * engine sends it if the channel never reports it sent.
   */
  reply?: SavedReply | undefined;
}

/**
 * Storage for acting on reminders. Each change is conditional on the obligation still being
 * open or snoozed and writes its AuditEvent in the same transaction; it returns false when
 * nothing changed (a repeated press, or someone else got there first), so repeats are harmless.
 */
export interface ReminderActionStore {
  findObligation(key: string, today: IsoDate): Promise<ActionableObligation | undefined>;
  markDone(change: ChangeBase): Promise<boolean>;
  /** Also false when it is already snoozed until that same day. */
  snooze(change: ChangeBase & { until: IsoDate }): Promise<boolean>;
  /** `notify`: messages to other people, queued in the same transaction as the change, and only if it changed something. */
  markNotApplicable(change: ChangeBase & { reason: string; notify: readonly QueuedNotification[] }): Promise<boolean>;
}

/** How far past its due date a reminder may be put off: long enough for a short absence, short enough that it is not forgotten. */
export const SNOOZE_DAYS_PAST_DUE = 14;

const PENDING = new Set(['open', 'snoozed']);

const NOT_FOUND = 'I can’t find that item any more — it may have been replaced when the timeline was recalculated. Try `status` for what is due now.';
const NOT_YOURS = 'Sorry, only the person this item belongs to, or their reviewer, can change it. Nothing has been changed.';

const REMINDER_ACTION = /^(start|done|snooze|na):(.+)$/;

/**
 * Whether a button's value is a reminder action (`start:<key>`, `done:`, `snooze:`, `na:`) for
 * `TrellisBot.act`, rather than a growth command word for `TrellisBot.command` (home buttons carry either).
 */
export function isReminderAction(value: string): boolean {
  return REMINDER_ACTION.test(value.trim());
}

/** Acting on a reminder's buttons: start, done, snooze and not applicable ("act from the reminder"). */
export class ObligationReminderActions implements ReminderActions {
  readonly #store: ReminderActionStore;

  constructor(store: ReminderActionStore) {
    this.#store = store;
  }

  async act(actor: Actor, value: string, now: Date, detail: { reason?: string | undefined; until?: string | undefined } = {}, saved?: ReplyContext): Promise<ReminderActionOutcome> {
    const match = REMINDER_ACTION.exec(value.trim());
    if (match === null) return reply(`I don’t recognise that button (“${value}”). Try \`status\` to see what is due.`);
    const [, verb, key] = match as unknown as [string, 'start' | 'done' | 'snooze' | 'na', string];
    const today = londonDateOf(now);
    const obligation = await this.#store.findObligation(key, today);
    // Another school's item reads exactly like a missing one, so its existence is not revealed.
    if (obligation === undefined || obligation.schoolId !== actor.person.schoolId) return reply(NOT_FOUND);
    if (verb === 'start') return startFor(actor, obligation);
    if (!mayChange(actor.person.id, obligation)) return reply(NOT_YOURS);
    const change = { obligationId: obligation.id, schoolId: obligation.schoolId, actorId: actor.person.id, at: now };
    switch (verb) {
      case 'done':
        return this.#done(obligation, change, saved);
      case 'snooze':
        return this.#snooze(obligation, change, today, detail.until, saved);
      case 'na':
        return this.#notApplicable(actor, obligation, change, today, detail.reason, saved);
    }
  }

  async #done(obligation: ActionableObligation, change: ChangeBase, saved: ReplyContext | undefined): Promise<ReminderActionOutcome> {
    const settled = settledText(obligation);
    if (settled !== undefined) return reply(settled);
    // Where the record is written in a dialog, Done would tick off something with no record.
    const { done } = kindInfo(obligation.kind);
    if (!done.honest && (done.by === 'anyone' || change.actorId === obligation.personId)) return reply(done.why);
    const marked = [say(`Marked done: ${describe(obligation)}. Thank you.`)];
    const changed = await this.#store.markDone({ ...change, reply: savedReplyOf(saved, marked) });
    return changed ? savedOutcome(saved, marked) : reply(`${describe(obligation)} is already done — nothing to change.`);
  }

  async #snooze(obligation: ActionableObligation, change: ChangeBase, today: IsoDate, until: string | undefined, saved: ReplyContext | undefined): Promise<ReminderActionOutcome> {
    if (!isAdjustableKind(obligation.kind)) {
      return reply(`Reminders for “${obligation.label}” can’t be snoozed: the deadline is fixed by the appeal procedure, and missing it loses the right to appeal.`);
    }
    const settled = settledText(obligation);
    if (settled !== undefined) return reply(settled);
    const latest = addCalendarDays(obligation.dueOn, SNOOZE_DAYS_PAST_DUE);
    if (until === undefined || until.trim() === '') {
      return {
        kind: 'ask',
        message: { type: 'form', title: `Snooze “${obligation.label}” (due ${readableDate(obligation.dueOn, today)}) until…`, fields: [{ id: 'until', label: 'Remind me again on', kind: 'date', required: true }] },
      };
    }
    const day = until.trim();
    if (!isIsoDate(day)) return reply(`“${until}” isn’t a date I can read — please pick one, e.g. ${addCalendarDays(today, 7)}.`);
    if (day <= today) return reply(`Please pick a day after today (${readableDate(today, today)}) to be reminded again.`);
    if (day > latest) {
      return reply(
        latest <= today
          ? `“${obligation.label}” was due ${readableDate(obligation.dueOn, today)}, too long ago to snooze. Please do it, or talk to your reviewer.`
          : `That is too far off: reminders can be put off to ${readableDate(latest, today)} at the latest, ${SNOOZE_DAYS_PAST_DUE} days after it is due.`,
      );
    }
    const snoozed = [say(`Snoozed until ${readableDate(day, today)}: ${describe(obligation)}. I’ll remind you again then.`)];
    const changed = await this.#store.snooze({ ...change, until: day, reply: savedReplyOf(saved, snoozed) });
    return changed ? savedOutcome(saved, snoozed) : reply(`${describe(obligation)} is already snoozed until ${readableDate(day, today)}.`);
  }

  async #notApplicable(actor: Actor, obligation: ActionableObligation, change: ChangeBase, today: IsoDate, reason: string | undefined, saved: ReplyContext | undefined): Promise<ReminderActionOutcome> {
    if (!isAdjustableKind(obligation.kind)) return reply(`“${obligation.label}” can’t be set aside: appeal deadlines are fixed by the appeal procedure.`);
    if (obligation.status === 'not-applicable') return reply(`${describe(obligation)} is already marked not applicable.`);
    const settled = settledText(obligation);
    if (settled !== undefined) return reply(settled);
    const why = reason?.trim() ?? '';
    if (why === '') {
      return {
        kind: 'ask',
        message: { type: 'form', title: `Why doesn’t “${obligation.label}” apply? (${actor.person.id === obligation.personId ? 'your reviewer' : obligation.personName} will see this)`, fields: [{ id: 'reason', label: 'Reason', kind: 'long-text', required: true }] },
      };
    }
    // The other side of the review is told, so an item never quietly disappears from a cycle.
    const other = actor.person.id === obligation.personId ? obligation.reviewer : { id: obligation.personId, fullName: obligation.personName };
    const tell = other !== undefined && other.id !== actor.person.id ? other : undefined;
    const notice = `${actor.person.fullName} marked “${obligation.label}”${actor.person.id === obligation.personId ? '' : ` for ${obligation.personName}`} (due ${readableDate(obligation.dueOn, today)}) as not applicable. Reason: ${why}`;
    const notify = keyNotifications(`act:${change.obligationId}:not-applicable:${change.at.getTime()}`, tell === undefined ? [] : [{ personId: tell.id, messages: [say(notice)] }]);
    const marked = [say(`Marked not applicable: ${describe(obligation)}.${tell === undefined ? '' : ` I’ve let ${tell.fullName} know.`}`)];
    const changed = await this.#store.markNotApplicable({ ...change, reason: why, notify, reply: savedReplyOf(saved, marked) });
    if (!changed) return reply(`${describe(obligation)} is already marked not applicable.`);
    return { ...savedOutcome(saved, marked), ...(tell === undefined ? {} : { notified: [{ personId: tell.id }] }) };
  }
}

/**
 * The owner (or the reviewee, for their own items) and whoever has reviewer powers over the
 * reviewee (the one rule, `hasReviewerPowers`): the reviewer — the line manager only while they
 * are the reviewer, so one a reviewer was delegated past (002 §25–28) or a 003 coach replaces
 * cannot act with a forged button — and, for the head, the head's own reviewer on the roster the
 * policy names (002 §22–24, 003 §6.3), who receives the head's items in their digest.
 */
function mayChange(personId: string, obligation: ActionableObligation): boolean {
  return personId === obligation.ownerPersonId || (obligation.ownerRole === 'reviewee' && personId === obligation.personId) || hasReviewerPowers(personId, obligation);
}

/** Starting changes nothing, so the reviewee may start anything in their own cycle too. */
function startFor(actor: Actor, obligation: ActionableObligation): ReminderActionOutcome {
  const asReviewee = actor.person.id === obligation.personId;
  if (!asReviewee && !mayChange(actor.person.id, obligation)) return reply(NOT_YOURS);
  const settled = settledText(obligation);
  if (settled !== undefined) return reply(settled);
  const start = dialogForObligation(obligation.kind, asReviewee);
  if ('none' in start) return reply(start.none);
  return { kind: 'start-dialog', dialogId: start.dialogId, trigger: start.trigger, targetPersonId: start.aboutColleague ? obligation.personId : undefined };
}

function settledText(obligation: ActionableObligation): string | undefined {
  if (obligation.status === 'done') return `${describe(obligation)} is already done — nothing to change.`;
  if (obligation.status === 'not-applicable') return `${describe(obligation)} was marked not applicable, so there is nothing to do.`;
  return PENDING.has(obligation.status) ? undefined : `${describe(obligation)} can’t be changed from here.`;
}

function describe(obligation: ActionableObligation): string {
  return `“${obligation.label}” (${obligation.personName})`;
}

/** The reply to a change that happened: saved with it (its key) when the channel said where it answers. */
function savedOutcome(saved: ReplyContext | undefined, messages: OutgoingMessage[]): ReminderActionOutcome {
  return { kind: 'reply', messages, ...(saved === undefined ? {} : { replyKey: saved.key }) };
}

function reply(text: string): ReminderActionOutcome {
  const messages: OutgoingMessage[] = [say(text)];
  return { kind: 'reply', messages };
}
