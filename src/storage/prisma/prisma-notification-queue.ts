import { londonDateOf } from '../../core/calendar/london-time.ts';
import type { NotificationQueue, QueuedNotification } from '../../core/notifications/notification-queue.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { queueDeliveryJobs } from '../jobs/delivery-jobs.ts';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Notifications as `nudge_outbox` rows of type `notification` (`notify:<cause>:<i>`, the messages
 * in the payload, and the account it must reach when it has one), each with its delivery job, written in the caller's transaction: a key already
 * there is left alone and gets no second job. Returns how many rows were new.
 */
export async function queueNotificationRows(tx: Tx, notifications: readonly QueuedNotification[], now: Date): Promise<number> {
  if (notifications.length === 0) return 0;
  const date = londonDateOf(now);
  const created = await tx.$queryRaw<{ id: string; key: string }[]>`
    INSERT INTO nudge_outbox (id, key, recipient_id, payload, status, attempts, not_before, created_at, updated_at)
    SELECT gen_random_uuid(), v.key, v.recipient_id::uuid, v.payload::jsonb, 'pending', 0, ${now}, now(), now()
    FROM unnest(${notifications.map((n) => n.key)}::text[], ${notifications.map((n) => n.personId)}::text[],
      ${notifications.map((n) => JSON.stringify({ type: 'notification', date, messages: n.messages, ...(n.account === undefined ? {} : { account: n.account }) }))}::text[]) WITH ORDINALITY AS v(key, recipient_id, payload, n)
    ORDER BY v.n
    ON CONFLICT (key) DO NOTHING RETURNING id::text AS id, key`;
  if (created.length > 0) await tx.$queryRaw(queueDeliveryJobs(created.map((row) => ({ ...row, kind: 'notification' as const })), 'new'));
  return created.length;
}

/** The queue inside a transaction someone else opened (a conversation turn's). */
export class PrismaTransactionNotificationQueue implements NotificationQueue {
  readonly #tx: Tx;

  constructor(tx: Tx) {
    this.#tx = tx;
  }

  queue(notifications: readonly QueuedNotification[], now: Date): Promise<number> {
    return queueNotificationRows(this.#tx, notifications, now);
  }
}

/** The queue on its own: each call is one transaction. */
export class PrismaNotificationQueue implements NotificationQueue {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  queue(notifications: readonly QueuedNotification[], now: Date): Promise<number> {
    if (notifications.length === 0) return Promise.resolve(0);
    return this.#prisma.$transaction((tx) => queueNotificationRows(tx, notifications, now));
  }
}
