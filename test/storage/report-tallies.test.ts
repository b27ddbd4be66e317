// The counts `summary` reads, and each cycle's earliest open item `overdue` counts people and
// pages by, are kept by triggers as people, cycles and obligations change
// (`report_tallies`, `cycle_first_dues`: raw SQL migrations `…_reports16`). After each kind of write the
// product makes — planning and import, done, snoozed, not applicable, set open again, a move of
// department, a leaver and their return, an excluded cycle, a deletion — the summary's reads must
// equal the same figures counted afresh from the tables, the way they were counted before the
// tallies (every obligation of the year joined to its cycle and person).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IsoDate } from '../../src/core/calendar/iso-date.ts';
import { parseTermDates } from '../../src/core/calendar/term-dates.ts';
import { ALL_OBLIGATION_KINDS, LAPSING_KINDS } from '../../src/core/obligations/obligation-kinds.ts';
import { getPreset } from '../../src/core/policy/presets/index.ts';
import { importRoster, type RosterImportDeps } from '../../src/core/roster/import-roster.ts';
import { setSchool } from '../../src/core/schools/set-school.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { PrismaReminderActionsStore } from '../../src/storage/prisma/prisma-reminder-actions-store.ts';
import { departmentCountsOf, PrismaReportReads } from '../../src/storage/prisma/prisma-report-reads.ts';
import { TERMS } from '../core/reminders/support/school-year.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { rosterImportDeps } from '../support/roster-import-deps.ts';

const clock = fixedClock('2026-09-07T09:00:00Z');
/** A day when the autumn items are overdue and the rest are not yet due. */
const TODAY: IsoDate = '2026-11-23';
const YEAR = 2026;
const SLUG = 'tallied';
const NEVER_OVERDUE = [...LAPSING_KINDS];

let db: TestDatabase;
let deps: RosterImportDeps;
let reads: PrismaReportReads;
let schoolId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  deps = rosterImportDeps(db.prisma, clock);
  reads = new PrismaReportReads(db.prisma);
  const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
  if (!terms.ok) throw new Error('bad terms');
  schoolId = (await setSchool(deps, { slug: SLUG, policy: getPreset('thomas-alleyne')!, policySource: 'preset:thomas-alleyne', termDates: terms.value })).school.id;
});
afterAll(() => db.drop());

/** 40 staff in three departments spelt two ways, an agency colleague (outside the cycle) and, unless left out, `extra`. */
function roster(options: { leave?: string[]; moved?: string; renamed?: string } = {}): string {
  const lines = ['email,full_name,role,line_manager_email,department,contract'];
  lines.push('head@t.example,Hana Head,headteacher,,,permanent');
  for (let i = 1; i <= 40; i++) {
    const email = `s${i}@t.example`;
    if (options.leave?.includes(email)) continue;
    const department = email === options.moved ? 'Art' : ['Science', 'science', 'Maths', ''][i % 4];
    lines.push(`${email},${email === options.renamed ? 'Renamed Staff' : `Staff ${i}`},teacher,${i <= 4 ? 'head@t.example' : `s${1 + (i % 4)}@t.example`},${department},permanent`);
  }
  lines.push('agency@t.example,Ari Agency,teacher,head@t.example,Maths,agency');
  return `${lines.join('\n')}\n`;
}

/** The summary's four reads counted afresh from the tables, as they were before the tallies. */
async function freshCounts() {
  const staff = await db.prisma.$queryRaw<{ department_key: string | null; department: string | null; staff: number; excluded: number; without_cycle: number }[]>`
    SELECT lower(nullif(trim(p.department), '')) AS department_key, min(p.department) AS department,
      count(*)::int AS staff,
      count(*) FILTER (WHERE c.status = 'excluded')::int AS excluded,
      count(*) FILTER (WHERE c.id IS NULL)::int AS without_cycle
    FROM people p LEFT JOIN cycles c ON c.person_id = p.id AND c.academic_year = ${YEAR}
    WHERE p.school_id = ${schoolId}::uuid AND p.active
    GROUP BY 1 ORDER BY 1 NULLS LAST`;
  const stages = await db.prisma.$queryRaw<{ department_key: string | null; kind: string; done: number; open: number; overdue: number; not_applicable: number }[]>`
    SELECT lower(nullif(trim(p.department), '')) AS department_key, o.kind,
      count(*) FILTER (WHERE o.status = 'done')::int AS done,
      count(*) FILTER (WHERE o.status IN ('open', 'snoozed') AND (o.optional OR o.due_on >= ${TODAY}::date))::int AS open,
      count(*) FILTER (WHERE o.status IN ('open', 'snoozed') AND NOT o.optional AND o.kind <> ALL(${NEVER_OVERDUE}::text[]) AND o.due_on < ${TODAY}::date)::int AS overdue,
      count(*) FILTER (WHERE o.status = 'not-applicable')::int AS not_applicable
    FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = o.person_id
    WHERE p.school_id = ${schoolId}::uuid AND p.active AND c.academic_year = ${YEAR} AND c.status <> 'excluded'
    GROUP BY 1, o.kind`;
  const [year] = await db.prisma.$queryRaw<{ in_cycle: number; in_cycle_leavers: number; excluded: number; excluded_leavers: number }[]>`
    SELECT count(*) FILTER (WHERE c.status <> 'excluded')::int AS in_cycle,
      count(*) FILTER (WHERE c.status <> 'excluded' AND NOT p.active)::int AS in_cycle_leavers,
      count(*) FILTER (WHERE c.status = 'excluded')::int AS excluded,
      count(*) FILTER (WHERE c.status = 'excluded' AND NOT p.active)::int AS excluded_leavers
    FROM cycles c JOIN people p ON p.id = c.person_id
    WHERE c.school_id = ${schoolId}::uuid AND c.academic_year = ${YEAR}`;
  const items = await db.prisma.$queryRaw<{ kind: string; optional: boolean; due_on: string; status: string; done_on: string | null; active: boolean; n: number }[]>`
    SELECT o.kind, o.optional, to_char(o.due_on, 'YYYY-MM-DD') AS due_on, o.status,
      to_char((o.completed_at AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD') AS done_on, p.active, count(*)::int AS n
    FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = o.person_id
    WHERE c.school_id = ${schoolId}::uuid AND c.academic_year = ${YEAR} AND c.status <> 'excluded'
    GROUP BY 1, 2, 3, 4, 5, 6`;
  return {
    departments: departmentCountsOf(staff, stages).map(({ department, counts }) => ({
      department,
      counts: { ...counts, stages: counts.stages.sort((a, b) => a.kind.localeCompare(b.kind)) },
    })),
    staff: { inCycle: year?.in_cycle ?? 0, inCycleLeavers: year?.in_cycle_leavers ?? 0, excluded: year?.excluded ?? 0, excludedLeavers: year?.excluded_leavers ?? 0 },
    items: items
      .map((i) => ({ kind: i.kind, optional: i.optional, dueOn: i.due_on, status: i.status, doneOn: i.done_on ?? undefined, leaver: !i.active, count: i.n }))
      .sort(byItem),
  };
}

type Item = { kind: string; optional: boolean; dueOn: string; status: string; doneOn?: string | undefined; leaver: boolean; count: number };
function byItem(a: Item, b: Item): number {
  return JSON.stringify([a.kind, a.dueOn, a.status, a.doneOn ?? '', a.leaver, a.optional]).localeCompare(JSON.stringify([b.kind, b.dueOn, b.status, b.doneOn ?? '', b.leaver, b.optional]));
}

/** The same figures as the summary reads them, from the tallies. */
async function talliedCounts() {
  const departments = await reads.countsByDepartment(schoolId, YEAR, TODAY);
  const figures = await reads.yearFigures(schoolId, YEAR);
  const { inCycle, inCycleLeavers, excluded, excludedLeavers, obligations } = figures!.stages;
  return {
    departments: departments.map((d) => ({ ...d, counts: { ...d.counts, stages: [...d.counts.stages].sort((a, b) => a.kind.localeCompare(b.kind)) } })),
    staff: { inCycle, inCycleLeavers, excluded, excludedLeavers },
    items: [...obligations].sort(byItem),
  };
}

/** Each cycle's earliest open required item that can be overdue, with its person, computed afresh and as kept (`cycle_first_dues`). */
async function firstDues() {
  const fresh = await db.prisma.$queryRaw<unknown[]>`
    SELECT c.id::text AS cycle_id, p.id::text AS person_id, c.academic_year, c.status AS cycle_status, p.active, p.department, p.full_name, to_char(min(o.due_on), 'YYYY-MM-DD') AS first_due
    FROM cycles c JOIN people p ON p.id = c.person_id JOIN obligations o ON o.cycle_id = c.id
    WHERE p.school_id = ${schoolId}::uuid AND o.status IN ('open', 'snoozed') AND NOT o.optional AND o.kind <> ALL(${NEVER_OVERDUE}::text[])
    GROUP BY c.id, p.id ORDER BY 1`;
  const kept = await db.prisma.$queryRaw<unknown[]>`
    SELECT cycle_id::text AS cycle_id, person_id::text AS person_id, academic_year, cycle_status, active, department, full_name, to_char(first_due, 'YYYY-MM-DD') AS first_due
    FROM cycle_first_dues WHERE school_id = ${schoolId}::uuid ORDER BY 1`;
  return { fresh, kept };
}

async function expectTalliesAgree(after: string): Promise<Awaited<ReturnType<typeof freshCounts>>> {
  const fresh = await freshCounts();
  expect(await talliedCounts(), after).toEqual(fresh);
  const dues = await firstDues();
  expect(dues.kept, `${after}: cycle_first_dues`).toEqual(dues.fresh);
  return fresh;
}

async function obligationOf(email: string, kind: string): Promise<{ id: string; key: string }> {
  return db.prisma.obligation.findFirstOrThrow({ where: { person: { email, schoolId }, kind }, orderBy: { dueOn: 'asc' }, select: { id: true, key: true } });
}

const actions = () => new PrismaReminderActionsStore(db.prisma);
const change = (obligationId: string, at = new Date('2026-10-20T14:00:00Z')) => ({ obligationId, schoolId, actorId: '', at });

describe('the kinds that lapse', () => {
  it('are the same in the database’s obligation_kind_lapses as in LAPSING_KINDS (002 §16: an unused appeal window lapses, it is not overdue)', async () => {
    const rows = await db.prisma.$queryRaw<{ kind: string }[]>`SELECT kind FROM unnest(${[...ALL_OBLIGATION_KINDS, 'made-up-kind']}::text[]) AS kind WHERE obligation_kind_lapses(kind) ORDER BY kind`;
    expect(rows.map((r) => r.kind)).toEqual([...LAPSING_KINDS].sort());
    expect(LAPSING_KINDS.length).toBeGreaterThan(0);
  });
});

describe('the summary’s counts kept as items change equal a fresh count (issue 16)', () => {
  it('after planning and import, done, snoozed, not applicable, set open again, a move, a leaver and their return, and deletions', async () => {
    const first = await importRoster(deps, SLUG, roster());
    expect(first.ok).toBe(true);
    const loaded = await expectTalliesAgree('first import and planning');
    // The school is big enough for every figure to be shown, with people outside the cycle.
    expect(loaded.departments.reduce((sum, d) => sum + d.counts.staff, 0)).toBe(42);
    expect(loaded.staff.excluded).toBe(1);
    expect(loaded.items.length).toBeGreaterThan(5);

    const actorId = (await db.prisma.person.findFirstOrThrow({ where: { email: 'head@t.example' } })).id;
    const reflection = await obligationOf('s5@t.example', 'self-reflection');
    expect(await actions().markDone({ ...change(reflection.id), actorId })).toBe(true);
    expect(await actions().markDone({ ...change((await obligationOf('s6@t.example', 'self-reflection')).id, new Date('2026-10-21T23:30:00Z')), actorId })).toBe(true);
    const done = await expectTalliesAgree('done (two London days, one just after midnight)');
    expect(done.items.filter((i) => i.status === 'done').map((i) => i.doneOn)).toEqual(['2026-10-20', '2026-10-22']);

    expect(await actions().snooze({ ...change((await obligationOf('s7@t.example', 'self-reflection')).id), actorId, until: '2026-12-01' })).toBe(true);
    await expectTalliesAgree('snoozed');
    expect(await actions().markNotApplicable({ ...change((await obligationOf('s8@t.example', 'self-reflection')).id), actorId, reason: 'on leave', notify: [] })).toBe(true);
    await expectTalliesAgree('not applicable');

    // Set open again by any UPDATE at all: the triggers are on the table, not in the code that writes it.
    await db.prisma.obligation.updateMany({ where: { id: reflection.id }, data: { status: 'open', completedAt: null } });
    await expectTalliesAgree('set open again');

    const moved = await importRoster(deps, SLUG, roster({ moved: 's9@t.example', renamed: 's15@t.example' }));
    expect(moved.ok && moved.changes.updated).toBe(2);
    const afterMove = await expectTalliesAgree('a move of department and a new name');
    expect((await firstDues()).kept).toContainEqual(expect.objectContaining({ full_name: 'Renamed Staff' }));
    expect(afterMove.departments.map((d) => d.department)).toContain('Art');

    const left = await importRoster(deps, SLUG, roster({ leave: ['s10@t.example', 's11@t.example'] }), undefined, { leavers: 'mark' });
    expect(left.ok).toBe(true);
    const afterLeaving = await expectTalliesAgree('leavers marked');
    expect(afterLeaving.staff.inCycleLeavers).toBe(2);
    // Their open items due after the day they left are gone; none is counted open under them.
    expect(afterLeaving.items.filter((i) => i.leaver && i.status === 'open')).toEqual([]);

    const back = await importRoster(deps, SLUG, roster());
    expect(back.ok).toBe(true);
    await expectTalliesAgree('a leaver back on the roster');

    // Items inserted into a cycle that has some already: the insert folds its own rows into the kept first due.
    const topped = await db.prisma.cycle.findFirstOrThrow({ where: { person: { email: 's14@t.example' }, academicYear: YEAR }, select: { id: true, personId: true } });
    const insertItems = (items: [string, string, boolean, string][]) => db.prisma.$executeRaw`
      INSERT INTO obligations (id, key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, rule, status, created_at, updated_at)
      SELECT gen_random_uuid(), ${topped.personId} || ':added:' || v.name, ${topped.id}::uuid, ${topped.personId}::uuid, v.kind, 'Added', v.optional, '2026-09-01', v.due, 'reviewee', 'test', 'open', now(), now()
      FROM unnest(${items.map((i) => i[0])}::text[], ${items.map((i) => i[1])}::text[], ${items.map((i) => i[2])}::boolean[], ${items.map((i) => i[3])}::date[]) AS v(name, kind, optional, due)`;
    const keptFirstDue = async () => (await db.prisma.$queryRaw<{ d: string }[]>`SELECT first_due::text AS d FROM cycle_first_dues WHERE cycle_id = ${topped.id}::uuid`)[0]?.d;
    const before = await keptFirstDue();
    expect(before).toBeDefined();
    await insertItems([['later', 'check-in', false, '2027-07-20'], ['optional-earlier', 'check-in', true, '2026-09-03'], ['lapses-earlier', 'appeal-window', false, '2026-09-03']]);
    await expectTalliesAgree('items inserted into a cycle, none that counts earlier than its first due');
    expect(await keptFirstDue()).toBe(before);
    await insertItems([['earlier', 'check-in', false, '2026-09-03']]);
    await expectTalliesAgree('an item inserted into a cycle, earlier than its first due');
    expect(await keptFirstDue()).toBe('2026-09-03');

    // The cycle put outside the policy and back, then deleted; a person deleted (retention, 002 §18's records gone with them).
    const cycle = await db.prisma.cycle.findFirstOrThrow({ where: { person: { email: 's12@t.example' }, academicYear: YEAR } });
    await db.prisma.cycle.update({ where: { id: cycle.id }, data: { status: 'excluded' } });
    await expectTalliesAgree('a cycle excluded');
    await db.prisma.cycle.update({ where: { id: cycle.id }, data: { status: 'active' } });
    await db.prisma.$executeRaw`DELETE FROM cycles WHERE id = ${cycle.id}::uuid`;
    const afterCycleGone = await expectTalliesAgree('a cycle deleted, its obligations cascading');
    expect(afterCycleGone.departments.reduce((sum, d) => sum + d.counts.withoutCycle, 0)).toBe(1);
    await db.prisma.person.delete({ where: { id: (await db.prisma.person.findFirstOrThrow({ where: { email: 's13@t.example' } })).id } });
    await expectTalliesAgree('a person deleted, their cycle and obligations cascading');
  });

  it('many small writes add rows, and the next summary folds them into one a group with the same sums', async () => {
    const item = await obligationOf('s14@t.example', 'self-reflection');
    for (let i = 0; i < 150; i++) await db.prisma.obligation.update({ where: { id: item.id }, data: { status: i % 2 === 0 ? 'done' : 'open' } });
    const rows = () => db.prisma.reportTally.count({ where: { schoolId } });
    const grown = await rows();
    await expectTalliesAgree('150 updates, before folding');
    const folded = await rows();
    expect(folded).toBeLessThan(grown - 250);
    await expectTalliesAgree('after folding');
    expect(await rows()).toBe(folded);
  });
});
