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

/** A queued digest this sweep has claimed (leased) for delivery, with the reminders it carries. */
export interface ClaimedDigest {
  id: string;
  key: string;
  recipientId: string;
  /** Read with the claim, so delivering needs no roster in memory; undefined if the person was deleted. */
  recipient?: ReminderPerson | undefined;
  date: IsoDate;
  /** Delivery attempts so far, this one included. */
  attempts: number;
  reminders: Reminder[];
}

/**
 * The reminder outbox. Reminders are queued before anything is sent, each once by its key; a
 * digest row per recipient per day carries them; a digest is leased by one sweep at a time, so
 * two sweeps (or two servers) never both send it, and a sweep that dies mid-way leaves rows the
 * next one finishes.
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
  loadSweepPage(schoolId: string, candidates: SweepCandidates, page: { after?: string | undefined; limit: number }): Promise<SweepPage>;
  /** Queues each reminder once: a key seen before is left alone. Returns how many were new. */
  queueReminders(now: Date, reminders: readonly Reminder[]): Promise<number>;
  /**
   * One digest per recipient for `today` carrying every queued reminder of theirs not yet carried
   * by a digest; a recipient whose digest for today exists already waits for the next school day.
   */
  assembleDigests(schoolId: string, today: IsoDate, now: Date): Promise<number>;
  /** `queueReminders` then `assembleDigests`. */
  record(schoolId: string, today: IsoDate, now: Date, reminders: readonly Reminder[]): Promise<{ reminders: number; digests: number }>;
  /** Appeal meetings marked done (held) with a due date on or after `dueSince` and no written-outcome deadline yet. */
  heldMeetingsWithoutOutcome(schoolId: string, dueSince: IsoDate): Promise<HeldMeeting[]>;
  /** Creates deadline obligations; one whose key exists is left as it is. Returns how many were new. */
  saveDeadlines(deadlines: readonly DeadlineObligation[]): Promise<number>;
  /** Leases up to `limit` digests that are due (pending, or sending with an expired lease) until `leaseUntil`. */
  claimDigests(schoolId: string, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDigest[]>;
  /** The digests and the reminders they carry are sent: one statement for the lot. */
  markSent(digests: readonly ClaimedDigest[], now: Date): Promise<void>;
  /** Back to pending until `notBefore`; a platform's rate limit does not use up an attempt. */
  markRetry(digest: ClaimedDigest, notBefore: Date, error: string, countAttempt: boolean): Promise<void>;
  /** Given up after too many attempts: the digest and its reminders are failed, with the last error. */
  markFailed(digest: ClaimedDigest, error: string): Promise<void>;
}

/** The person a digest goes to, as a channel needs them to find their chat account. */
export interface DigestRecipient {
  id: string;
  email: string;
  fullName: string;
}

export interface DigestDelivery {
  /** `digest:<recipientId>:<date>`: stable, so a channel may use it as an idempotency key. */
  key: string;
  recipient: DigestRecipient;
  message: DigestMessage;
}

/** `retryAfterSeconds` when the platform asked to slow down (Slack's and Teams' 429 Retry-After). */
export type DeliveryResult = { ok: true } | { ok: false; error: string; retryAfterSeconds?: number | undefined };

/** Sends a digest over a channel. Throwing is treated as a failed attempt, as `{ ok: false }` is. */
export interface Deliverer {
  deliver(delivery: DigestDelivery): Promise<DeliveryResult>;
}
