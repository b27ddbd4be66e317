import type { EmailAddressee, ReplyPlace } from '../notifications/notification-queue.ts';
import type { PlatformAccount } from '../bot/bot-ports.ts';
import type { OutgoingMessage } from '../conversations/engine/outgoing-message.ts';
import type { IsoDate } from '../calendar/iso-date.ts';
import type { DeadlineObligation } from '../deadlines/deadline-obligation.ts';
import type { DigestMessage } from './compose-digest.ts';
import type { Reminder, ReminderObligation, ReminderPerson } from './reminder-types.ts';
import type { SweepCandidates } from './sweep-candidates.ts';

/** What one sweep of one school reads: open obligations in the horizon and the school's people. */
export interface SweepInputs {
  obligations: ReminderObligation[];
  people: ReminderPerson[];
}

/** One page of a sweep's candidate obligations, with the people they name (reviewee and owner). */
export interface SweepPage extends SweepInputs {
  /** Pass back as `after` for the next page; undefined when this was the last. */
  next?: string | undefined;
}

/** Where a school's sweep of a day starts from (see ReminderStore.beginSweep). */
export interface SweepMark {
  startedAt: Date;
  changedSince?: Date | undefined;
}

/** An appeal meeting marked held whose written outcome (002 §17) has no deadline yet. */
export interface HeldMeeting {
  key: string;
  cycleId: string;
  personId: string;
  ownerPersonId?: string | undefined;
  ownerRole: string;
  /** The London date it was marked held. */
  heldOn: IsoDate;
}

/** A queued digest with the reminders it carries, read for delivering it. */
export interface QueuedDigest {
  id: string;
  key: string;
  recipientId: string;
  /** Read with the digest, so delivering needs no roster in memory; undefined if the person was deleted. */
  recipient?: ReminderPerson | undefined;
  schoolId: string;
  schoolSlug: string;
  date: IsoDate;
  status: OutboxStatus;
  /** When an attempt began that never settled: that run died mid-send, and may have delivered it. */
  sendingSince?: Date | undefined;
  reminders: Reminder[];
}

/** pending (a delivery job is queued) → sent, or failed: the dead-letter state someone is told about. */
export type OutboxStatus = 'pending' | 'sent' | 'failed';

/** A message to a school's head that some digests could not be delivered (at most one a day). */
export interface QueuedNotice {
  id: string;
  key: string;
  recipient?: ReminderPerson | undefined;
  schoolId: string;
  schoolSlug: string;
  date: IsoDate;
  status: OutboxStatus;
}

/** A notification to someone about another person's turn, read for delivering it (see NotificationQueue). */
export interface QueuedNotificationRow {
  id: string;
  key: string;
  recipient?: ReminderPerson | undefined;
  schoolId: string;
  schoolSlug: string;
  status: OutboxStatus;
  /** As for a digest: an attempt that died mid-send, and may have delivered it. */
  sendingSince?: Date | undefined;
  messages: OutgoingMessage[];
  /** The one account it must reach, when it was queued for one (see Notification). */
  account?: PlatformAccount | undefined;
  /** Where in that account's chat (a reply's conversation and thread). */
  place?: ReplyPlace | undefined;
  /** The e-mail addressee, when it goes to a contact who is not on the roster instead of the row's person. */
  email?: EmailAddressee | undefined;
}

/** What an outbox row delivers: a day's digest, the head's dead-letter notice, or a notification from a turn. */
export type OutboxKind = 'digest' | 'notice' | 'notification';

/** One row of `trellis outbox`. */
export interface OutboxEntry {
  id: string;
  key: string;
  kind: OutboxKind;
  schoolSlug: string;
  recipientEmail: string;
  date: IsoDate;
  status: OutboxStatus;
  attempts: number;
  lastError?: string | undefined;
}

/**
 * The delivery side of the outbox. Each digest and notice row has one delivery job, queued in
 * the transaction that creates the row (and when it is re-sent), keyed by the row's key; the job
 * engine runs it and this records what happened. Marking is one row at a time, guarded by the
 * status, so a job that runs again after its row is sent or failed does nothing.
 */
export interface DigestOutbox {
  /**
   * Reads a digest for delivering it and, if it is pending, marks an attempt as starting (settling
   * it clears the mark), in one statement; `sendingSince` is the mark an earlier attempt left, if
   * it died mid-send.
   */
  claimDigest(id: string, now: Date): Promise<QueuedDigest | undefined>;
  loadNotice(id: string): Promise<QueuedNotice | undefined>;
  /** Reads a notification for delivering it and marks an attempt as starting, as `claimDigest` does. */
  claimNotification(id: string, now: Date): Promise<QueuedNotificationRow | undefined>;
  /** pending → sent; false when the row was not pending (another run got there first). */
  markSent(id: string, now: Date): Promise<boolean>;
  /** The failed attempt's error and the attempts so far, for `trellis outbox`; the row stays pending. */
  recordAttempt(id: string, attempts: number, error: string): Promise<void>;
  /** pending → failed (dead letter), with the carried reminders; false when it was not pending. */
  markFailed(id: string, attempts: number, error: string): Promise<boolean>;
  /** Queues today's one notice to `recipientId` about the school's dead letters; false when today's exists. */
  queueDeadLetterNotice(schoolId: string, recipientId: string, today: IsoDate, now: Date): Promise<boolean>;
  /**
   * Queues a delivery job, due now, for every pending row that has none (rows from before the job
   * engine, replies whose sender died), except a row whose send started within `REPLY_GRACE_SECONDS`
   * of `now` (another process may be sending it); returns how many. Run when a server starts.
   */
  queueMissingJobs(now: Date): Promise<number>;
  /**
   * The same for the rows being sent alone (`sending_since` set, past the grace): a reply saved
   * with its turn has no job until then. One indexed statement, run every minute
   * (`STALLED_SENDS_CRONTAB`) and before `runDueJobs`; returns how many jobs it queued.
   */
  queueStalledSends(now: Date): Promise<number>;
  /** Digests, notices and notifications, newest first; only failed ones with `failedOnly`. */
  list(filter: { schoolSlug?: string | undefined; failedOnly?: boolean | undefined; limit?: number | undefined }): Promise<OutboxEntry[]>;
  /** Failed rows back to pending with a fresh delivery job; `ids` by id or key prefix, or every failed one. Returns those re-queued. */
  resend(which: { ids: readonly string[] } | { allFailed: true; schoolSlug?: string | undefined }): Promise<OutboxEntry[]>;
}

/**
 * The reminder outbox. Reminders are queued before anything is sent, each once by its key; a
 * digest row per recipient per day carries them, and its delivery job is queued in the same
 * transaction (see DigestOutbox), so a sweep that dies mid-way leaves nothing half-done.
 */
export interface ReminderStore {
  listSchoolSlugs(): Promise<string[]>;
  /**
   * Every open and snoozed obligation already open on `today` and due on or after `dueSince`,
   * and all the school's people: for tests and tools. The sweep reads `loadSweepPage` instead.
   */
  loadSweepInputs(schoolId: string, today: IsoDate, dueSince: IsoDate): Promise<SweepInputs>;
  /** The school's active headteacher, to whom long-overdue items are escalated. */
  loadHead(schoolId: string): Promise<ReminderPerson | undefined>;
  /**
   * Up to `limit` open or snoozed candidate obligations (see SweepCandidates) after the cursor,
   * in a stable order, with the people they name. A fixed number of statements per page.
   */
  loadSweepPage(schoolId: string, candidates: SweepCandidates, page: { after?: string | undefined; limit: number; changedSince?: Date | undefined }): Promise<SweepPage>;
  /**
   * Starts a sweep of `today`: `startedAt` is the database's moment, and `changedSince` is set when
   * an earlier sweep of the same day finished and nothing about the school's people, reviewers or
   * policy has changed since it: then only obligations changed since are worth reading.
   */
  beginSweep(schoolId: string, today: IsoDate): Promise<SweepMark>;
  /** Records that the sweep begun with `mark` queued everything it read for `today`. */
  finishSweep(schoolId: string, today: IsoDate, mark: SweepMark): Promise<void>;
  /** Which of these reminder keys are in the outbox already (for a dry run). */
  queuedKeys(keys: readonly string[]): Promise<Set<string>>;
  /**
   * Queues each reminder once: a key seen before is left alone. Returns how many were new. Each
   * new row names the digest it is meant for (its recipient's on `today`), so assembling that
   * digest writes the digest alone, not every reminder a second time.
   */
  queueReminders(today: IsoDate, now: Date, reminders: readonly Reminder[]): Promise<number>;
  /**
   * One digest per recipient for `today` carrying every queued reminder of theirs not yet carried
   * by a digest (a reminder is carried when the digest it names lists it), each with its delivery
   * job queued in the same transaction; a recipient whose digest for today exists already waits
   * for the next school day.
   */
  assembleDigests(schoolId: string, today: IsoDate, now: Date): Promise<number>;
  /** `queueReminders` then `assembleDigests`. */
  record(schoolId: string, today: IsoDate, now: Date, reminders: readonly Reminder[]): Promise<{ reminders: number; digests: number }>;
  /** Appeal meetings marked done (held) with a due date on or after `dueSince` and no written-outcome deadline yet. */
  heldMeetingsWithoutOutcome(schoolId: string, dueSince: IsoDate): Promise<HeldMeeting[]>;
  /** Creates deadline obligations; one whose key exists is left as it is. Returns how many were new. */
  saveDeadlines(deadlines: readonly DeadlineObligation[]): Promise<number>;
}

/** The person a digest goes to, as a channel needs them to find their chat account. */
export interface DigestRecipient {
  id: string;
  email: string;
  fullName: string;
}

/** What a channel needs to look a delivery up in the person's chat: its key and its recipient. */
export interface DeliveryLookup {
  key: string;
  recipient: DigestRecipient;
  /** The one account it was sent to, when it was queued for one (see Notification): looked up there. */
  account?: PlatformAccount | undefined;
  /** And where in that account's chat (a reply's thread): looked up there. */
  place?: ReplyPlace | undefined;
}

export interface DigestDelivery {
  /** `digest:<recipientId>:<date>`: stable, so a channel may use it as an idempotency key. */
  key: string;
  recipient: DigestRecipient;
  message: DigestMessage;
}

/**
 * `retryAfterSeconds` when the platform asked to slow down (Slack's and Teams' 429 Retry-After);
 * `permanent` when retrying cannot help (nobody can reach the person), so it is a dead letter now.
 */
export type DeliveryResult = { ok: true } | { ok: false; error: string; retryAfterSeconds?: number | undefined; permanent?: boolean | undefined };

/** Sends a digest over a channel. Throwing is treated as a failed attempt, as `{ ok: false }` is. */
export interface Deliverer {
  deliver(delivery: DigestDelivery): Promise<DeliveryResult>;
  /**
   * Whether the platform already has this delivery (looked up by its key), for a retry after an
   * attempt that died mid-send; undefined when the channel cannot tell, and the digest is sent
   * again (at least once). `since` is when that attempt began (the row's `sending_since`): a
   * message older than that cannot be it, so the lookup reads no further back. Optional: only
   * channels that can look it up implement it.
   */
  wasDelivered?(delivery: DeliveryLookup, since: Date): Promise<boolean | undefined>;
}

/**
 * Sends messages to one person over the same channels, carrying `key` as a digest does (so the
 * lookup finds them): the head's dead-letter notice and the notifications of turns.
 */
export interface MessageSender {
  sendMessages(recipient: DigestRecipient, messages: readonly OutgoingMessage[], key: string): Promise<DeliveryResult>;
  /** The same, over that one account of theirs only (not whichever channel reaches them first). */
  sendToAccount(personId: string, account: PlatformAccount, messages: readonly OutgoingMessage[], key: string, place?: ReplyPlace): Promise<DeliveryResult>;
  /** By e-mail to someone who is not on the roster; absent (or failing) when no e-mail is configured. */
  sendEmail?(to: EmailAddressee, messages: readonly OutgoingMessage[], key: string): Promise<DeliveryResult>;
}
