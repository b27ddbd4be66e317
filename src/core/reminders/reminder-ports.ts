import type { IsoDate } from '../calendar/iso-date.ts';
import type { DigestMessage } from './compose-digest.ts';
import type { Reminder, ReminderObligation, ReminderPerson } from './reminder-types.ts';

/** What one sweep of one school reads: open obligations in the horizon and the school's people. */
export interface SweepInputs {
  obligations: ReminderObligation[];
  people: ReminderPerson[];
}

/** A queued digest this sweep has claimed (leased) for delivery, with the reminders it carries. */
export interface ClaimedDigest {
  id: string;
  key: string;
  recipientId: string;
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
  /** Open and snoozed obligations already open on `today` and due on or after `dueSince`, and the school's people. */
  loadSweepInputs(schoolId: string, today: IsoDate, dueSince: IsoDate): Promise<SweepInputs>;
  /**
   * In one transaction: queues each reminder once (a key seen before is left alone), then one
   * digest per recipient for `today` carrying every queued reminder of theirs not yet carried by a
   * digest. Returns how many reminders and digests were new.
   */
  record(schoolId: string, today: IsoDate, now: Date, reminders: readonly Reminder[]): Promise<{ reminders: number; digests: number }>;
  /** Leases up to `limit` digests that are due (pending, or sending with an expired lease) until `leaseUntil`. */
  claimDigests(schoolId: string, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDigest[]>;
  /** The digest and the reminders it carries are sent. */
  markSent(digest: ClaimedDigest, now: Date): Promise<void>;
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
