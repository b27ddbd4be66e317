import type { IsoDate } from '../../core/calendar/iso-date.ts';
import type { Region } from '../../core/calendar/region.ts';
import { TermDatesSchema } from '../../core/calendar/term-dates.ts';
import { parsePolicy } from '../../core/policy/load-policy.ts';
import type {
  DialogInProgress,
  LeaderScope,
  OverdueAudience,
  OverduePage,
  PersonCycleView,
  ReportObligation,
  ReportReads,
  RevieweeGlance,
  ScopeCounts,
} from '../../core/reports/report-ports.ts';
import { ALL_OBLIGATION_KINDS, LAPSING_KINDS } from '../../core/obligations/obligation-kinds.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { type PrismaClient, prismaSql } from '../db/create-prisma-client.ts';
import { type ObligationColumnsRow, obligationColumns, obligationFactsOf } from '../db/obligation-columns.ts';

/** `obligationColumns` as a fragment of Prisma's statements. */
const OBLIGATION_COLUMNS = prismaSql(obligationColumns);

/**
 * The read side in PostgreSQL. Counts are aggregated in SQL (GROUP BY / FILTER), so a summary is
 * a few queries and an overdue list one, whatever the size of the school; a summary's counts come
 * from the tallies the database keeps as items change (`report_tallies`). Dates leave the
 * database as `YYYY-MM-DD` text, the core's calendar-date form.
 */
export class PrismaReportReads implements ReportReads {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async cycleOf(personId: string, academicYear: number): Promise<PersonCycleView | undefined> {
    const cycle = await this.#prisma.cycle.findUnique({
      where: { personId_academicYear: { personId, academicYear } },
      select: {
        id: true,
        status: true,
        exclusionReason: true,
        growthPlan: { select: { status: true, goals: { where: { status: { not: 'dropped' } }, orderBy: { position: 'asc' }, select: { title: true } } } },
      },
    });
    if (cycle === null) return undefined;
    const obligations = await this.#obligations(Prisma.sql`o.cycle_id = ${cycle.id}::uuid`);
    const plan = cycle.growthPlan;
    return {
      academicYear,
      status: cycle.status,
      exclusionReason: cycle.exclusionReason ?? undefined,
      obligations,
      plan: plan === null ? undefined : { status: plan.status, goals: plan.goals.map((goal) => goal.title) },
    };
  }

  owedForOthers(personId: string, academicYear: number): Promise<ReportObligation[]> {
    return this.#obligations(Prisma.sql`o.owner_person_id = ${personId}::uuid AND o.person_id <> ${personId}::uuid
      AND o.status IN ('open', 'snoozed') AND c.academic_year = ${academicYear}`);
  }

  async reviewees(personIds: readonly string[], academicYear: number, today: IsoDate): Promise<RevieweeGlance[]> {
    if (personIds.length === 0) return [];
    const rows = await this.#prisma.$queryRaw<RevieweeRow[]>`
      WITH mine AS (SELECT p.id, p.full_name FROM people p WHERE p.id = ANY(${[...personIds]}::uuid[]) AND p.active)
      SELECT m.id::text AS id, m.full_name,
        count(o.id) FILTER (WHERE o.status IN ('open', 'snoozed'))::int AS open,
        count(o.id) FILTER (WHERE o.status IN ('open', 'snoozed') AND NOT o.optional AND o.kind <> ALL(${NEVER_OVERDUE}::text[]) AND o.due_on < ${today}::date)::int AS overdue,
        nxt.label AS next_label, nxt.due_on AS next_due_on
      FROM mine m
      LEFT JOIN cycles c ON c.person_id = m.id AND c.academic_year = ${academicYear}
      LEFT JOIN obligations o ON o.cycle_id = c.id
      LEFT JOIN LATERAL (
        SELECT o2.label, to_char(o2.due_on, 'YYYY-MM-DD') AS due_on FROM obligations o2
        WHERE o2.cycle_id = c.id AND o2.status IN ('open', 'snoozed') ORDER BY o2.due_on, o2.key LIMIT 1
      ) nxt ON true
      GROUP BY m.id, m.full_name, nxt.label, nxt.due_on
      ORDER BY m.full_name, m.id`;
    return rows.map((row) => ({
      id: row.id,
      fullName: row.full_name,
      open: row.open,
      overdue: row.overdue,
      next: row.next_label === null || row.next_due_on === null ? undefined : { label: row.next_label, dueOn: row.next_due_on },
    }));
  }

  async dialogsInProgress(personId: string): Promise<DialogInProgress[]> {
    const rows = await this.#prisma.conversation.findMany({
      where: { personId, status: { in: ['active', 'paused'] } },
      orderBy: { updatedAt: 'desc' },
      take: 10,
      select: { dialogId: true, platform: true, threadKey: true, status: true, updatedAt: true },
    });
    return rows;
  }

  async storedPerson(personId: string): Promise<{ schoolId: string; role: string; flags: string[]; active: boolean } | undefined> {
    const person = await this.#prisma.person.findUnique({ where: { id: personId }, select: { schoolId: true, role: true, flags: true, active: true } });
    return person ?? undefined;
  }

  async trustSchools(schoolId: string): Promise<{ id: string; name: string }[]> {
    const school = await this.#prisma.school.findUnique({ where: { id: schoolId }, select: { trustId: true } });
    if (school === null) return [];
    return this.#prisma.school.findMany({ where: school.trustId === null ? { id: schoolId } : { trustId: school.trustId }, orderBy: { name: 'asc' }, select: { id: true, name: true } });
  }

  async departments(schoolId: string): Promise<string[]> {
    const rows = await this.#prisma.person.findMany({
      where: { schoolId, active: true, department: { not: null } },
      distinct: ['department'],
      select: { department: true },
      orderBy: { department: 'asc' },
    });
    return rows.flatMap((row) => (row.department === null || row.department.trim() === '' ? [] : [row.department]));
  }

  async countsByDepartment(schoolId: string, academicYear: number, today: IsoDate): Promise<{ department?: string | undefined; counts: ScopeCounts }[]> {
    // From the counts the database keeps as people, cycles and obligations change
    // (`report_tallies`, raw SQL migration `…_report_tallies_reports16`): a few rows a department
    // and kind, whatever the number of staff (issue 16). Grouped by department, named as the
    // roster first spells it among those who have anyone active; people with none are one group.
    // Someone without a cycle this year is an active person less the active people with one (a
    // person has at most one cycle a year).
    //
    // Every write adds tally rows and none updates a shared one, so the same statement folds the
    // school's rows into one a group once they are more than twice as many as their groups. Its
    // reads see the rows as they were (one snapshot for the whole statement) and sum to the same;
    // the rows it deletes are the ones it sums, so rows written meanwhile by others are kept.
    const staff = await this.#prisma.$queryRaw<(StaffRow & { department_key: string | null; department: string | null })[]>`
      WITH size AS (
        SELECT count(*) AS n_rows,
          count(DISTINCT ROW(what, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on)::text) AS n_groups
        FROM report_tallies WHERE school_id = ${schoolId}::uuid
      ), gone AS (
        DELETE FROM report_tallies WHERE school_id = ${schoolId}::uuid AND (SELECT n_rows > 2 * n_groups + ${TALLY_SLACK} FROM size) RETURNING *
      ), folded AS (
        INSERT INTO report_tallies (id, what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on, n)
        SELECT gen_random_uuid(), what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on, sum(n)::int
        FROM gone GROUP BY what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on
        HAVING sum(n) <> 0
      ), spelt AS (
        SELECT department,
          coalesce(sum(n) FILTER (WHERE what = 'person'), 0) AS staff,
          coalesce(sum(n) FILTER (WHERE what = 'cycle' AND academic_year = ${academicYear} AND cycle_status = 'excluded'), 0) AS excluded,
          coalesce(sum(n) FILTER (WHERE what = 'cycle' AND academic_year = ${academicYear}), 0) AS with_cycle
        FROM report_tallies
        WHERE school_id = ${schoolId}::uuid AND active AND what IN ('person', 'cycle') AND (academic_year IS NULL OR academic_year = ${academicYear})
        GROUP BY department
      )
      SELECT lower(nullif(trim(department), '')) AS department_key, min(department) FILTER (WHERE staff > 0) AS department,
        sum(staff)::int AS staff, sum(excluded)::int AS excluded, (sum(staff) - sum(with_cycle))::int AS without_cycle
      FROM spelt
      GROUP BY 1 HAVING sum(staff) > 0 ORDER BY 1 NULLS LAST`;
    const stages = await this.#prisma.$queryRaw<(StageRow & { department_key: string | null })[]>`
      SELECT lower(nullif(trim(department), '')) AS department_key, kind,
        coalesce(sum(n) FILTER (WHERE status = 'done'), 0)::int AS done,
        coalesce(sum(n) FILTER (WHERE status IN ('open', 'snoozed') AND (optional OR due_on >= ${today}::date)), 0)::int AS open,
        coalesce(sum(n) FILTER (WHERE status IN ('open', 'snoozed') AND NOT optional AND kind <> ALL(${NEVER_OVERDUE}::text[]) AND due_on < ${today}::date), 0)::int AS overdue,
        coalesce(sum(n) FILTER (WHERE status = 'not-applicable'), 0)::int AS not_applicable
      FROM report_tallies
      WHERE school_id = ${schoolId}::uuid AND academic_year = ${academicYear} AND what = 'obligation' AND active AND cycle_status <> 'excluded'
      GROUP BY 1, kind HAVING sum(n) > 0 ORDER BY 1 NULLS LAST, kind`;
    return departmentCountsOf(staff, stages);
  }

  async yearFigures(schoolId: string, academicYear: number) {
    const row = await this.#prisma.school.findUnique({ where: { id: schoolId }, select: { name: true, policy: true, termDates: true, region: true } });
    const policy = row === null ? undefined : parsePolicy(row.policy);
    const termDates = TermDatesSchema.safeParse(row?.termDates);
    // A school whose policy or term dates do not validate cannot have a governors' report, so there is none to agree with.
    if (row === null || policy === undefined || !policy.ok || !termDates.success) return undefined;
    const school = { name: row.name, policy: policy.value, termDates: termDates.data, region: row.region as Region };
    // From the kept counts (`report_tallies`), as `countsByDepartment`.
    const [staff] = await this.#prisma.$queryRaw<{ in_cycle: number; in_cycle_leavers: number; excluded: number; excluded_leavers: number }[]>`
      SELECT coalesce(sum(n) FILTER (WHERE cycle_status <> 'excluded'), 0)::int AS in_cycle,
        coalesce(sum(n) FILTER (WHERE cycle_status <> 'excluded' AND NOT active), 0)::int AS in_cycle_leavers,
        coalesce(sum(n) FILTER (WHERE cycle_status = 'excluded'), 0)::int AS excluded,
        coalesce(sum(n) FILTER (WHERE cycle_status = 'excluded' AND NOT active), 0)::int AS excluded_leavers
      FROM report_tallies
      WHERE cycle_school_id = ${schoolId}::uuid AND academic_year = ${academicYear} AND what = 'cycle'`;
    // Items alike are one row: by kind, due date, status, the London day done and whether their person has left.
    const items = await this.#prisma.$queryRaw<{ kind: string; optional: boolean; due_on: string; status: string; done_on: string | null; active: boolean; n: number }[]>`
      SELECT kind, optional, to_char(due_on, 'YYYY-MM-DD') AS due_on, status, to_char(done_on, 'YYYY-MM-DD') AS done_on, active, sum(n)::int AS n
      FROM report_tallies
      WHERE cycle_school_id = ${schoolId}::uuid AND academic_year = ${academicYear} AND what = 'obligation' AND cycle_status <> 'excluded'
      GROUP BY kind, optional, due_on, status, done_on, active HAVING sum(n) > 0
      ORDER BY kind, due_on, status, done_on, active, optional`;
    return {
      school,
      stages: {
        inCycle: staff?.in_cycle ?? 0,
        inCycleLeavers: staff?.in_cycle_leavers ?? 0,
        excluded: staff?.excluded ?? 0,
        excludedLeavers: staff?.excluded_leavers ?? 0,
        obligations: items.map((i) => ({ kind: i.kind, optional: i.optional, dueOn: i.due_on, status: i.status, doneOn: i.done_on ?? undefined, leaver: !i.active, count: i.n })),
      },
    };
  }

  async overduePage(scope: LeaderScope, academicYear: number, today: IsoDate, who: OverdueAudience, page: { offset: number; limit: number }): Promise<OverduePage> {
    if (who.everyoneElse) return this.#overdueFromKeptCounts(scope, academicYear, today, who, page);
    if (who.allowed.length === 0) return { items: [], totalItems: 0, totalPeople: 0 };
    // Only the people allowed one by one (a list the rule drew up person by person): their items
    // are counted where they are. The totals ride along with the page, so the page and its counts
    // come from one statement and one snapshot. The overdue items are joined to their people once
    // and folded at once into one row a person, which the totals add up. The page needs only the
    // people who can be on it: an item's place is (due date, name, …), so every person ranked
    // before someone on the page by (earliest overdue date, name) has an item before theirs on it
    // too, and the first `offset + limit` people so ranked (with anyone tied with the last) hold
    // every item of the page. Only their items are read again and sorted.
    const reach = page.offset + page.limit;
    const rows = await this.#prisma.$queryRaw<OverdueRow[]>`
      WITH per_person AS MATERIALIZED (
        SELECT p.id AS pid, p.full_name, min(o.due_on) AS first_due, count(*) AS n
        FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = o.person_id
        WHERE ${overdueIn(scope, academicYear, today)} AND p.id = ANY(${[...who.allowed]}::uuid[])
        GROUP BY p.id, p.full_name
      ), totals AS (
        SELECT coalesce(sum(n), 0)::int AS total_items, count(*)::int AS total_people FROM per_person
      ), last_reached AS (
        SELECT first_due, full_name FROM per_person ORDER BY first_due, full_name OFFSET ${reach - 1} LIMIT 1
      ), reached AS (
        SELECT pid FROM per_person
        WHERE NOT EXISTS (SELECT 1 FROM last_reached) OR (first_due, full_name) <= (SELECT first_due, full_name FROM last_reached)
      )
      ${pageOf(scope, academicYear, today, page)}`;
    return overduePageOf(rows);
  }

  /**
   * `overdue` for an audience of the whole school but a few (`everyoneElse`): the totals come from
   * the counts the database keeps as items change — the overdue items from `report_tallies`, the
   * people from `cycle_first_dues` (one row a cycle with its earliest open item) — less the items
   * of the few people the rule withheld, counted one by one. The page's people are the first
   * `offset + limit` of `cycle_first_dues`' index by (earliest overdue date, name), with anyone tied
   * with the last, as in the statement over every item: every item of the page is theirs. At
   * 100,000 staff this reads a few hundred tally rows and one index, not 233,000 items (issue 16).
   */
  async #overdueFromKeptCounts(scope: LeaderScope, academicYear: number, today: IsoDate, who: OverdueAudience, page: { offset: number; limit: number }): Promise<OverduePage> {
    const allowed = new Set(who.allowed);
    const withheld = who.decided.filter((id) => !allowed.has(id));
    const department = scope.department ?? null;
    const reach = page.offset + page.limit;
    // A cycle's earliest item is overdue, in scope and not withheld: the person has an overdue item to show.
    const heads = Prisma.sql`d.school_id = ${scope.schoolId}::uuid AND d.academic_year = ${academicYear} AND d.first_due < ${today}::date
      AND d.active AND d.cycle_status <> 'excluded' AND (${department}::text IS NULL OR lower(d.department) = lower(${department}::text))
      AND d.person_id <> ALL(${withheld}::uuid[])`;
    const rows = await this.#prisma.$queryRaw<OverdueRow[]>`
      WITH kept AS (
        SELECT
          (SELECT coalesce(sum(t.n), 0) FROM report_tallies t
            WHERE t.school_id = ${scope.schoolId}::uuid AND t.academic_year = ${academicYear} AND t.what = 'obligation' AND t.active AND t.cycle_status <> 'excluded'
              AND t.status IN ('open', 'snoozed') AND NOT t.optional AND t.kind <> ALL(${NEVER_OVERDUE}::text[]) AND t.due_on < ${today}::date
              AND (${department}::text IS NULL OR lower(t.department) = lower(${department}::text))) AS items,
          (SELECT count(*) FROM cycle_first_dues d
            WHERE d.school_id = ${scope.schoolId}::uuid AND d.academic_year = ${academicYear} AND d.first_due < ${today}::date
              AND d.active AND d.cycle_status <> 'excluded' AND (${department}::text IS NULL OR lower(d.department) = lower(${department}::text))) AS people
      ), withheld AS (
        SELECT count(*) AS items, count(DISTINCT p.id) AS people
        FROM people p JOIN obligations o ON o.person_id = p.id JOIN cycles c ON c.id = o.cycle_id
        WHERE p.id = ANY(${withheld}::uuid[]) AND ${overdueIn(scope, academicYear, today)}
      ), totals AS (
        SELECT (kept.items - withheld.items)::int AS total_items, (kept.people - withheld.people)::int AS total_people FROM kept, withheld
      ), last_reached AS (
        SELECT d.first_due, d.full_name FROM cycle_first_dues d WHERE ${heads}
        ORDER BY d.first_due, d.full_name OFFSET ${reach - 1} LIMIT 1
      ), reached AS MATERIALIZED (
        -- Everyone up to the last reached, walked in the index's order (with fewer people than
        -- that, everyone: no date comes after 'infinity').
        SELECT d.person_id AS pid FROM cycle_first_dues d
        WHERE ${heads} AND (d.school_id, d.academic_year, d.first_due, d.full_name)
          <= (${scope.schoolId}::uuid, ${academicYear}, coalesce((SELECT first_due FROM last_reached), 'infinity'::date), coalesce((SELECT full_name FROM last_reached), ''))
        ORDER BY d.first_due, d.full_name
      )
      ${pageOf(scope, academicYear, today, page)}`;
    return overduePageOf(rows);
  }

  /** Obligations matching a WHERE fragment over `o` (obligations), `c` (cycles) and `p` (the reviewee). */
  async #obligations(condition: Prisma.Sql): Promise<ReportObligation[]> {
    const rows = await this.#prisma.$queryRaw<ObligationRow[]>`
      SELECT ${OBLIGATION_COLUMNS}, p.full_name AS person_name
      FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = o.person_id
      WHERE ${condition}
      ORDER BY o.due_on, o.key`;
    return rows.map((row) => ({ ...obligationFactsOf(row), status: row.status, personName: row.person_name }));
  }
}

/**
 * The end of both overdue statements: the page's items, read again for only the people `reached`
 * names and sorted into the list's order (due date, name, kind in cycle order, key), with the
 * `totals` beside them (a row of totals alone past the last page).
 */
function pageOf(scope: LeaderScope, academicYear: number, today: IsoDate, page: { offset: number; limit: number }): Prisma.Sql {
  return Prisma.sql`SELECT shown.*, totals.total_items, totals.total_people FROM totals LEFT JOIN LATERAL (
      SELECT p.id::text AS person_id, p.school_id::text AS school_id, p.full_name, p.department, o.kind, o.label, to_char(o.due_on, 'YYYY-MM-DD') AS due_on
      FROM reached JOIN people p ON p.id = reached.pid CROSS JOIN LATERAL (
        -- Per person reached, by the person's own items. OFFSET 0 keeps this a per-person read:
        -- without it the planner folds it into one join over every overdue item again.
        SELECT item.kind, item.label, item.due_on, item.key FROM obligations item JOIN cycles c ON c.id = item.cycle_id
        WHERE item.person_id = p.id AND ${overdueIn(scope, academicYear, today, 'item')}
        OFFSET 0
      ) o
      ORDER BY o.due_on, p.full_name, array_position(${KIND_ORDER}::text[], o.kind) NULLS LAST, o.kind, o.key
      OFFSET ${page.offset} LIMIT ${page.limit}
    ) shown ON true`;
}

function overduePageOf(rows: readonly OverdueRow[]): OverduePage {
  const first = rows[0];
  return {
    items: rows.flatMap((row) =>
      row.person_id === null ? [] : [{ personId: row.person_id, schoolId: row.school_id, fullName: row.full_name, department: row.department ?? undefined, kind: row.kind, label: row.label, dueOn: row.due_on }],
    ),
    totalItems: first?.total_items ?? 0,
    totalPeople: first?.total_people ?? 0,
  };
}

/** The WHERE of an overdue item in a leader's scope, over `o` (obligations, or `item`), `c` (cycles) and `p` (the reviewee). */
function overdueIn(scope: LeaderScope, academicYear: number, today: IsoDate, obligation: 'o' | 'item' = 'o'): Prisma.Sql {
  const department = scope.department ?? null;
  const o = Prisma.raw(obligation);
  return Prisma.sql`p.school_id = ${scope.schoolId}::uuid AND p.active AND c.academic_year = ${academicYear} AND c.status <> 'excluded'
    AND ${o}.status IN ('open', 'snoozed') AND NOT ${o}.optional AND ${o}.kind <> ALL(${NEVER_OVERDUE}::text[]) AND ${o}.due_on < ${today}::date
    AND (${department}::text IS NULL OR lower(p.department) = lower(${department}::text))`;
}

/** How many rows beyond twice its groups a school's tallies may grow to before a summary folds them. */
const TALLY_SLACK = 200;

/** Kinds in cycle order, so items due the same day for the same person list as `compareKinds` sorts them. */
const KIND_ORDER: string[] = [...ALL_OBLIGATION_KINDS];

/** Kinds never counted as overdue (a right such as an appeal window lapses; it is not late). */
const NEVER_OVERDUE: string[] = [...LAPSING_KINDS];

interface RevieweeRow {
  id: string;
  full_name: string;
  open: number;
  overdue: number;
  next_label: string | null;
  next_due_on: string | null;
}

interface StaffRow {
  staff: number;
  excluded: number;
  without_cycle: number;
}

interface StageRow {
  kind: string;
  done: number;
  open: number;
  overdue: number;
  not_applicable: number;
}

/** Each department's staff with its stages, from rows keyed by the department's folded spelling (`department_key`). */
export function departmentCountsOf(
  staff: readonly (StaffRow & { department_key: string | null; department: string | null })[],
  stages: readonly (StageRow & { department_key: string | null })[],
): { department?: string | undefined; counts: ScopeCounts }[] {
  return staff.map((row) => ({
    department: row.department_key === null ? undefined : (row.department ?? undefined),
    counts: {
      staff: row.staff,
      excluded: row.excluded,
      withoutCycle: row.without_cycle,
      stages: stages
        .filter((stage) => stage.department_key === row.department_key)
        .map((stage) => ({ kind: stage.kind, done: stage.done, open: stage.open, overdue: stage.overdue, notApplicable: stage.not_applicable })),
    },
  }));
}

/** A row of the page with the totals beside it; the item's columns are null on the totals-only row of a page past the end. */
type OverdueRow = { total_items: number; total_people: number } & (
  | { person_id: string; school_id: string; full_name: string; department: string | null; kind: string; label: string; due_on: string }
  | { person_id: null }
);

interface ObligationRow extends ObligationColumnsRow {
  person_name: string;
}
