import type { Notification } from '../../src/core/notifications/notification-queue.ts';
import type { OutgoingMessage } from '../../src/core/conversations/engine/outgoing-message.ts';
import type { PrismaClient } from '../../src/storage/db/create-prisma-client.ts';

/** A queued notification as stored: its key, recipient, messages and delivery status. */
export interface StoredNotification extends Notification {
  key: string;
  status: string;
}

/**
 * The notifications queued in the outbox whose key starts with `prefix` (`notify:<cause>:`), in
 * the order they were made: what a turn or an action will tell other people, read back from the
 * database rather than taken from the code that wrote it.
 */
export async function queuedNotifications(prisma: PrismaClient, prefix = 'notify:'): Promise<StoredNotification[]> {
  const rows = await prisma.nudgeOutbox.findMany({ where: { key: { startsWith: prefix }, payload: { path: ['type'], equals: 'notification' } }, select: { key: true, recipientId: true, payload: true, status: true } });
  const index = (key: string) => Number(key.slice(key.lastIndexOf(':') + 1));
  return rows
    .sort((a, b) => (a.key.slice(0, a.key.lastIndexOf(':')) === b.key.slice(0, b.key.lastIndexOf(':')) ? index(a.key) - index(b.key) : a.key.localeCompare(b.key)))
    .map((row) => ({ key: row.key, personId: row.recipientId, messages: (row.payload as unknown as { messages: OutgoingMessage[] }).messages, status: row.status }));
}

/** Just who is told what, as the core made it (for comparing with `toEqual`). */
export function asNotifications(stored: readonly StoredNotification[]): Notification[] {
  return stored.map(({ personId, messages }) => ({ personId, messages }));
}
