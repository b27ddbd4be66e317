import { z } from 'zod';
import type { IsoDate } from '../../core/calendar/iso-date.ts';
import type { DeadlineObligation } from '../../core/deadlines/deadline-obligation.ts';
import { DEADLINE_KINDS } from '../../core/deadlines/event-deadlines.ts';
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
import type { Reminder, ReminderObligation, ReminderPerson, ReminderPoint } from '../../core/reminders/reminder-types.ts';
import { reminderPersonOf } from '../../core/reminders/reminder-person.ts';
import { isAdjustableKind } from '../../core/obligations/obligation-kinds.ts';
import type { SweepCandidates } from '../../core/reminders/sweep-candidates.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { driverOf, type PrismaClient, rawCount, rawRows, type SqlDriver, type SqlOptions } from '../db/create-prisma-client.ts';
import { DELIVERY_TASK, DIGESTS_IN_BATCHES, isDeliveredRow, NOTICE_GATHER_SECONDS, newDeliveryJobs, newDigestBatchJobs, queueDeliveryJobs } from '../jobs/delivery-jobs.ts';
import { REPLY_GRACE_SECONDS } from '../../core/notifications/notification-queue.ts';
import { LONGEST_TRANSACTION_MS } from '../db/transaction-limits.ts';
import { forgetQueryArguments } from '../db/forget-query-arguments.ts';
import { arrayLiteral } from '../db/array-literal.ts';
import { PrismaPeopleFacts } from './prisma-access-relationships.ts';
import { toDbDate } from './db-date.ts';

/**
 * Reminders in `reminders` and what is delivered in `nudge_outbox`. A sweep does a bounded number
 * of statements per school whatever its size: two reads and one insert per page of candidate
 * obligations (thousands per page), and one statement to assemble the day's digests and queue
 * their delivery jobs. Arrays go in through `unnest` or `ANY`, never one statement per person.
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
   * The `pg` pool under the client, when it has one: a sweep page's read, its people's facts and
   * its reminder insert go straight to the driver (issue 16). Through Prisma each page's 20,000
   * rows were copied into its result set and again into objects, and the insert's arrays became one
   * JSON string of every parameter (4.8 MB a page) before pg wrote them as array literals.
   */
  readonly #driver: SqlDriver | undefined;

  constructor(prisma: PrismaClient, driver: SqlDriver | undefined = driverOf(prisma)) {
    this.#prisma = prisma;
    this.#driver = driver;
  }

  async listSchoolSlugs(): Promise<string[]> {
    return (await this.#prisma.school.findMany({ select: { slug: true }, orderBy: { slug: 'asc' } })).map((school) => school.slug);
  }

  async loadSweepInputs(schoolId: string, today: IsoDate, dueSince: IsoDate): Promise<SweepInputs> {
    const obligations = await this.#prisma.$queryRaw<ObligationRow[]>`
      ${liveObligationsOf(schoolId, today, dueSince)}`;
    const ids = await this.#prisma.$queryRaw<{ id: string }[]>`SELECT p.id::text AS id FROM people p WHERE p.school_id = ${schoolId}::uuid`;
    return {
      obligations: obligations.map(toObligation),
      people: await this.#peopleOn(
        ids.map((row) => row.id),
        today,
      ),
    };
  }

  async loadHead(schoolId: string): Promise<ReminderPerson | undefined> {
    const [head] = await this.#prisma.$queryRaw<PersonRow[]>`
      SELECT p.id::text AS id, p.email, p.full_name, p.role, p.line_manager_id::text AS line_manager_id, p.active, NULL AS reviewer_id
      FROM people p WHERE p.school_id = ${schoolId}::uuid AND p.role = 'headteacher' AND p.active ORDER BY p.created_at, p.id LIMIT 1`;
    return head === undefined ? undefined : toPerson(head);
  }

  async beginSweep(schoolId: string, today: IsoDate): Promise<SweepMark> {
    // The mark holds only if nothing the plan reads besides obligations changed since it: the
    // school (policy, calendar), its people (line managers, leavers) and reviewer assignments.
    // The people are judged by their newest write alone: `max` is always planned as a walk back
    // from the top of the school's (school_id, updated_at) index to the first row anyone can see,
    // and that index scan marks the versions it passes dead (a failed import's, a replaced row's)
    // so the next tick steps over them. A `NOT EXISTS` over the range was left to the estimate,
    // and was often a bitmap scan: that gathers every entry from the mark on and never marks one
    // dead, so each tick examined every such version again until vacuum.
    const [row] = await this.#prisma.$queryRaw<{ started_at: Date; changed_since: Date | null }[]>`
      SELECT clock_timestamp() AS started_at,
        (SELECT m.swept_at FROM sweep_marks m
          WHERE m.school_id = ${schoolId}::uuid AND m.swept_on = ${today}::date
            AND NOT EXISTS (SELECT 1 FROM schools s WHERE s.id = m.school_id AND s.updated_at >= m.swept_at)
            AND m.swept_at > COALESCE((SELECT max(p.updated_at) FROM people p WHERE p.school_id = ${schoolId}::uuid), '-infinity')
            AND NOT EXISTS (SELECT 1 FROM reviewer_assignments a JOIN people p ON p.id = a.reviewee_id
              WHERE a.created_at >= m.swept_at AND p.school_id = m.school_id)) AS changed_since`;
    return { startedAt: row!.started_at, changedSince: row!.changed_since ?? undefined };
  }

  async finishSweep(schoolId: string, today: IsoDate, mark: SweepMark): Promise<void> {
    // Set back by the longest a transaction may stay open: a change made before the sweep began
    // but committed after it read is still newer than the mark, so the next tick reads it.
    const sweptAt = new Date(mark.startedAt.getTime() - LONGEST_TRANSACTION_MS);
    await this.#prisma.$executeRaw`
      INSERT INTO sweep_marks (school_id, swept_on, swept_at) VALUES (${schoolId}::uuid, ${today}::date, ${sweptAt})
      ON CONFLICT (school_id) DO UPDATE SET swept_on = excluded.swept_on,
        swept_at = CASE WHEN sweep_marks.swept_on = excluded.swept_on THEN GREATEST(sweep_marks.swept_at, excluded.swept_at) ELSE excluded.swept_at END`;
  }

  async loadSweepPage(schoolId: string, candidates: SweepCandidates, page: { after?: string | undefined; limit: number; changedSince?: Date | undefined }): Promise<SweepPage> {
    const { today, dueSince, opensAfter, dueOn, wakesAfter } = candidates;
    // Keyset paging on (person, obligation id): each page walks the school's people in id order
    // and their obligations through (person_id, status), and memory stays at one page whatever
    // the school's size. Paging on the obligation id alone looked up the person of every
    // obligation to keep the school's (22,000 look-ups a page at 100,000 staff, 2–4× slower).
    // The date conditions are the core's candidates.
    const [afterPerson, afterId] = (page.after ?? `${NO_UUID}/${NO_UUID}`).split('/');
    const rows = await rawRows<ObligationRow>(
      this.#prisma,
      this.#driver,
      Prisma.sql`
      ${liveObligationsOf(schoolId, today, dueSince)}
        AND (o.opens_on > ${opensAfter}::date OR o.due_on = ANY(${dueOn}::date[])
          OR (o.status = 'snoozed' AND o.snoozed_until > ${wakesAfter}::date AND o.snoozed_until <= ${today}::date))
        ${page.changedSince === undefined ? Prisma.empty : Prisma.sql`AND o.updated_at >= ${page.changedSince}`}
        AND (o.person_id, o.id) > (${afterPerson}::uuid, ${afterId}::uuid)
      ORDER BY o.person_id, o.id LIMIT ${page.limit}`,
      ONCE,
    );
    const ids = [...new Set(rows.flatMap((row) => (row.owner_person_id === null ? [row.person_id] : [row.person_id, row.owner_person_id])))];
    const people = await this.#peopleOn(ids, today);
    forgetQueryArguments();
    const last = rows.length === page.limit ? rows[rows.length - 1] : undefined;
    return { obligations: rows.map(toObligation), people, next: last === undefined ? undefined : `${last.person_id}/${last.id}` };
  }

  /** The people with their reviewer on `today`, decided by the one model of who is who (`relationshipsOn`) from the facts every adapter loads. */
  async #peopleOn(ids: readonly string[], today: IsoDate): Promise<ReminderPerson[]> {
    const facts = await new PrismaPeopleFacts(this.#prisma, this.#driver === undefined ? undefined : { driver: this.#driver, options: ONCE }).factsOf(ids);
    return facts.map((subject) => reminderPersonOf(subject, today));
  }

  async heldMeetingsWithoutOutcome(schoolId: string, dueSince: IsoDate): Promise<HeldMeeting[]> {
    // The due-date range keeps this on the (due_on, status) index: a meeting is due within weeks
    // of the appeal, so one due long ago is history, not a follow-up to create.
    const rows = await this.#prisma.$queryRaw<{ key: string; cycle_id: string; person_id: string; owner_person_id: string | null; owner_role: string; held_on: string }[]>`
      SELECT o.key, o.cycle_id::text AS cycle_id, o.person_id::text AS person_id, o.owner_person_id::text AS owner_person_id, o.owner_role,
        to_char(COALESCE(o.completed_at, o.updated_at) AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS held_on
      FROM obligations o JOIN people p ON p.id = o.person_id
      WHERE p.school_id = ${schoolId}::uuid AND o.due_on >= ${dueSince}::date AND o.status = 'done' AND o.kind = ${DEADLINE_KINDS.appealMeeting}
        AND NOT EXISTS (SELECT 1 FROM obligations f WHERE f.person_id = o.person_id AND f.cycle_id = o.cycle_id AND f.kind = ${DEADLINE_KINDS.appealOutcome}
          AND f.key = regexp_replace(o.key, ':meeting$', ':outcome'))`;
    return rows.map((row) => ({
      key: row.key,
      cycleId: row.cycle_id,
      personId: row.person_id,
      ownerPersonId: row.owner_person_id ?? undefined,
      ownerRole: row.owner_role,
      heldOn: row.held_on,
    }));
  }

  async saveDeadlines(deadlines: readonly DeadlineObligation[]): Promise<number> {
    return saveDeadlineObligations(this.#prisma, deadlines);
  }

  /**
   * Two steps, deliberately not one transaction: the second carries *every* uncarried reminder
   * of the school, so a crash between them is healed by the next sweep, and each is atomic on its own.
   */
  async record(schoolId: string, today: IsoDate, now: Date, reminders: readonly Reminder[]): Promise<{ reminders: number; digests: number }> {
    const queued = await this.queueReminders(today, now, reminders);
    return { reminders: queued, digests: await this.assembleDigests(schoolId, today, now) };
  }

  async queueReminders(today: IsoDate, _now: Date, reminders: readonly Reminder[]): Promise<number> {
    if (reminders.length === 0) return 0;
    // Keys go in sorted so two sweeps inserting the same rows lock them in the same order and
    // one simply waits for the other instead of deadlocking; any fixed order does, so it is the
    // keys' code units, not a locale's collation (several times slower for 10,000s of keys). A row
    // refers to its obligation and keeps only what the plan decided (the point, who for, its days
    // and the due date planned against, as columns; the obligation's label, kind and rule are read
    // when the digest is delivered), and names the digest it is meant for: today's for its
    // recipient. It is carried only once that digest lists it (see assembleDigests), so naming it
    // here costs nothing if it must wait.
    const rows = [...reminders].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const queued = await rawCount(
      this.#prisma,
      this.#driver,
      Prisma.sql`
      INSERT INTO reminders (key, recipient_id, obligation_id, digest_key, point, audience, scheduled_on, send_on, due_on, created_at, updated_at)
      SELECT v.key, v.recipient_id, v.obligation_id, ${digestKeyOf(Prisma.sql`v.recipient_id`, today)}, v.point, v.audience,
        v.scheduled_on, v.send_on, v.due_on, now(), now()
      FROM unnest(${arrayLiteral(rows.map((r) => r.key))}::text[], ${arrayLiteral(rows.map((r) => r.recipientId))}::uuid[],
        ${arrayLiteral(rows.map((r) => r.obligationId))}::uuid[], ${arrayLiteral(rows.map((r) => r.point))}::text[],
        ${arrayLiteral(rows.map((r) => r.audience))}::text[], ${arrayLiteral(rows.map((r) => r.scheduledOn))}::date[],
        ${arrayLiteral(rows.map((r) => r.sendOn))}::date[], ${arrayLiteral(rows.map((r) => r.dueOn))}::date[])
        WITH ORDINALITY AS v(key, recipient_id, obligation_id, point, audience, scheduled_on, send_on, due_on, n)
      ORDER BY v.n
      ON CONFLICT (key) DO NOTHING`,
      ONCE,
    );
    forgetQueryArguments();
    return queued;
  }

  async queuedKeys(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.#prisma.$queryRaw<{ key: string }[]>`SELECT key FROM reminders WHERE key = ANY(${[...keys]}::text[])`;
    return new Set(rows.map((row) => row.key));
  }

  async assembleDigests(schoolId: string, today: IsoDate, now: Date): Promise<number> {
    // One digest per recipient per day carries everything of theirs queued and not yet carried;
    // if today's digest already exists (sent at an earlier tick), the newcomers wait for the
    // next school day's, so nobody gets two messages in a day. The digests' delivery jobs are
    // queued in the same statement, in batches (newDigestBatchJobs): a digest exists exactly when
    // a job that delivers it does.
    //
    // A reminder is carried when the digest it names lists it. Queued reminders already name
    // today's digest, so the usual busy sweep writes the digests and their jobs and nothing else:
    // only uncarried reminders that name another day's digest (one sent before they were
    // written, or an older row that names none) are renamed to today's. Renaming one whose
    // recipient's digest of today existed already is harmless: that digest does not list it, so
    // it is still uncarried and the next school day's digest takes it. Never lost, never carried twice.
    //
    // One statement, so no transaction is held open between round trips. The renamed reminders
    // are found from `uncarried` as one array of keys, looked up through the key's index; nothing
    // is joined back to a CTE (guessing a handful of rows, as on a first sweep when the table's
    // statistics are empty, the planner looped over one for each row of the other: tens of
    // seconds at 10,000 staff for the digests, eleven minutes for a rename joined to `reminders`).
    const todays = digestKeyOf(Prisma.sql`u.recipient_id`, today);
    const [row] = await this.#prisma.$queryRaw<{ digests: number }[]>`
      WITH uncarried AS (
        SELECT r.recipient_id, r.key, r.digest_key AS named FROM reminders r JOIN people p ON p.id = r.recipient_id
        WHERE p.school_id = ${schoolId}::uuid AND r.status = 'pending'
          AND NOT EXISTS (SELECT 1 FROM nudge_outbox d WHERE d.key = r.digest_key AND jsonb_exists(d.payload->'reminderKeys', r.key))
      ), digests AS (
        INSERT INTO nudge_outbox (id, key, recipient_id, payload, status, attempts, not_before, created_at, updated_at)
        SELECT gen_random_uuid(), ${todays}, u.recipient_id,
          jsonb_build_object('type', 'digest', 'date', ${today}::text, 'reminderKeys', jsonb_agg(u.key ORDER BY u.key)), 'pending', 0, ${now}, now(), now()
        FROM uncarried u GROUP BY u.recipient_id ORDER BY u.recipient_id
        ON CONFLICT (key) DO NOTHING
        RETURNING id, key
      ), renamed AS (
        UPDATE reminders r SET digest_key = ${digestKeyOf(Prisma.sql`r.recipient_id`, today)}, updated_at = now()
        WHERE r.key = ANY(ARRAY(SELECT u.key FROM uncarried u WHERE u.named IS DISTINCT FROM ${todays}))
      ), jobs AS (
        ${newDigestBatchJobs(Prisma.sql`SELECT d.id, d.key FROM digests d`, Prisma.sql`(SELECT s.slug FROM schools s WHERE s.id = ${schoolId}::uuid)`)}
      )
      SELECT (SELECT count(*) FROM digests)::int AS digests, (SELECT count(*) FROM jobs)::int AS jobs`;
    forgetQueryArguments();
    return row?.digests ?? 0;
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
      WHERE d.status = 'pending' AND ${condition} AND d.id::text NOT IN (${DIGESTS_IN_BATCHES})`;
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

/** The sweep's page statements run a few times a day on large arrays: planned for their values each time, not prepared. */
const ONCE: SqlOptions = { prepare: false };

/**
 * A row whose send started at or before this is past its grace: whoever was sending it (the
 * channel after a turn, a delivery job) is taken to have died, and a job may send it now.
 */
function sendGraceCutoff(now: Date): Date {
  return new Date(now.getTime() - REPLY_GRACE_SECONDS * 1000);
}

/** The least uuid: the sweep's first page starts after it. */
const NO_UUID = '00000000-0000-0000-0000-000000000000';

/** A recipient's digest key for a day, `digest:<recipient>:<date>`, from a uuid column or expression. */
function digestKeyOf(recipient: Prisma.Sql, day: IsoDate): Prisma.Sql {
  return Prisma.sql`'digest:' || ${recipient}::text || ':' || ${day}::text`;
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

interface ObligationRow {
  id: string;
  key: string;
  kind: string;
  label: string;
  optional: boolean;
  opens_on: string;
  due_on: string;
  owner_role: string;
  owner_person_id: string | null;
  person_id: string;
  rule: string;
  status: string;
  snoozed_until: string | null;
}

/** Open or snoozed obligations of a school already open on `today` and due since `dueSince`, as ObligationRow. */
function liveObligationsOf(schoolId: string, today: IsoDate, dueSince: IsoDate): Prisma.Sql {
  return Prisma.sql`SELECT o.id::text AS id, o.key, o.kind, o.label, o.optional, to_char(o.opens_on, 'YYYY-MM-DD') AS opens_on,
        to_char(o.due_on, 'YYYY-MM-DD') AS due_on, o.owner_role, o.owner_person_id::text AS owner_person_id,
        o.person_id::text AS person_id, o.rule, o.status, to_char(o.snoozed_until, 'YYYY-MM-DD') AS snoozed_until
      FROM obligations o JOIN people p ON p.id = o.person_id
      WHERE p.school_id = ${schoolId}::uuid AND o.status IN ('open', 'snoozed')
        AND o.opens_on <= ${today}::date AND o.due_on >= ${dueSince}::date`;
}

interface PersonRow {
  id: string;
  email: string;
  full_name: string;
  role: string;
  line_manager_id: string | null;
  reviewer_id: string | null;
  active: boolean;
}

const STATUSES = ['open', 'done', 'not-applicable', 'snoozed'] as const;

function toPerson(row: PersonRow): ReminderPerson {
  return {
    id: row.id,
    email: row.email,
    fullName: row.full_name,
    role: row.role,
    lineManagerId: row.line_manager_id ?? undefined,
    reviewerId: row.reviewer_id ?? undefined,
    active: row.active,
  };
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

function toObligation(row: ObligationRow): ReminderObligation {
  return {
    id: row.id,
    key: row.key,
    kind: row.kind,
    label: row.label,
    optional: row.optional,
    opensOn: row.opens_on,
    dueOn: row.due_on,
    ownerRole: row.owner_role,
    ownerPersonId: row.owner_person_id ?? undefined,
    personId: row.person_id,
    rule: row.rule,
    status: (STATUSES as readonly string[]).includes(row.status) ? (row.status as ReminderObligation['status']) : 'open',
    snoozedUntil: row.snoozed_until ?? undefined,
  };
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
