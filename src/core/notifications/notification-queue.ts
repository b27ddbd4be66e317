import type { PlatformAccount } from '../bot/bot-ports.ts';
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
}

/** A notification with its delivery key: the same cause always gives the same key, so it is queued once. */
export interface QueuedNotification extends Notification {
  key: string;
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

/**
 * Where notifications go instead of being sent: each becomes a queued delivery (an outbox row and
 * its delivery job) that the job engine sends through the channel router with the digests' retry,
 * back-off, Retry-After and dead-letter rules (`deliverQueuedNotification`). A key already queued
 * is left alone. Returns how many were new.
 */
export interface NotificationQueue {
  queue(notifications: readonly QueuedNotification[], now: Date): Promise<number>;
}
