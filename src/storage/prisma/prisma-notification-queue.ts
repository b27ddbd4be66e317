import { londonDateOf } from '../../core/calendar/london-time.ts';
import type { PlatformAccount } from '../../core/bot/bot-ports.ts';
import type { SentReplies } from '../../core/bot/bot-ports.ts';
import { type NotificationQueue, type QueuedNotification, REPLY_GRACE_SECONDS } from '../../core/notifications/notification-queue.ts';
import { DELIVERY_MAX_ATTEMPTS } from '../../core/reminders/deliver-digest.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { JOB, queueDeliveryJobs } from '../jobs/delivery-jobs.ts';

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
      ${notifications.map((n) => JSON.stringify({ type: 'notification', date, messages: n.messages, ...(n.account === undefined ? {} : { account: n.account }), ...(n.email === undefined ? {} : { email: n.email }) }))}::text[]) WITH ORDINALITY AS v(key, recipient_id, payload, n)
    ORDER BY v.n
    ON CONFLICT (key) DO NOTHING RETURNING id::text AS id, key`;
  if (created.length > 0) await tx.$queryRaw(queueDeliveryJobs(created.map((row) => ({ ...row, kind: 'notification' as const })), 'new'));
  return created.length;
}

/**
 * A turn's reply as one statement in the turn's transaction: the `notification` row (its place
 * in the payload), already marked as being sent (`sending_since`, since the channel sends it
 * straight after the commit, so any later attempt looks it up on the platform first), and its
 * delivery job, due after the grace period. A key already there is left alone. True when new.
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
  const [queued] = await tx.$queryRaw<{ jobs: number }[]>(replyRowSql(reply, now, Prisma.sql`${claimed} ${alongside}`));
  return (queued?.jobs ?? 0) > 0;
}

/**
 * The statement `queueReplyRow` sends: `before` (data-modifying CTEs, each ending in a comma) are
 * written with the reply; the reply's row is written only when `onlyIf` holds (it may read those
 * CTEs), and `columns` (each ending in a comma) are returned before `jobs`.
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
      ON CONFLICT (key) DO NOTHING RETURNING id, key, recipient_id
    )
    SELECT ${columns} count(graphile_worker.add_job(${JOB.deliverNotification}, json_build_object('id', c.id, 'school', s.slug), job_key := c.key,
      run_at := now() + make_interval(secs => ${REPLY_GRACE_SECONDS}::int), flags := ARRAY['school:' || s.slug],
      max_attempts := ${DELIVERY_MAX_ATTEMPTS}::int, job_key_mode := 'unsafe_dedupe'))::int AS jobs
    FROM created c JOIN people p ON p.id = c.recipient_id JOIN schools s ON s.id = p.school_id`;
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
 * A reply the channel has posted: its row sent and its waiting job removed, in one statement, off
 * the person's path (after the reply is in their chat). A job already running finds the row sent.
 */
export class PrismaSentReplies implements SentReplies {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /**
   * One statement: the message claimed in `processed_inbound` (if a turn has not already) and the
   * reply row with its job (`queueReplyRow`), the answer new only if the reply's key was not there.
   */
  saveOnce(reply: QueuedNotification & { account: PlatformAccount }, claim: { platform: string; tenant: string; messageId: string }, now: Date): Promise<boolean> {
    return queueReplyRow(this.#prisma, reply, now, claim);
  }

  async isSaved(key: string): Promise<boolean> {
    return (await this.#prisma.nudgeOutbox.count({ where: { key } })) > 0;
  }

  async markSent(key: string, at: Date): Promise<void> {
    await this.#prisma.$queryRaw`
      WITH sent AS (
        UPDATE nudge_outbox SET status = 'sent', sent_at = ${at}, sending_since = NULL, last_error = NULL, updated_at = now()
        WHERE key = ${key} AND status = 'pending' RETURNING key
      )
      SELECT count(graphile_worker.remove_job(sent.key))::int AS removed FROM sent`;
  }
}
