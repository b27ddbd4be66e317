import type { ReplyPlace } from '../notifications/notification-queue.ts';
import type { AccessGuard, } from '../access/access-guard.ts';
import type { PlatformAccount } from '../bot/bot-ports.ts';
import { londonDateOf } from '../calendar/london-time.ts';
import type { SchoolCalendar } from '../calendar/school-calendar.ts';
import { holidayLookupOf } from './holiday-ahead.ts';
import { calendarOf, type School } from '../schools/school.ts';
import type { Clock } from '../time/clock.ts';
import { type OutgoingMessage, say } from '../conversations/engine/outgoing-message.ts';
import { composeDigest, type DigestMessage, peopleEscalatedIn, peopleNamedIn } from './compose-digest.ts';
import type { Deliverer, DeliveryLookup, DeliveryResult, DigestOutbox, DigestRecipient, MessageSender, ReminderStore } from './reminder-ports.ts';
import type { ReminderPerson } from './reminder-types.ts';
import { readableDate } from '../reports/readable-date.ts';
import { secondsUntilWindow } from './sending-window.ts';

export interface DeliveryDeps {
  outbox: DigestOutbox;
  reminders: Pick<ReminderStore, 'loadHead'>;
  deliverer: Deliverer;
  /** Sends the head's notices and the notifications of turns (over the same router as the digests). */
  messenger: MessageSender;
  clock: Clock;
  findSchool(slug: string): Promise<School | undefined>;
  /** The one access rule: a digest naming someone else is a read of their records, decided and logged there. */
  access: Pick<AccessGuard, 'check' | 'log'>;
  /** Makes the files a saved reply names (`TrellisBot.prepare`) for the person it goes to; without it, the reply's words are sent as they are. */
  prepare?: ((messages: readonly OutgoingMessage[], forPerson: string) => Promise<OutgoingMessage[]>) | undefined;
}

/** What a delivery job carries: the outbox row, and its school (whose sending window it waits for). */
export interface QueuedJob {
  id: string;
  schoolSlug: string;
}

/** Which run of the delivery job this is: the job engine counts attempts, this decides what they mean. */
export interface Attempt {
  /** This attempt, counting from 1. */
  number: number;
  /** After this many failed attempts the row is a dead letter. */
  max: number;
}

/**
 * What the job engine is to do next:
 * - `done`: nothing more (sent, or a dead letter recorded, or the row was not pending any more);
 * - `retry`: a failed attempt; the engine retries it with exponential back-off;
 * - `wait`: run again after `seconds` without using up an attempt: `row` for this row alone (a
 *   429's Retry-After), `school` for everything of the school (its sending window is closed).
 */
export type DeliveryStep =
  | { step: 'done'; outcome: 'sent' | 'dead-letter' | 'not-pending' }
  | { step: 'retry'; error: string }
  | { step: 'wait'; seconds: number; reason: string; scope: 'row' | 'school' };

/** How many attempts a digest gets: with exponential back-off (e^n seconds) the last is about a day after the first. */
export const DELIVERY_MAX_ATTEMPTS = 12;

/**
 * Delivers one queued digest, once: the one rule for it, whether the scheduler's worker or
 * `trellis sweep` runs the job. It waits for the school's sending window, re-reads the row and
 * does nothing unless it is still pending, and marks the row sent only after the channel said so.
 * A permanent error or the last attempt makes it a dead letter and tells the school's head (at
 * most one notice a day, through the same queue).
 */
export async function deliverQueuedDigest(deps: DeliveryDeps, job: QueuedJob, attempt: Attempt): Promise<DeliveryStep> {
  const now = deps.clock.now();
  const { closed, calendar } = await schoolWindow(deps, job.schoolSlug, now);
  if (closed !== undefined) return closed;
  const digest = await deps.outbox.claimDigest(job.id, now);
  if (digest === undefined || digest.status !== 'pending') return { step: 'done', outcome: 'not-pending' };
  const holidays = calendar === undefined ? undefined : holidayLookupOf(calendar);
  const message = composeDigest(digest.recipientId, digest.date, digest.reminders, holidays);
  // The digest is read once the channel has it: only then are the people it names logged, with what the access rule says of each.
  const logReads = () => logDigestReads(deps.access, digest.recipientId, message, now);
  return deliverRow(deps, attempt, digest, true, (recipient) => deps.deliverer.deliver({ key: digest.key, recipient, message }), logReads);
}

/**
 * Delivers one notification a turn queued (a reviewer told a plan awaits them): the digest's
 * rules, except that it goes at once rather than waiting for the school's reminder window, since
 * it answers something a colleague has just done. One queued for a particular account (the note
 * to someone's earlier account that a second was linked) goes over that account only.
 */
export async function deliverQueuedNotification(deps: DeliveryDeps, job: QueuedJob, attempt: Attempt): Promise<DeliveryStep> {
  const notification = await deps.outbox.claimNotification(job.id, deps.clock.now());
  if (notification === undefined || notification.status !== 'pending') return { step: 'done', outcome: 'not-pending' };
  const { account, place, key, email } = notification;
  return deliverRow(deps, attempt, notification, true, async (recipient) => {
    // Files the reply names are made now, for the person it goes to; failing to make them is a failed attempt, retried.
    const messages = deps.prepare === undefined ? notification.messages : await deps.prepare(notification.messages, recipient.id);
    // A contact who is not on the roster: by e-mail to them only; the row's person is whom it is about.
    if (email !== undefined) return deps.messenger.sendEmail?.(email, messages, key) ?? Promise.resolve({ ok: false, error: 'e-mail is not configured here (SMTP_URL is not set)' });
    return account === undefined ? deps.messenger.sendMessages(recipient, messages, key) : deps.messenger.sendToAccount(recipient.id, account, messages, key, place);
  });
}

/**
 * Logs the reads of the people a delivered digest names (002 §18: every read by someone else is
 * logged): by the access rule's reason, or as an `escalation` for someone named only because the
 * reminder cadence escalated an item another person owes about them to the recipient.
 */
async function logDigestReads(access: DeliveryDeps['access'], recipientId: string, message: DigestMessage, at: Date): Promise<void> {
  const named = peopleNamedIn(message);
  if (named.length === 0) return;
  const escalated = new Set(peopleEscalatedIn(message));
  const reads = (await access.check(recipientId, named, 'obligations', at)).map((read) =>
    read.decision.allowed || !escalated.has(read.subjectId) ? read : { subjectId: read.subjectId, decision: { allowed: true as const, reason: 'escalation' as const } },
  );
  await access.log(recipientId, reads, 'obligations', at, 'digest');
}

/** Sends the head's dead-letter notice: the same rules as a digest, except that a failed notice tells nobody. */
export async function deliverQueuedNotice(deps: DeliveryDeps, job: QueuedJob, attempt: Attempt): Promise<DeliveryStep> {
  const { closed } = await schoolWindow(deps, job.schoolSlug, deps.clock.now());
  if (closed !== undefined) return closed;
  const notice = await deps.outbox.loadNotice(job.id);
  if (notice === undefined || notice.status !== 'pending') return { step: 'done', outcome: 'not-pending' };
  const failed = await deps.outbox.list({ schoolSlug: notice.schoolSlug, failedOnly: true, limit: 1000 });
  const digests = failed.filter((entry) => entry.kind === 'digest');
  const notifications = failed.filter((entry) => entry.kind === 'notification').length;
  const today = londonDateOf(deps.clock.now());
  const examples = digests
    .slice(0, 5)
    .map((entry) => `• ${entry.recipientEmail} (${readableDate(entry.date, today)}): ${entry.lastError ?? 'unknown error'}`)
    .join('\n');
  const count = digests.length;
  const text = [
    `Trellis could not deliver ${undelivered(count, notifications)} for ${notice.schoolSlug}.`,
    examples,
    `Run \`trellis outbox --school ${notice.schoolSlug} --failed\` to see them and \`trellis outbox resend --all-failed --school ${notice.schoolSlug}\` once the cause is fixed.`,
  ]
    .filter(Boolean)
    .join('\n');
  return deliverRow(deps, attempt, notice, false, (recipient) => deps.messenger.sendMessages(recipient, [say(text)], notice.key));
}

/** "3 reminder digests", "1 notification", "2 reminder digests and 1 notification". */
function undelivered(digests: number, notifications: number): string {
  const ofDigests = `${digests} reminder ${digests === 1 ? 'digest' : 'digests'}`;
  const ofNotifications = `${notifications} ${notifications === 1 ? 'notification' : 'notifications'}`;
  if (notifications === 0) return ofDigests;
  return digests === 0 ? ofNotifications : `${ofDigests} and ${ofNotifications}`;
}

/** An outbox row claimed for delivery, whatever it carries. */
interface ClaimedRow {
  id: string;
  key: string;
  schoolId: string;
  recipient?: ReminderPerson | undefined;
  sendingSince?: Date | undefined;
  /** The one account it goes to, when it was queued for one. */
  account?: PlatformAccount | undefined;
  /** Where in that account's chat (a reply's thread). */
  place?: ReplyPlace | undefined;
}

/**
 * The one set of delivery rules for every kind of outbox row: a recipient who has left is a dead
 * letter nobody is told about; a row an earlier attempt died sending is looked up on the platform
 * before it is sent again; then one attempt, settled (sent, retry with back-off, wait for
 * Retry-After, or dead letter, telling the head when `tellHead`).
 */
async function deliverRow(
  deps: DeliveryDeps,
  attempt: Attempt,
  row: ClaimedRow,
  tellHead: boolean,
  send: (recipient: DigestRecipient) => Promise<DeliveryResult>,
  onDelivered?: () => Promise<void>,
): Promise<DeliveryStep> {
  const person = row.recipient;
  if (person === undefined || !person.active) {
    // Nothing anyone can fix: the person has left. Recorded as failed, nobody is told.
    await deps.outbox.markFailed(row.id, attempt.number, 'the recipient is no longer on the school roster');
    return { step: 'done', outcome: 'dead-letter' };
  }
  const recipient = { id: person.id, email: person.email, fullName: person.fullName };
  // An earlier attempt died between sending and recording it: ask the platform before sending again.
  if (row.sendingSince !== undefined && (await alreadyDelivered(deps.deliverer, { key: row.key, recipient, account: row.account, place: row.place }, row.sendingSince))) {
    await onDelivered?.();
    const marked = await deps.outbox.markSent(row.id, deps.clock.now());
    return { step: 'done', outcome: marked ? 'sent' : 'not-pending' };
  }
  const result = await attemptSafely(() => send(recipient));
  if (result.ok) await onDelivered?.();
  return settle(deps, row, attempt, result, tellHead);
}

/** The channel's lookup, when it has one; a lookup that fails counts as "not delivered" (send again, at least once). */
async function alreadyDelivered(deliverer: Deliverer, delivery: DeliveryLookup, since: Date): Promise<boolean> {
  if (deliverer.wasDelivered === undefined) return false;
  try {
    return (await deliverer.wasDelivered(delivery, since)) === true;
  } catch {
    // The platform could not say: sending again risks a duplicate, not sending risks a loss.
    return false;
  }
}

/** The school's calendar, read once per delivery, and whether its sending window is closed (evenings, weekends, holidays): a delivery then waits for it to open. */
async function schoolWindow(deps: DeliveryDeps, schoolSlug: string, now: Date): Promise<{ closed?: DeliveryStep | undefined; calendar?: SchoolCalendar | undefined }> {
  const school = await deps.findSchool(schoolSlug);
  if (school === undefined) return {};
  const calendar = calendarOf(school);
  const seconds = secondsUntilWindow(school.policy, calendar, now);
  return { closed: seconds > 0 ? { step: 'wait', seconds, reason: 'outside the school’s reminder window', scope: 'school' } : undefined, calendar };
}

async function attemptSafely(send: () => Promise<DeliveryResult>): Promise<DeliveryResult> {
  try {
    return await send();
  } catch (error) {
    // A channel that throws (a socket hang-up) has failed this attempt, as `{ ok: false }` would.
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

async function settle(deps: DeliveryDeps, row: { id: string; schoolId: string }, attempt: Attempt, result: DeliveryResult, tellHead: boolean): Promise<DeliveryStep> {
  const now = deps.clock.now();
  if (result.ok) {
    const marked = await deps.outbox.markSent(row.id, now);
    return { step: 'done', outcome: marked ? 'sent' : 'not-pending' };
  }
  if (result.retryAfterSeconds !== undefined && !result.permanent) {
    // The platform asked us to wait: not the message's fault, so it costs no attempt.
    await deps.outbox.recordAttempt(row.id, attempt.number - 1, result.error);
    return { step: 'wait', seconds: Math.max(1, Math.ceil(result.retryAfterSeconds)), reason: result.error, scope: 'row' };
  }
  if (result.permanent || attempt.number >= attempt.max) {
    const marked = await deps.outbox.markFailed(row.id, attempt.number, result.error);
    if (marked && tellHead) await tellHeadOnce(deps, row.schoolId, now);
    return { step: 'done', outcome: 'dead-letter' };
  }
  await deps.outbox.recordAttempt(row.id, attempt.number, result.error);
  return { step: 'retry', error: result.error };
}

/** The school has no Trellis admin role yet: its head hears about dead letters, once a day at most. */
async function tellHeadOnce(deps: DeliveryDeps, schoolId: string, now: Date): Promise<void> {
  const head = await deps.reminders.loadHead(schoolId);
  if (head === undefined) return;
  await deps.outbox.queueDeadLetterNotice(schoolId, head.id, londonDateOf(now), now);
}
