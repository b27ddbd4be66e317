import { londonDateOf } from '../../core/calendar/london-time.ts';
import type { PlatformAccount } from '../../core/bot/bot-ports.ts';
import type { SentReplies } from '../../core/bot/bot-ports.ts';
import type { NotificationQueue, QueuedNotification } from '../../core/notifications/notification-queue.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { driverOf, type PrismaClient, prismaSql, rawRows, type SqlDriver } from '../db/create-prisma-client.ts';
import { notificationRowsInsert } from '../pg/pg-notification-queue.ts';
import { queueDeliveryJobs } from '../jobs/delivery-jobs.ts';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Notifications as `nudge_outbox` rows of type `notification` (`notify:<cause>:<i>`, the messages
 * in the payload, and the account it must reach when it has one), each with its delivery job, written in the caller's transaction: a key already
 * there is left alone and gets no second job. Returns how many rows were new.
 */
export async function queueNotificationRows(tx: Tx, notifications: readonly QueuedNotification[], now: Date): Promise<number> {
  if (notifications.length === 0) return 0;
  const created = await tx.$queryRaw<{ id: string; key: string }[]>(prismaSql(notificationRowsInsert(notifications, now)));
  if (created.length > 0) await tx.$queryRaw(queueDeliveryJobs(created.map((row) => ({ ...row, kind: 'notification' as const })), 'new'));
  return created.length;
}

/**
 * A turn's reply as one statement in the turn's transaction: the `notification` row (its place
 * in the payload), already marked as being sent (`sending_since`, since the channel sends it
 * straight after the commit, so any later attempt looks it up on the platform first). It gets
 * no job: the row is the durable record, and only a row still unsent after the grace period (the
 * process died, the post failed) is given one, by `queueStalledSends` every minute. A job, its
 * indexes and its `NOTIFY` on every turn bought nothing while the channel posts the reply itself.
 * A key already there is left alone. True when new.
 * With `claim`, the same statement also claims the inbound message in `processed_inbound`; with
 * `alongside` (a data-modifying CTE ending in a comma: a turn's state), it writes that too.
 */
export async function queueReplyRow(
  tx: Pick<Tx, '$queryRaw'>,
  reply: QueuedNotification & { account: PlatformAccount },
  now: Date,
  claim?: { platform: string; tenant: string; messageId: string },
  alongside: Prisma.Sql = Prisma.empty,
): Promise<boolean> {
  // A reply saved on its own (a command that changed nothing) claims its message as a turn would.
  const claimed =
    claim === undefined
      ? Prisma.empty
      : Prisma.sql`claimed AS (
      INSERT INTO processed_inbound (id, tenant, platform, message_id, received_at) VALUES (gen_random_uuid(), ${claim.tenant}, ${claim.platform}, ${claim.messageId}, now())
      ON CONFLICT DO NOTHING
    ),`;
  const [queued] = await tx.$queryRaw<{ created: number }[]>(replyRowSql(reply, now, Prisma.sql`${claimed} ${alongside}`));
  return (queued?.created ?? 0) > 0;
}

/**
 * The statement `queueReplyRow` sends: `before` (data-modifying CTEs, each ending in a comma) are
 * written with the reply; the reply's row is written only when `onlyIf` holds (it may read those
 * CTEs), and `columns` (each ending in a comma) are returned before `created` (1 when the row is new).
 */
export function replyRowSql(
  reply: QueuedNotification & { account: PlatformAccount },
  now: Date,
  before: Prisma.Sql,
  onlyIf: Prisma.Sql = Prisma.sql`TRUE`,
  columns: Prisma.Sql = Prisma.empty,
): Prisma.Sql {
  const payload = JSON.stringify({ type: 'notification', date: londonDateOf(now), messages: reply.messages, account: reply.account, ...(reply.place === undefined ? {} : { place: reply.place }) });
  return Prisma.sql`
    WITH ${before} created AS (
      INSERT INTO nudge_outbox (id, key, recipient_id, payload, status, attempts, not_before, sending_since, created_at, updated_at)
      SELECT gen_random_uuid(), ${reply.key}, ${reply.personId}::uuid, ${payload}::jsonb, 'pending', 0, ${now}::timestamptz, ${now}::timestamptz, now(), now()
      WHERE ${onlyIf}
      ON CONFLICT (key) DO NOTHING RETURNING 1
    )
    SELECT ${columns} (SELECT count(*) FROM created)::int AS created`;
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

  queueReply(reply: QueuedNotification & { account: PlatformAccount }, now: Date): Promise<boolean> {
    return queueReplyRow(this.#tx, reply, now);
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

  queueReply(reply: QueuedNotification & { account: PlatformAccount }, now: Date): Promise<boolean> {
    return this.#prisma.$transaction((tx) => queueReplyRow(tx, reply, now));
  }
}

/**
 * A reply the channel has posted: its row sent, in one statement, off the person's path (after the
 * reply is in their chat). It has no job to remove; one queued for it meanwhile (a post that took
 * longer than the grace) finds the row sent and does nothing.
 *
 * Marks are grouped: the first goes at once; those that come while a statement is in flight go
 * together in the next, one statement for all of them (at most `MARKS_PER_STATEMENT`). Under load,
 * that is one round trip and one commit for many replies instead of one each; alone, it costs
 * nothing. A mark is an optimisation, not a promise (a reply left unmarked is found on the
 * platform by its job and not sent again), so a failed statement only fails its callers' marks.
 */
export class PrismaSentReplies implements SentReplies {
  readonly #prisma: PrismaClient;
  readonly #driver: SqlDriver | undefined;
  readonly #waiting: { key: string; at: Date; settle: (error?: unknown) => void }[] = [];
  #flushing = false;

  /** `driver`: where marks go (the client's own pool by default), else through Prisma. */
  constructor(prisma: PrismaClient, driver: SqlDriver | undefined = driverOf(prisma)) {
    this.#prisma = prisma;
    this.#driver = driver;
  }

  /**
   * One statement: the message claimed in `processed_inbound` (if a turn has not already) and the
   * reply row (`queueReplyRow`), the answer new only if the reply's key was not there.
   */
  saveOnce(reply: QueuedNotification & { account: PlatformAccount }, claim: { platform: string; tenant: string; messageId: string }, now: Date): Promise<boolean> {
    return queueReplyRow(this.#prisma, reply, now, claim);
  }

  async isSaved(key: string): Promise<boolean> {
    return (await this.#prisma.nudgeOutbox.count({ where: { key } })) > 0;
  }

  markSent(key: string, at: Date): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ key, at, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#waiting.length > 0) {
        const marks = this.#waiting.splice(0, MARKS_PER_STATEMENT);
        try {
          await this.#mark(marks);
          for (const mark of marks) mark.settle();
        } catch (error) {
          for (const mark of marks) mark.settle(error ?? new Error('marking replies sent failed'));
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  async #mark(marks: readonly { key: string; at: Date }[]): Promise<void> {
    const sql = Prisma.sql`
      WITH sent AS (
        UPDATE nudge_outbox o SET status = 'sent', sent_at = v.at, sending_since = NULL, last_error = NULL, updated_at = now()
        FROM unnest(${marks.map((mark) => mark.key)}::text[], ${marks.map((mark) => mark.at.toISOString())}::timestamptz[]) AS v(key, at)
        WHERE o.key = v.key AND o.status = 'pending' RETURNING o.key
      )
      SELECT count(*)::int AS marked FROM sent`;
    await rawRows(this.#prisma, this.#driver, sql);
  }
}

/** The most reply marks one statement carries. */
const MARKS_PER_STATEMENT = 200;
