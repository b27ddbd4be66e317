import { z } from 'zod';
import type { IsoDate } from '../../core/calendar/iso-date.ts';
import type { DeadlineObligation } from '../../core/deadlines/deadline-obligation.ts';
import type { OutgoingMessage } from '../../core/conversations/engine/outgoing-message.ts';
import type {
  DigestOutbox,
  HeldMeeting,
  OutboxEntry,
  OutboxKind,
  OutboxStatus,
  QueuedDigest,
  QueuedNotice,
  QueuedNotificationRow,
  ReminderStore,
  SweepInputs,
  SweepMark,
  SweepPage,
} from '../../core/reminders/reminder-ports.ts';
import type { Reminder, ReminderPerson, ReminderPoint } from '../../core/reminders/reminder-types.ts';
import { isAdjustableKind } from '../../core/obligations/obligation-kinds.ts';
import type { SweepCandidates } from '../../core/reminders/sweep-candidates.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { driverOf, type PrismaClient, type SqlDriver, sqlRunnerOf } from '../db/create-prisma-client.ts';
import { DELIVERY_TASK, digestsInBatches, isDeliveredRow, NOTICE_GATHER_SECONDS, newDeliveryJobs, queueDeliveryJobs } from '../jobs/delivery-jobs.ts';
import { REPLY_GRACE_SECONDS } from '../../core/notifications/notification-queue.ts';
import { PgSweepStore, type PersonRow, toPerson } from '../pg/pg-sweep-store.ts';
import { toDbDate } from './db-date.ts';

/**
 * Reminders in `reminders` and what is delivered in `nudge_outbox`. The sweep's side is
 * `PgSweepStore`'s statements (a bounded number per school whatever its size), run on this
 * client's pool; the delivery side (claiming, marking, listing and re-sending outbox rows) is here.
 *
 * A reminder (a `reminders` row) is one cadence point for one recipient, keyed
 * `<obligation>:<point>:<recipient>`, naming the digest meant to carry it (`digest_key`); it is
 * never delivered on its own, and is sent or failed with the digest that lists it. Outbox rows
 * are of three types, told apart by `payload.type`:
 * - `digest`: `digest:<recipient>:<date>`, the day's one message, listing the reminder keys it carries.
 * - `notice`: `notice:dead-letters:<school>:<date>`, the head's one message a day about dead letters.
 * - `notification`: `notify:<cause>:<i>`, a message to someone about another person's turn (see prisma-notification-queue.ts).
 * Status runs pending → sent, or failed (a dead letter); the job engine holds when to try next.
 */
export class PrismaReminderStore implements ReminderStore, DigestOutbox {
  readonly #prisma: PrismaClient;
  /**
   * The sweep's side (`PgSweepStore`), on the `pg` pool under the client when it has one: a sweep
   * page's read, its people's facts and its reminder insert go straight to the driver (issue 16).
   * Through Prisma each page's rows were copied into its result set and again into objects,
   * and the insert's arrays became one JSON string of every parameter (4.8 MB a page of 20,000) before pg
   * wrote them as array literals. A client with no pool of its own (one wrapped by `$extends`)
   * sends the same statements through Prisma.
   */
  readonly #sweeps: PgSweepStore;

  constructor(prisma: PrismaClient, driver: SqlDriver | undefined = driverOf(prisma)) {
    this.#prisma = prisma;
    this.#sweeps = new PgSweepStore(sqlRunnerOf(prisma, driver));
  }

  // The sweep's statements are PgSweepStore's, run on this client's pool (or through Prisma).
  listSchoolSlugs(): Promise<string[]> {
    return this.#sweeps.listSchoolSlugs();
  }

  loadSweepInputs(schoolId: string, today: IsoDate, dueSince: IsoDate): Promise<SweepInputs> {
    return this.#sweeps.loadSweepInputs(schoolId, today, dueSince);
  }

  loadHead(schoolId: string): Promise<ReminderPerson | undefined> {
    return this.#sweeps.loadHead(schoolId);
  }

  beginSweep(schoolId: string, today: IsoDate): Promise<SweepMark> {
    return this.#sweeps.beginSweep(schoolId, today);
  }

  finishSweep(schoolId: string, today: IsoDate, mark: SweepMark): Promise<void> {
    return this.#sweeps.finishSweep(schoolId, today, mark);
  }

  loadSweepPage(schoolId: string, candidates: SweepCandidates, page: { after?: string | undefined; limit: number; changedSince?: Date | undefined }): Promise<SweepPage> {
    return this.#sweeps.loadSweepPage(schoolId, candidates, page);
  }

  heldMeetingsWithoutOutcome(schoolId: string, dueSince: IsoDate): Promise<HeldMeeting[]> {
    return this.#sweeps.heldMeetingsWithoutOutcome(schoolId, dueSince);
  }

  async saveDeadlines(deadlines: readonly DeadlineObligation[]): Promise<number> {
    return saveDeadlineObligations(this.#prisma, deadlines);
  }

  record(schoolId: string, today: IsoDate, now: Date, reminders: readonly Reminder[]): Promise<{ reminders: number; digests: number }> {
    return this.#sweeps.record(schoolId, today, now, reminders);
  }

  queueReminders(today: IsoDate, now: Date, reminders: readonly Reminder[]): Promise<number> {
    return this.#sweeps.queueReminders(today, now, reminders);
  }

  queuedKeys(keys: readonly string[]): Promise<Set<string>> {
    return this.#sweeps.queuedKeys(keys);
  }

  assembleDigests(schoolId: string, today: IsoDate, now: Date): Promise<number> {
    return this.#sweeps.assembleDigests(schoolId, today, now);
  }

  async claimDigest(id: string, now: Date): Promise<QueuedDigest | undefined> {
    // One statement: lock the row, mark the attempt if it is pending, and read it with the
    // reminders it carries; `previous` is the mark an earlier attempt left.
    const [row] = await this.#prisma.$queryRaw<(QueuedRow & { previous: Date | null; reminders: unknown[] | null })[]>`
      WITH target AS (
        SELECT id, sending_since AS previous FROM nudge_outbox WHERE id = ${id}::uuid AND payload->>'type' = 'digest' FOR UPDATE
      ), claimed AS (
        UPDATE nudge_outbox d SET sending_since = ${now} FROM target t WHERE d.id = t.id AND d.status = 'pending' RETURNING d.id
      )
      ${queuedRows({
        columns: Prisma.sql`, t.previous,
          (SELECT json_agg(json_build_object('key', r.key, 'recipientId', r.recipient_id::text, 'obligationId', r.obligation_id::text, 'copy', r.copy,
              'point', r.point, 'audience', r.audience, 'scheduledOn', to_char(r.scheduled_on, 'YYYY-MM-DD'), 'sendOn', to_char(r.send_on, 'YYYY-MM-DD'),
              'dueOn', to_char(r.due_on, 'YYYY-MM-DD'),
              'obligation', CASE WHEN o.id IS NULL THEN NULL ELSE json_build_object('key', o.key, 'kind', o.kind, 'label', o.label, 'rule', o.rule,
                'personId', o.person_id::text, 'fullName', op.full_name) END))
            FROM reminders r LEFT JOIN obligations o ON o.id = r.obligation_id LEFT JOIN people op ON op.id = o.person_id
            WHERE r.key IN (SELECT jsonb_array_elements_text(d.payload->'reminderKeys'))) AS reminders`,
        joins: Prisma.sql`JOIN target t ON t.id = d.id`,
      })}`;
    if (row === undefined) return undefined;
    const payload = DigestPayloadSchema.parse(row.payload);
    const reminderOf = new Map((row.reminders ?? []).flatMap((carried) => {
      const reminder = carriedReminder(CarriedReminderSchema.parse(carried));
      return reminder === undefined ? [] : [[reminder.key, reminder] as const];
    }));
    return {
      id: row.id,
      key: row.key,
      recipientId: row.recipient.id,
      recipient: toPerson(row.recipient),
      schoolId: row.school_id,
      schoolSlug: row.school_slug,
      date: payload.date,
      status: toStatus(row.status),
      sendingSince: row.previous ?? undefined,
      reminders: payload.reminderKeys.flatMap((key) => reminderOf.get(key) ?? []),
    };
  }

  async loadNotice(id: string): Promise<QueuedNotice | undefined> {
    const [row] = await this.#prisma.$queryRaw<QueuedRow[]>`${queuedRows()} WHERE d.id = ${id}::uuid AND d.payload->>'type' = 'notice'`;
    if (row === undefined) return undefined;
    const payload = NoticePayloadSchema.parse(row.payload);
    return { id: row.id, key: row.key, recipient: toPerson(row.recipient), schoolId: row.school_id, schoolSlug: row.school_slug, date: payload.date, status: toStatus(row.status) };
  }

  async claimNotification(id: string, now: Date): Promise<QueuedNotificationRow | undefined> {
    const [row] = await this.#prisma.$queryRaw<(QueuedRow & { previous: Date | null })[]>`
      WITH target AS (
        SELECT id, sending_since AS previous FROM nudge_outbox WHERE id = ${id}::uuid AND payload->>'type' = 'notification' FOR UPDATE
      ), claimed AS (
        UPDATE nudge_outbox d SET sending_since = ${now} FROM target t WHERE d.id = t.id AND d.status = 'pending' RETURNING d.id
      )
      ${queuedRows({ columns: Prisma.sql`, t.previous`, joins: Prisma.sql`JOIN target t ON t.id = d.id` })}`;
    if (row === undefined) return undefined;
    const payload = NotificationPayloadSchema.parse(row.payload);
    return {
      id: row.id,
      key: row.key,
      recipient: toPerson(row.recipient),
      schoolId: row.school_id,
      schoolSlug: row.school_slug,
      status: toStatus(row.status),
      sendingSince: row.previous ?? undefined,
      messages: payload.messages as OutgoingMessage[],
      account: payload.account,
      place: payload.place,
      email: payload.email,
    };
  }

  async markSent(id: string, now: Date): Promise<boolean> {
    return (await this.#settle(id, Prisma.sql`status = 'sent', sent_at = ${now}, last_error = NULL`)) > 0;
  }

  async markFailed(id: string, attempts: number, error: string): Promise<boolean> {
    return (await this.#settle(id, Prisma.sql`status = 'failed', attempts = ${attempts}, last_error = ${error}`)) > 0;
  }

  /** A pending row, and the reminders it carries, to sent or failed in one statement; returns 1 or 0. */
  async #settle(id: string, set: Prisma.Sql): Promise<number> {
    const [counted] = await this.#prisma.$queryRaw<{ settled: number }[]>`
      WITH row AS (
        UPDATE nudge_outbox SET ${set}, sending_since = NULL, updated_at = now()
        WHERE id = ${id}::uuid AND status = 'pending' RETURNING payload, status, sent_at, last_error
      ), carried AS (
        UPDATE reminders r SET status = row.status, sent_at = row.sent_at, last_error = row.last_error, updated_at = now()
        FROM row CROSS JOIN LATERAL jsonb_array_elements_text(COALESCE(row.payload->'reminderKeys', '[]'::jsonb)) AS c(key)
        WHERE r.key = c.key
        RETURNING r.id
      )
      SELECT (SELECT count(*) FROM row)::int AS settled`;
    return counted?.settled ?? 0;
  }

  async recordAttempt(id: string, attempts: number, error: string): Promise<void> {
    await this.#prisma.$executeRaw`
      UPDATE nudge_outbox SET attempts = ${attempts}, last_error = ${error}, sending_since = NULL, updated_at = now()
      WHERE id = ${id}::uuid AND status = 'pending'`;
  }

  async queueDeadLetterNotice(schoolId: string, recipientId: string, today: IsoDate, now: Date): Promise<boolean> {
    return this.#prisma.$transaction(async (tx) => {
      const created = await tx.$queryRaw<{ id: string; key: string }[]>`
        INSERT INTO nudge_outbox (id, key, recipient_id, payload, status, attempts, not_before, created_at, updated_at)
        VALUES (gen_random_uuid(), ${`notice:dead-letters:${schoolId}:${today}`}, ${recipientId}::uuid,
          jsonb_build_object('type', 'notice', 'date', ${today}::text), 'pending', 0, ${now}, now(), now())
        ON CONFLICT (key) DO NOTHING RETURNING id::text AS id, key`;
      if (created.length > 0) await tx.$queryRaw(queueDeliveryJobs(created.map((row) => ({ ...row, kind: 'notice' as const })), 'new', NOTICE_GATHER_SECONDS));
      return created.length > 0;
    });
  }

  async queueMissingJobs(now: Date): Promise<number> {
    return this.#queueJobsWhere(Prisma.sql`(d.sending_since IS NULL OR d.sending_since <= ${sendGraceCutoff(now)})`);
  }

  async queueStalledSends(now: Date): Promise<number> {
    // Only rows being sent (the partial index nudge_outbox_sending_idx): never the sent history, nor the digests waiting for their window.
    return this.#queueJobsWhere(Prisma.sql`d.sending_since <= ${sendGraceCutoff(now)}`);
  }

  /** One statement: a delivery job, due now, for each pending delivered row matching `condition` (alias d) that has none. */
  async #queueJobsWhere(condition: Prisma.Sql): Promise<number> {
    const rows = Prisma.sql`
      SELECT t.task, d.id::text, d.key, s.slug FROM nudge_outbox d
      JOIN unnest(${Object.keys(DELIVERY_TASK)}::text[], ${Object.values(DELIVERY_TASK)}::text[]) AS t(kind, task) ON t.kind = d.payload->>'type'
      JOIN people p ON p.id = d.recipient_id JOIN schools s ON s.id = p.school_id
      WHERE d.status = 'pending' AND ${condition} AND d.id::text NOT IN (${digestsInBatches})`;
    // newDeliveryJobs leaves out a key with a job already (one that appeared meanwhile too), and a
    // digest a batch job lists is that job's, so this never doubles one.
    const [queued] = await this.#prisma.$queryRaw<{ jobs: number }[]>(newDeliveryJobs(rows));
    return queued?.jobs ?? 0;
  }

  async list(filter: { schoolSlug?: string | undefined; failedOnly?: boolean | undefined; limit?: number | undefined }): Promise<OutboxEntry[]> {
    const rows = await this.#prisma.$queryRaw<EntryRow[]>`
      ${OUTBOX_ENTRY} WHERE ${isDeliveredRow()}
        ${filter.schoolSlug === undefined ? Prisma.empty : Prisma.sql`AND s.slug = ${filter.schoolSlug}`}
        ${filter.failedOnly ? Prisma.sql`AND d.status = 'failed'` : Prisma.empty}
      ORDER BY d.created_at DESC, d.key LIMIT ${filter.limit ?? 200}`;
    return rows.map(toEntry);
  }

  async resend(which: { ids: readonly string[] } | { allFailed: true; schoolSlug?: string | undefined }): Promise<OutboxEntry[]> {
    const chosen =
      'ids' in which
        ? Prisma.sql`AND (d.id::text = ANY(${[...which.ids]}::text[]) OR d.key = ANY(${[...which.ids]}::text[]))`
        : which.schoolSlug === undefined
          ? Prisma.empty
          : Prisma.sql`AND d.recipient_id IN (SELECT p.id FROM people p JOIN schools s ON s.id = p.school_id WHERE s.slug = ${which.schoolSlug})`;
    return this.#prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string; key: string; kind: OutboxKind }[]>`
        WITH row AS (
          UPDATE nudge_outbox d SET status = 'pending', attempts = 0, last_error = NULL, updated_at = now()
          WHERE d.status = 'failed' AND ${isDeliveredRow()} ${chosen}
          RETURNING d.id, d.key, d.payload
        ), carried AS (
          UPDATE reminders r SET status = 'pending', last_error = NULL, updated_at = now()
          FROM row CROSS JOIN LATERAL jsonb_array_elements_text(COALESCE(row.payload->'reminderKeys', '[]'::jsonb)) AS c(key)
          WHERE r.key = c.key
          RETURNING r.id
        )
        SELECT id::text AS id, key, payload->>'type' AS kind FROM row ORDER BY key`;
      if (rows.length === 0) return [];
      await tx.$queryRaw(queueDeliveryJobs(rows, 'resend'));
      const entries = await tx.$queryRaw<EntryRow[]>`${OUTBOX_ENTRY} WHERE d.id = ANY(${rows.map((row) => row.id)}::uuid[]) ORDER BY d.key`;
      return entries.map(toEntry);
    });
  }
}

/**
 * A row whose send started at or before this is past its grace: whoever was sending it (the
 * channel after a turn, a delivery job) is taken to have died, and a job may send it now.
 */
function sendGraceCutoff(now: Date): Date {
  return new Date(now.getTime() - REPLY_GRACE_SECONDS * 1000);
}

/** Outbox rows with their recipient and school, as QueuedRow; `extra` adds columns and joins (aliases d, p, s). */
function queuedRows(extra: { columns?: Prisma.Sql; joins?: Prisma.Sql } = {}): Prisma.Sql {
  return Prisma.sql`SELECT d.id::text AS id, d.key, d.status, d.payload, p.school_id::text AS school_id, s.slug AS school_slug,
      json_build_object('id', p.id::text, 'email', p.email, 'full_name', p.full_name, 'role', p.role, 'line_manager_id', p.line_manager_id::text,
        'active', p.active, 'reviewer_id', NULL) AS recipient ${extra.columns ?? Prisma.empty}
    FROM nudge_outbox d JOIN people p ON p.id = d.recipient_id JOIN schools s ON s.id = p.school_id ${extra.joins ?? Prisma.empty}`;
}

interface QueuedRow {
  id: string;
  key: string;
  status: string;
  payload: unknown;
  school_id: string;
  school_slug: string;
  recipient: PersonRow;
}

// An e-mail to a contact who is not on the roster is listed under its address, not the head's it is about.
const OUTBOX_ENTRY = Prisma.sql`SELECT d.id::text AS id, d.key, d.payload->>'type' AS kind, s.slug AS school_slug, COALESCE(d.payload->'email'->>'address', p.email) AS email, d.payload->>'date' AS date,
      d.status, d.attempts, d.last_error
    FROM nudge_outbox d JOIN people p ON p.id = d.recipient_id JOIN schools s ON s.id = p.school_id`;

interface EntryRow {
  id: string;
  key: string;
  kind: string;
  school_slug: string;
  email: string;
  date: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

function toEntry(row: EntryRow): OutboxEntry {
  return {
    id: row.id,
    key: row.key,
    kind: row.kind === 'notice' || row.kind === 'notification' ? row.kind : 'digest',
    schoolSlug: row.school_slug,
    recipientEmail: row.email,
    date: row.date,
    status: toStatus(row.status),
    attempts: row.attempts,
    lastError: row.last_error ?? undefined,
  };
}

function toStatus(status: string): OutboxStatus {
  return status === 'sent' || status === 'failed' ? status : 'pending';
}

/**
 * Inserts deadline obligations, leaving any whose key exists as it is: the first event fixes the
 * deadline (an appeal window runs from the first issue of the report), and a re-save never adds
 * a second row. Shared with the dialog records, which write them inside a turn's transaction.
 */
export async function saveDeadlineObligations(prisma: { obligation: Pick<PrismaClient['obligation'], 'createMany'> }, deadlines: readonly DeadlineObligation[]): Promise<number> {
  if (deadlines.length === 0) return 0;
  const { count } = await prisma.obligation.createMany({
    data: deadlines.map((d) => ({
      key: d.key,
      cycleId: d.cycleId,
      personId: d.personId,
      kind: d.kind,
      label: d.label,
      opensOn: toDbDate(d.opensOn),
      dueOn: toDbDate(d.dueOn),
      ownerRole: d.ownerRole,
      ownerPersonId: d.ownerPersonId ?? null,
      rule: d.rule,
    })),
    skipDuplicates: true,
  });
  return count;
}

const DigestPayloadSchema = z.object({ type: z.literal('digest'), date: z.string(), reminderKeys: z.array(z.string()) });
const NoticePayloadSchema = z.object({ type: z.literal('notice'), date: z.string() });
// The messages were written by the core from its own OutgoingMessage values; their shape is checked as far as the type tag.
const NotificationPayloadSchema = z.object({
  type: z.literal('notification'),
  date: z.string(),
  messages: z.array(z.looseObject({ type: z.enum(['text', 'choices', 'form', 'summary']) })),
  account: z.object({ platform: z.enum(['slack', 'teams', 'local']), tenant: z.string(), userId: z.string() }).optional(),
  place: z.object({ conversation: z.string(), thread: z.string().optional(), ephemeral: z.object({ url: z.string(), until: z.string() }).optional() }).optional(),
  email: z.object({ address: z.string(), name: z.string() }).optional(),
});

/**
 * A carried reminder as the digest reads it back: its own row (what the plan decided: the point,
 * who for, its days and the due date it was planned against) and the obligation it refers to for
 * the rest (undefined once the obligation was deleted: there is nothing left to remind about).
 * Rows written before reminders referred to their obligation carry the whole reminder; both are read.
 */
function carriedReminder(carried: z.infer<typeof CarriedReminderSchema>): Reminder | undefined {
  if (carried.copy !== null) return carried.copy as Reminder;
  const obligation = carried.obligation;
  if (obligation === null || carried.obligationId === null) return undefined;
  return {
    key: carried.key,
    recipientId: carried.recipientId,
    obligationId: carried.obligationId,
    obligationKey: obligation.key,
    point: carried.point as ReminderPoint,
    audience: carried.audience,
    scheduledOn: carried.scheduledOn,
    sendOn: carried.sendOn,
    kind: obligation.kind,
    label: obligation.label,
    dueOn: carried.dueOn,
    rule: obligation.rule,
    about: { personId: obligation.personId, fullName: obligation.fullName },
    mutable: isAdjustableKind(obligation.kind),
  };
}

// Stored rows are read back, not trusted: a copy written by an older version fails loudly here.
const CopiedReminderSchema = z.object({
    key: z.string(),
    recipientId: z.string(),
    obligationId: z.string(),
    obligationKey: z.string(),
    point: z.string().transform((point) => point as ReminderPoint),
    audience: z.enum(['owner', 'reviewer', 'head']),
    scheduledOn: z.string(),
    sendOn: z.string(),
    kind: z.string(),
    label: z.string(),
    dueOn: z.string(),
    rule: z.string(),
    about: z.object({ personId: z.string(), fullName: z.string() }),
    mutable: z.boolean(),
});

const CarriedReminderSchema = z.object({
  key: z.string(),
  recipientId: z.string(),
  obligationId: z.string().nullable(),
  copy: CopiedReminderSchema.nullable(),
  point: z.string(),
  audience: z.enum(['owner', 'reviewer', 'head']),
  scheduledOn: z.string(),
  sendOn: z.string(),
  dueOn: z.string(),
  obligation: z.object({ key: z.string(), kind: z.string(), label: z.string(), rule: z.string(), personId: z.string(), fullName: z.string() }).nullable(),
});
