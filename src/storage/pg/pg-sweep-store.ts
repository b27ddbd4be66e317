import type { IsoDate } from '../../core/calendar/iso-date.ts';
import type { DeadlineObligation } from '../../core/deadlines/deadline-obligation.ts';
import { DEADLINE_KINDS } from '../../core/deadlines/event-deadlines.ts';
import type { HeldMeeting, ReminderStore, SweepInputs, SweepMark, SweepPage } from '../../core/reminders/reminder-ports.ts';
import { reminderPersonOf } from '../../core/reminders/reminder-person.ts';
import type { Reminder, ReminderObligation, ReminderPerson } from '../../core/reminders/reminder-types.ts';
import type { SweepCandidates } from '../../core/reminders/sweep-candidates.ts';
import { arrayLiteral } from '../db/array-literal.ts';
import { forgetQueryArguments } from '../db/forget-query-arguments.ts';
import { type ObligationColumnsRow, obligationColumns, obligationFactsOf } from '../db/obligation-columns.ts';
import { empty, type Sql, type SqlOptions, type SqlRunner, sql } from '../db/sql.ts';
import { LONGEST_TRANSACTION_MS } from '../db/transaction-limits.ts';
import { newDigestBatchJobsSql } from '../jobs/delivery-job-sql.ts';
import { timeOrderedId } from '../prisma/time-ordered-id.ts';
import { factsOfPeople } from './pg-people-facts.ts';

/**
 * The sweep's side of `reminders` and `nudge_outbox` (the `ReminderStore` port), written as plain
 * SQL for the `pg` pool: `trellis sweep` runs it on a pool of its own without loading Prisma's
 * client or its query compiler (about 100 MiB of the process before it swept), and
 * `PrismaReminderStore` runs the same statements on its client's pool (or through Prisma, for a
 * client with none). A sweep does a bounded number of statements per school whatever its size: two
 * reads and one insert per page of candidate obligations (thousands per page), and one statement
 * to assemble the day's digests and queue their delivery jobs. Arrays go in through `unnest` or
 * `ANY`, never one statement per person. Each statement is planned for its values each time, not
 * prepared (`ONCE`): they run a few times a day, most on large arrays.
 *
 * A reminder (a `reminders` row) is one cadence point for one recipient, keyed
 * `<obligation>:<point>:<recipient>`, naming the digest meant to carry it (`digest_key`); it is
 * never delivered on its own, and is sent or failed with the digest that lists it (see
 * prisma-reminder-store.ts for the outbox's delivery side).
 */
export class PgSweepStore implements ReminderStore {
  readonly #runner: SqlRunner;

  constructor(runner: SqlRunner) {
    this.#runner = runner;
  }

  async listSchoolSlugs(): Promise<string[]> {
    const rows = await this.#runner.rows<{ slug: string }>(sql`SELECT slug FROM schools ORDER BY slug`, ONCE);
    return rows.map((school) => school.slug);
  }

  async loadSweepInputs(schoolId: string, today: IsoDate, dueSince: IsoDate): Promise<SweepInputs> {
    const obligations = await this.#runner.rows<ObligationRow>(liveObligationsOf(schoolId, today, dueSince), ONCE);
    const ids = await this.#runner.rows<{ id: string }>(sql`SELECT p.id::text AS id FROM people p WHERE p.school_id = ${schoolId}::uuid`, ONCE);
    return {
      obligations: obligations.map(toObligation),
      people: await this.#peopleOn(
        ids.map((row) => row.id),
        today,
      ),
    };
  }

  async loadHead(schoolId: string): Promise<ReminderPerson | undefined> {
    const [head] = await this.#runner.rows<PersonRow>(
      sql`
      SELECT p.id::text AS id, p.email, p.full_name, p.role, p.line_manager_id::text AS line_manager_id, p.active, NULL::text AS reviewer_id
      FROM people p WHERE p.school_id = ${schoolId}::uuid AND p.role = 'headteacher' AND p.active ORDER BY p.created_at, p.id LIMIT 1`,
      ONCE,
    );
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
    const [row] = await this.#runner.rows<{ started_at: Date; changed_since: Date | null }>(
      sql`
      SELECT clock_timestamp() AS started_at,
        (SELECT m.swept_at FROM sweep_marks m
          WHERE m.school_id = ${schoolId}::uuid AND m.swept_on = ${today}::date
            AND NOT EXISTS (SELECT 1 FROM schools s WHERE s.id = m.school_id AND s.updated_at >= m.swept_at)
            AND m.swept_at > COALESCE((SELECT max(p.updated_at) FROM people p WHERE p.school_id = ${schoolId}::uuid), '-infinity')
            AND NOT EXISTS (SELECT 1 FROM reviewer_assignments a JOIN people p ON p.id = a.reviewee_id
              WHERE a.created_at >= m.swept_at AND p.school_id = m.school_id)) AS changed_since`,
      ONCE,
    );
    return { startedAt: row!.started_at, changedSince: row!.changed_since ?? undefined };
  }

  async finishSweep(schoolId: string, today: IsoDate, mark: SweepMark): Promise<void> {
    // Set back by the longest a transaction may stay open: a change made before the sweep began
    // but committed after it read is still newer than the mark, so the next tick reads it.
    const sweptAt = new Date(mark.startedAt.getTime() - LONGEST_TRANSACTION_MS);
    await this.#runner.count(
      sql`
      INSERT INTO sweep_marks (school_id, swept_on, swept_at) VALUES (${schoolId}::uuid, ${today}::date, ${sweptAt}::timestamptz)
      ON CONFLICT (school_id) DO UPDATE SET swept_on = excluded.swept_on,
        swept_at = CASE WHEN sweep_marks.swept_on = excluded.swept_on THEN GREATEST(sweep_marks.swept_at, excluded.swept_at) ELSE excluded.swept_at END`,
      ONCE,
    );
  }

  async loadSweepPage(schoolId: string, candidates: SweepCandidates, page: { after?: string | undefined; limit: number; changedSince?: Date | undefined }): Promise<SweepPage> {
    const { today, dueSince, opensAfter, dueOn, wakesAfter } = candidates;
    // Keyset paging on (person, obligation id): each page walks the school's people in id order
    // and their obligations through (person_id, status), and memory stays at one page whatever
    // the school's size. Paging on the obligation id alone looked up the person of every
    // obligation to keep the school's (22,000 look-ups a page at 100,000 staff, 2–4× slower).
    // The date conditions are the core's candidates.
    const [afterPerson, afterId] = (page.after ?? `${NO_UUID}/${NO_UUID}`).split('/');
    const rows = await this.#runner.rows<ObligationRow>(
      sql`
      ${liveObligationsOf(schoolId, today, dueSince)}
        AND (o.opens_on > ${opensAfter}::date OR o.due_on = ANY(${dueOn}::date[])
          OR (o.status = 'snoozed' AND o.snoozed_until > ${wakesAfter}::date AND o.snoozed_until <= ${today}::date))
        ${page.changedSince === undefined ? empty : sql`AND o.updated_at >= ${page.changedSince}::timestamptz`}
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
    const facts = await factsOfPeople(this.#runner, ids, ONCE);
    return facts.map((subject) => reminderPersonOf(subject, today));
  }

  async heldMeetingsWithoutOutcome(schoolId: string, dueSince: IsoDate): Promise<HeldMeeting[]> {
    // The due-date range keeps this on the (due_on, status) index: a meeting is due within weeks
    // of the appeal, so one due long ago is history, not a follow-up to create.
    const rows = await this.#runner.rows<{ key: string; cycle_id: string; person_id: string; owner_person_id: string | null; owner_role: string; held_on: string }>(
      sql`
      SELECT o.key, o.cycle_id::text AS cycle_id, o.person_id::text AS person_id, o.owner_person_id::text AS owner_person_id, o.owner_role,
        to_char(COALESCE(o.completed_at, o.updated_at) AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS held_on
      FROM obligations o JOIN people p ON p.id = o.person_id
      WHERE p.school_id = ${schoolId}::uuid AND o.due_on >= ${dueSince}::date AND o.status = 'done' AND o.kind = ${DEADLINE_KINDS.appealMeeting}
        AND NOT EXISTS (SELECT 1 FROM obligations f WHERE f.person_id = o.person_id AND f.cycle_id = o.cycle_id AND f.kind = ${DEADLINE_KINDS.appealOutcome}
          AND f.key = regexp_replace(o.key, ':meeting$', ':outcome'))`,
      ONCE,
    );
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
    if (deadlines.length === 0) return 0;
    return this.#runner.count(deadlineObligationsInsert(deadlines), ONCE);
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
    const queued = await this.#runner.count(
      sql`
      INSERT INTO reminders (key, recipient_id, obligation_id, digest_key, point, audience, scheduled_on, send_on, due_on, created_at, updated_at)
      SELECT v.key, v.recipient_id, v.obligation_id, ${digestKeyOf(sql`v.recipient_id`, today)}, v.point, v.audience,
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
    const rows = await this.#runner.rows<{ key: string }>(sql`SELECT key FROM reminders WHERE key = ANY(${[...keys]}::text[])`, ONCE);
    return new Set(rows.map((row) => row.key));
  }

  async assembleDigests(schoolId: string, today: IsoDate, now: Date): Promise<number> {
    // One digest per recipient per day carries everything of theirs queued and not yet carried;
    // if today's digest already exists (sent at an earlier tick), the newcomers wait for the
    // next school day's, so nobody gets two messages in a day. The digests' delivery jobs are
    // queued in the same statement, in batches (newDigestBatchJobsSql): a digest exists exactly
    // when a job that delivers it does.
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
    const todays = digestKeyOf(sql`u.recipient_id`, today);
    const [row] = await this.#runner.rows<{ digests: number }>(
      sql`
      WITH uncarried AS (
        SELECT r.recipient_id, r.key, r.digest_key AS named FROM reminders r JOIN people p ON p.id = r.recipient_id
        WHERE p.school_id = ${schoolId}::uuid AND r.status = 'pending'
          AND NOT EXISTS (SELECT 1 FROM nudge_outbox d WHERE d.key = r.digest_key AND jsonb_exists(d.payload->'reminderKeys', r.key))
      ), digests AS (
        INSERT INTO nudge_outbox (id, key, recipient_id, payload, status, attempts, not_before, created_at, updated_at)
        SELECT gen_random_uuid(), ${todays}, u.recipient_id,
          jsonb_build_object('type', 'digest', 'date', ${today}::text, 'reminderKeys', jsonb_agg(u.key ORDER BY u.key)), 'pending', 0, ${now}::timestamptz, now(), now()
        FROM uncarried u GROUP BY u.recipient_id ORDER BY u.recipient_id
        ON CONFLICT (key) DO NOTHING
        RETURNING id, key
      ), renamed AS (
        UPDATE reminders r SET digest_key = ${digestKeyOf(sql`r.recipient_id`, today)}, updated_at = now()
        WHERE r.key = ANY(ARRAY(SELECT u.key FROM uncarried u WHERE u.named IS DISTINCT FROM ${todays}))
      ), jobs AS (
        ${newDigestBatchJobsSql(sql`SELECT d.id, d.key FROM digests d`, sql`(SELECT s.slug FROM schools s WHERE s.id = ${schoolId}::uuid)`)}
      )
      SELECT (SELECT count(*) FROM digests)::int AS digests, (SELECT count(*) FROM jobs)::int AS jobs`,
      ONCE,
    );
    forgetQueryArguments();
    return row?.digests ?? 0;
  }
}

/** The sweep's statements run a few times a day, most on large arrays: planned for their values each time, not prepared. */
const ONCE: SqlOptions = { prepare: false };

/** The least uuid: the sweep's first page starts after it. */
const NO_UUID = '00000000-0000-0000-0000-000000000000';

/** A recipient's digest key for a day, `digest:<recipient>:<date>`, from a uuid column or expression. */
function digestKeyOf(recipient: Sql, day: IsoDate): Sql {
  return sql`'digest:' || ${recipient}::text || ':' || ${day}::text`;
}

/**
 * Deadline obligations as one insert, leaving any whose key exists as it is: the first event fixes
 * the deadline (an appeal window runs from the first issue of the report), and a re-save never
 * adds a second row. Ids are time-ordered, as the schema's own default (`uuid(7)`) makes them.
 */
function deadlineObligationsInsert(deadlines: readonly DeadlineObligation[]): Sql {
  return sql`
    INSERT INTO obligations (id, key, cycle_id, person_id, kind, label, opens_on, due_on, owner_role, owner_person_id, rule, created_at, updated_at)
    SELECT v.id, v.key, v.cycle_id, v.person_id, v.kind, v.label, v.opens_on, v.due_on, v.owner_role, v.owner_person_id, v.rule, now(), now()
    FROM unnest(${deadlines.map(() => timeOrderedId())}::uuid[], ${deadlines.map((d) => d.key)}::text[], ${deadlines.map((d) => d.cycleId)}::uuid[],
      ${deadlines.map((d) => d.personId)}::uuid[], ${deadlines.map((d) => d.kind)}::text[], ${deadlines.map((d) => d.label)}::text[],
      ${deadlines.map((d) => d.opensOn)}::date[], ${deadlines.map((d) => d.dueOn)}::date[], ${deadlines.map((d) => d.ownerRole)}::text[],
      ${deadlines.map((d) => d.ownerPersonId ?? null)}::uuid[], ${deadlines.map((d) => d.rule)}::text[])
      AS v(id, key, cycle_id, person_id, kind, label, opens_on, due_on, owner_role, owner_person_id, rule)
    ON CONFLICT DO NOTHING`;
}

interface ObligationRow extends ObligationColumnsRow {
  id: string;
  snoozed_until: string | null;
}

/** Open or snoozed obligations of a school already open on `today` and due since `dueSince`, as ObligationRow. */
function liveObligationsOf(schoolId: string, today: IsoDate, dueSince: IsoDate): Sql {
  return sql`SELECT o.id::text AS id, ${obligationColumns}, to_char(o.snoozed_until, 'YYYY-MM-DD') AS snoozed_until
      FROM obligations o JOIN people p ON p.id = o.person_id
      WHERE p.school_id = ${schoolId}::uuid AND o.status IN ('open', 'snoozed')
        AND o.opens_on <= ${today}::date AND o.due_on >= ${dueSince}::date`;
}

export interface PersonRow {
  id: string;
  email: string;
  full_name: string;
  role: string;
  line_manager_id: string | null;
  reviewer_id: string | null;
  active: boolean;
}

const STATUSES = ['open', 'done', 'not-applicable', 'snoozed'] as const;

export function toPerson(row: PersonRow): ReminderPerson {
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

function toObligation(row: ObligationRow): ReminderObligation {
  return {
    id: row.id,
    ...obligationFactsOf(row),
    status: (STATUSES as readonly string[]).includes(row.status) ? (row.status as ReminderObligation['status']) : 'open',
    snoozedUntil: row.snoozed_until ?? undefined,
  };
}

