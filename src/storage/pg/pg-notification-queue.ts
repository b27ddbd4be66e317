import { londonDateOf } from '../../core/calendar/london-time.ts';
import type { NotificationQueue, QueuedNotification } from '../../core/notifications/notification-queue.ts';
import { type Sql, sql } from '../db/sql.ts';
import type { SqlTransactions } from '../db/sql-pool.ts';
import { deliveryJobsSql } from '../jobs/delivery-job-sql.ts';

/**
 * Notifications as `nudge_outbox` rows of type `notification` (`notify:<cause>:<i>`, the messages
 * in the payload, and the account it must reach when it has one): one insert, returning the rows
 * that were new (a key already there is left alone). Their delivery jobs follow in the same
 * transaction (`deliveryJobsSql`), so a row has its job exactly when it exists.
 */
export function notificationRowsInsert(notifications: readonly QueuedNotification[], now: Date): Sql {
  const date = londonDateOf(now);
  return sql`
    INSERT INTO nudge_outbox (id, key, recipient_id, payload, status, attempts, not_before, created_at, updated_at)
    SELECT gen_random_uuid(), v.key, v.recipient_id::uuid, v.payload::jsonb, 'pending', 0, ${now}::timestamptz, now(), now()
    FROM unnest(${notifications.map((n) => n.key)}::text[], ${notifications.map((n) => n.personId)}::text[],
      ${notifications.map((n) => JSON.stringify({ type: 'notification', date, messages: n.messages, ...(n.account === undefined ? {} : { account: n.account }), ...(n.email === undefined ? {} : { email: n.email }) }))}::text[]) WITH ORDINALITY AS v(key, recipient_id, payload, n)
    ORDER BY v.n
    ON CONFLICT (key) DO NOTHING RETURNING id::text AS id, key`;
}

/** The transaction a queue needs at most: two statements on a handful of rows. */
const QUEUE_TIMEOUT_MS = 5_000;

/**
 * The notification queue on the `pg` pool alone, each call one transaction: what the sweep asks of
 * it (the e-mails to the head's reviewers, 002 §22–24), for `trellis sweep`'s storage.
 */
export class PgNotificationQueue implements Pick<NotificationQueue, 'queue'> {
  readonly #transactions: SqlTransactions;

  constructor(transactions: SqlTransactions) {
    this.#transactions = transactions;
  }

  queue(notifications: readonly QueuedNotification[], now: Date): Promise<number> {
    if (notifications.length === 0) return Promise.resolve(0);
    return this.#transactions.transaction(
      async (tx) => {
        const insert = notificationRowsInsert(notifications, now);
        const created = (await tx.query<{ id: string; key: string }>(insert.text, insert.values)).rows;
        if (created.length > 0) {
          const jobs = deliveryJobsSql(
            created.map((row) => ({ ...row, kind: 'notification' as const })),
            'new',
          );
          await tx.query(jobs.text, jobs.values);
        }
        return created.length;
      },
      { timeoutMs: QUEUE_TIMEOUT_MS },
    );
  }
}
