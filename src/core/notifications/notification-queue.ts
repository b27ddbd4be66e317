import type { PlatformAccount, ReplyContext } from '../bot/bot-ports.ts';
import type { OutgoingMessage } from '../conversations/engine/outgoing-message.ts';

/** A message for someone other than the person acting (the reviewer told a plan awaits them). */
export interface Notification {
  personId: string;
  messages: OutgoingMessage[];
  /**
   * The one account of theirs it must reach (the account they had before a second was linked);
   * without it, the first channel that reaches the person carries it.
   */
  account?: PlatformAccount | undefined;
  /**
   * Where in that account's chat it goes, when not their direct messages with the bot: the
   * conversation and thread a reply to their own message belongs in (a Slack DM thread).
   */
  place?: ReplyPlace | undefined;
  /**
   * Someone who is not on the roster, reached by e-mail instead of chat (a governor or an external
   * adviser reviewing the head, 002 §22–24, 004 §9.1). `personId` is then the rostered person the
   * message is about (the head), whose row it is; the e-mail goes to this address only.
   */
  email?: EmailAddressee | undefined;
}

/** Someone told: a colleague on the roster, or a contact reached by e-mail (`name`; a governor, 002 §22–24). */
export type Told = { personId: string; name?: undefined } | { personId?: undefined; name: string };

/** Who was told of a queued notification: its person, or the e-mail contact it went to instead. */
export function toldOf(notification: { personId: string; email?: { name: string } | undefined }): Told {
  return notification.email === undefined ? { personId: notification.personId } : { name: notification.email.name };
}

/** An e-mail recipient who is not on the roster: a named contact of the school. */
export interface EmailAddressee {
  address: string;
  name: string;
}

/** A conversation (and thread in it) on the account's platform: where a reply to a person's message goes. */
export interface ReplyPlace {
  conversation: string;
  thread?: string | undefined;
  /**
   * An answer shown only to the person where they typed (a Slack slash command's): through `url`
   * (the command's response_url) until `until` (ISO), and after that in their direct messages.
   */
  ephemeral?: { url: string; until: string } | undefined;
}

/** A notification with its delivery key: the same cause always gives the same key, so it is queued once. */
export interface QueuedNotification extends Notification {
  key: string;
}

/** A reply saved with what it answers: the queued row, for the account that spoke and where the channel answers. */
export type SavedReply = QueuedNotification & { account: PlatformAccount };

/** The reply to save with a change, when the channel said where it answers (`ReplyContext`); undefined otherwise. */
export function savedReplyOf(saved: ReplyContext | undefined, messages: OutgoingMessage[]): SavedReply | undefined {
  return saved === undefined ? undefined : { key: saved.key, personId: saved.personId, account: saved.account, place: saved.place, messages };
}

/**
 * The one rule for keying notifications: `notify:<cause>:<index>`, where the cause is what made
 * them (a turn's platform, tenant and message id; a reminder action; an access request). A turn
 * Slack delivers again has the same cause, and its rows are already there.
 */
export function keyNotifications(cause: string, notifications: readonly Notification[]): QueuedNotification[] {
  return notifications.map((notification, i) => ({ ...notification, key: `notify:${cause}:${i}` }));
}

/** The cause of a conversation turn's notifications: the inbound message it answers. */
export function turnCause(turn: { platform: string; tenant: string; messageId: string }): string {
  return `${turn.platform}:${turn.tenant}:${turn.messageId}`;
}

/** The one key of the reply to an inbound message: `reply:<cause>`, so a retried turn queues no second reply. */
export function replyKey(cause: string): string {
  return `reply:${cause}`;
}

/**
 * How long the job engine leaves a reply (or any row being sent) to the process that is sending it
 * now before it queues the row's job, which looks for it on the platform and sends it itself: longer than the patient Slack client's own retries
 * (about a minute), so a reply still being sent is not sent twice.
 */
export const REPLY_GRACE_SECONDS = 120;

/**
 * Where notifications go instead of being sent: each becomes a queued delivery (an outbox row and
 * its delivery job) that the job engine sends through the channel router with the digests' retry,
 * back-off, Retry-After and dead-letter rules (`deliverQueuedNotification`). A key already queued
 * is left alone. Returns how many were new.
 */
export interface NotificationQueue {
  queue(notifications: readonly QueuedNotification[], now: Date): Promise<number>;
  /**
   * The reply to the person in front of the bot, in the turn's transaction, as one statement: a
   * queued delivery already marked as being sent (the channel sends it straight after the commit),
   * without a delivery job. If the channel's send completes it marks the row sent (`SentReplies`);
   * if not (the process died, Slack failed), the row is still being sent after `REPLY_GRACE_SECONDS`
   * and the every-minute pass gives it its job (`DigestOutbox.queueStalledSends`), which looks it up
   * on the platform and sends it then, so it arrives once. A key already queued is left alone; returns whether it was new.
   */
  queueReply(reply: QueuedNotification & { account: PlatformAccount }, now: Date): Promise<boolean>;
}
