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
import type { PrismaClient } from '../db/create-prisma-client.ts';

/**
 * The read side in PostgreSQL. Counts are aggregated in SQL (GROUP BY / FILTER), so a summary is
 * two queries and an overdue list one, whatever the size of the school. Dates leave the database
 * as `YYYY-MM-DD` text, the core's calendar-date form.
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
    // Grouped by department, named as the roster first spells it; people with none are one group.
    const staff = await this.#prisma.$queryRaw<(StaffRow & { department_key: string | null; department: string | null })[]>`
      SELECT lower(nullif(trim(p.department), '')) AS department_key, min(p.department) AS department,
        count(*)::int AS staff,
        count(*) FILTER (WHERE c.status = 'excluded')::int AS excluded,
        count(*) FILTER (WHERE c.id IS NULL)::int AS without_cycle
      FROM people p LEFT JOIN cycles c ON c.person_id = p.id AND c.academic_year = ${academicYear}
      WHERE p.school_id = ${schoolId}::uuid AND p.active
      GROUP BY 1 ORDER BY 1 NULLS LAST`;
    const stages = await this.#prisma.$queryRaw<(StageRow & { department_key: string | null })[]>`
      SELECT lower(nullif(trim(p.department), '')) AS department_key, o.kind,
        count(*) FILTER (WHERE o.status = 'done')::int AS done,
        count(*) FILTER (WHERE o.status IN ('open', 'snoozed') AND (o.optional OR o.due_on >= ${today}::date))::int AS open,
        count(*) FILTER (WHERE o.status IN ('open', 'snoozed') AND NOT o.optional AND o.kind <> ALL(${NEVER_OVERDUE}::text[]) AND o.due_on < ${today}::date)::int AS overdue,
        count(*) FILTER (WHERE o.status = 'not-applicable')::int AS not_applicable
      FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = o.person_id
      WHERE p.school_id = ${schoolId}::uuid AND p.active AND c.academic_year = ${academicYear} AND c.status <> 'excluded'
      GROUP BY 1, o.kind`;
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

  async yearFigures(schoolId: string, academicYear: number) {
    const row = await this.#prisma.school.findUnique({ where: { id: schoolId }, select: { name: true, policy: true, termDates: true, region: true } });
    const policy = row === null ? undefined : parsePolicy(row.policy);
    const termDates = TermDatesSchema.safeParse(row?.termDates);
    // A school whose policy or term dates do not validate cannot have a governors' report, so there is none to agree with.
    if (row === null || policy === undefined || !policy.ok || !termDates.success) return undefined;
    const school = { name: row.name, policy: policy.value, termDates: termDates.data, region: row.region as Region };
    const [staff] = await this.#prisma.$queryRaw<{ in_cycle: number; in_cycle_leavers: number; excluded: number; excluded_leavers: number }[]>`
      SELECT count(*) FILTER (WHERE c.status <> 'excluded')::int AS in_cycle,
        count(*) FILTER (WHERE c.status <> 'excluded' AND NOT p.active)::int AS in_cycle_leavers,
        count(*) FILTER (WHERE c.status = 'excluded')::int AS excluded,
        count(*) FILTER (WHERE c.status = 'excluded' AND NOT p.active)::int AS excluded_leavers
      FROM cycles c JOIN people p ON p.id = c.person_id
      WHERE c.school_id = ${schoolId}::uuid AND c.academic_year = ${academicYear}`;
    // Items alike are one row: by kind, due date, status, the London day done and whether their person has left.
    const items = await this.#prisma.$queryRaw<{ kind: string; optional: boolean; due_on: string; status: string; done_on: string | null; active: boolean; n: number }[]>`
      SELECT o.kind, o.optional, to_char(o.due_on, 'YYYY-MM-DD') AS due_on, o.status,
        to_char((o.completed_at AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD') AS done_on, p.active, count(*)::int AS n
      FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = o.person_id
      WHERE c.school_id = ${schoolId}::uuid AND c.academic_year = ${academicYear} AND c.status <> 'excluded'
      GROUP BY 1, 2, 3, 4, 5, 6`;
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
    if (who.allowed.length === 0 && !who.everyoneElse) return { items: [], totalItems: 0, totalPeople: 0 };
    const shown = who.everyoneElse
      ? Prisma.sql`(p.id = ANY(${[...who.allowed]}::uuid[]) OR p.id <> ALL(${[...who.decided]}::uuid[]))`
      : Prisma.sql`p.id = ANY(${[...who.allowed]}::uuid[])`;
    // The totals ride along with the page, so the page and its counts come from one statement and
    // one snapshot. The overdue items are joined to their people once and folded at once into one
    // row a person (issue 16: at 100,000 staff the 233,000 overdue rows themselves were kept,
    // spilled 30 MB to disk and were sorted twice). The totals add those rows up. The page needs
    // only the people who can be on it: an item's place is (due date, name, …), so every person
    // ranked before someone on the page by (earliest overdue date, name) has an item before theirs
    // on it too, and the first `offset + limit` people so ranked (with anyone tied with the last)
    // hold every item of the page. Only their items are read again and sorted.
    const reach = page.offset + page.limit;
    const rows = await this.#prisma.$queryRaw<OverdueRow[]>`
      WITH per_person AS MATERIALIZED (
        SELECT p.id AS pid, p.full_name, min(o.due_on) AS first_due, count(*) AS n
        FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = o.person_id
        WHERE ${overdueIn(scope, academicYear, today)} AND ${shown}
        GROUP BY p.id, p.full_name
      ), totals AS (
        SELECT coalesce(sum(n), 0)::int AS total_items, count(*)::int AS total_people FROM per_person
      ), last_reached AS (
        SELECT first_due, full_name FROM per_person ORDER BY first_due, full_name OFFSET ${reach - 1} LIMIT 1
      ), reached AS (
        SELECT pid FROM per_person
        WHERE NOT EXISTS (SELECT 1 FROM last_reached) OR (first_due, full_name) <= (SELECT first_due, full_name FROM last_reached)
      )
      SELECT shown.*, totals.total_items, totals.total_people FROM totals LEFT JOIN LATERAL (
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
    const first = rows[0];
    return {
      items: rows.flatMap((row) =>
        row.person_id === null ? [] : [{ personId: row.person_id, schoolId: row.school_id, fullName: row.full_name, department: row.department ?? undefined, kind: row.kind, label: row.label, dueOn: row.due_on }],
      ),
      totalItems: first?.total_items ?? 0,
      totalPeople: first?.total_people ?? 0,
    };
  }

  /** Obligations matching a WHERE fragment over `o` (obligations), `c` (cycles) and `p` (the reviewee). */
  async #obligations(condition: Prisma.Sql): Promise<ReportObligation[]> {
    const rows = await this.#prisma.$queryRaw<ObligationRow[]>`
      SELECT o.key, o.kind, o.label, o.optional, to_char(o.opens_on, 'YYYY-MM-DD') AS opens_on, to_char(o.due_on, 'YYYY-MM-DD') AS due_on,
        o.status, o.owner_role, o.owner_person_id::text AS owner_person_id, o.person_id::text AS person_id, p.full_name AS person_name, o.rule
      FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = o.person_id
      WHERE ${condition}
      ORDER BY o.due_on, o.key`;
    return rows.map((row) => ({
      key: row.key,
      kind: row.kind,
      label: row.label,
      optional: row.optional,
      opensOn: row.opens_on,
      dueOn: row.due_on,
      status: row.status,
      ownerRole: row.owner_role,
      ownerPersonId: row.owner_person_id ?? undefined,
      personId: row.person_id,
      personName: row.person_name,
      rule: row.rule,
    }));
  }
}

/** The WHERE of an overdue item in a leader's scope, over `o` (obligations, or `item`), `c` (cycles) and `p` (the reviewee). */
function overdueIn(scope: LeaderScope, academicYear: number, today: IsoDate, obligation: 'o' | 'item' = 'o'): Prisma.Sql {
  const department = scope.department ?? null;
  const o = Prisma.raw(obligation);
  return Prisma.sql`p.school_id = ${scope.schoolId}::uuid AND p.active AND c.academic_year = ${academicYear} AND c.status <> 'excluded'
    AND ${o}.status IN ('open', 'snoozed') AND NOT ${o}.optional AND ${o}.kind <> ALL(${NEVER_OVERDUE}::text[]) AND ${o}.due_on < ${today}::date
    AND (${department}::text IS NULL OR lower(p.department) = lower(${department}::text))`;
}

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

/** A row of the page with the totals beside it; the item's columns are null on the totals-only row of a page past the end. */
type OverdueRow = { total_items: number; total_people: number } & (
  | { person_id: string; school_id: string; full_name: string; department: string | null; kind: string; label: string; due_on: string }
  | { person_id: null }
);

interface ObligationRow {
  key: string;
  kind: string;
  label: string;
  optional: boolean;
  opens_on: string;
  due_on: string;
  status: string;
  owner_role: string;
  owner_person_id: string | null;
  person_id: string;
  person_name: string;
  rule: string;
}
