import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTermDates } from '../../src/core/calendar/term-dates.ts';
import type { KnownPerson } from '../../src/core/bot/bot-ports.ts';
import { messageText, type OutgoingMessage } from '../../src/core/conversations/engine/outgoing-message.ts';
import { ALL_OBLIGATION_KINDS, compareKinds } from '../../src/core/obligations/obligation-kinds.ts';
import { CycleReports } from '../../src/core/reports/cycle-reports.ts';
import { OVERDUE_PAGE } from '../../src/core/reports/leader-reports.ts';
import type { PrismaClient } from '../../src/storage/db/create-prisma-client.ts';
import { PrismaReportReads } from '../../src/storage/prisma/prisma-report-reads.ts';
import { PrismaPeopleFacts, prismaAccess } from '../../src/storage/prisma/prisma-access-relationships.ts';
import { countingClient } from '../support/counting-client.ts';
import { explainingClient, rowsScanned } from '../support/explaining-client.ts';
import { seedSchool } from '../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { TERMS } from '../core/reminders/support/school-year.ts';

const NOW = new Date('2026-11-23T10:00:00Z');
const KINDS = ['self-reflection', 'plan-agreed', 'check-in', 'check-in', 'interim-review', 'end-of-cycle-review'] as const;
const DUE = ['2026-10-15', '2026-10-30', '2026-11-20', '2027-02-12', '2027-03-26', '2027-10-31'] as const;
const DEPARTMENTS = ['Science', 'Maths', 'English', 'Humanities'] as const;

let db: TestDatabase;
let counted: { statements: number };
let reports: CycleReports;

/** `size` teachers under one manager, with a mix of done, open and overdue items, bulk-inserted. */
async function seedStaff(prisma: PrismaClient, size: number): Promise<{ leader: KnownPerson; manager: KnownPerson }> {
  const s = await seedSchool(prisma, 'thomas-alleyne', [
    { key: 'head', fullName: 'Hugh Head', role: 'headteacher', obligations: [] },
    { key: 'mo', fullName: 'Mo Manager', role: 'teacher', lineManager: 'head', obligations: [] },
  ]);
  const people = Array.from({ length: size }, (_, i) => ({
    id: crypto.randomUUID(),
    schoolId: s.schoolId,
    email: `t${i}@scale.example`,
    fullName: `Teacher ${i}`,
    role: 'teacher',
    department: DEPARTMENTS[i % DEPARTMENTS.length]!,
    lineManagerId: s.ids.mo!,
  }));
  // Real term dates, so the summary also reads the year's governors' report figures it is suppressed with.
  const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
  if (!terms.ok) throw new Error('term dates');
  await prisma.school.update({ where: { id: s.schoolId }, data: { termDates: terms.value } });
  await prisma.person.createMany({ data: people });
  const cycles = people.map((p) => ({ id: crypto.randomUUID(), schoolId: s.schoolId, personId: p.id, academicYear: 2026, startsOn: new Date('2026-09-01'), endsOn: new Date('2027-08-31') }));
  await prisma.cycle.createMany({ data: cycles });
  await prisma.obligation.createMany({
    data: cycles.flatMap((c, i) =>
      KINDS.map((kind, k) => ({
        key: `${c.id}:${k}`,
        cycleId: c.id,
        personId: c.personId,
        kind,
        label: kind,
        opensOn: new Date('2026-09-01'),
        dueOn: new Date(DUE[k]!),
        ownerRole: 'reviewee',
        rule: 'test',
        // Every third person has done their first two items.
        status: k < 2 && i % 3 === 0 ? 'done' : 'open',
      })),
    ),
  });
  const person = (id: string, fullName: string, role: KnownPerson['role']): KnownPerson => ({ id, schoolId: s.schoolId, fullName, email: '', role, active: true });
  return { leader: person(s.ids.head!, 'Hugh Head', 'headteacher'), manager: person(s.ids.mo!, 'Mo Manager', 'teacher') };
}

beforeAll(async () => {
  db = await createTestDatabase();
  const { client, counter } = countingClient(db.prisma);
  counted = counter;
  reports = new CycleReports(new PrismaReportReads(client), prismaAccess(client));
});
afterAll(() => db.drop());

async function statementsFor(run: () => Promise<unknown>): Promise<{ statements: number; ms: number }> {
  const before = counted.statements;
  const started = performance.now();
  await run();
  return { statements: counted.statements - before, ms: Math.round(performance.now() - started) };
}

describe('report reads at scale (issue 5: aggregate in SQL, not a query per person)', () => {
  it('summary, overdue and a manager’s home use the same few statements for 20 staff as for 600', async () => {
    const small = await seedStaff(db.prisma, 20);
    const large = await seedStaff(db.prisma, 600);
    const measure = async (who: { leader: KnownPerson; manager: KnownPerson }) => ({
      summary: await statementsFor(() => reports.summary(who.leader, undefined, NOW)),
      department: await statementsFor(() => reports.summary(who.leader, 'maths', NOW)),
      overdue: await statementsFor(() => reports.overdue(who.leader, undefined, NOW)),
      overduePage2: await statementsFor(() => reports.overdue(who.leader, undefined, NOW, 2)),
      home: await statementsFor(() => reports.home(who.manager, NOW)),
    });
    const a = await measure(small);
    const b = await measure(large);
    for (const key of ['summary', 'department', 'overdue', 'overduePage2', 'home'] as const) expect(b[key].statements, key).toBe(a[key].statements);
    // A summary reads the counts (two statements), the school, and the governors' report's stage
    // and staff figures of the same year, grouped (two), which it is suppressed with as one (`publishSchool`). Home's "who has
    // seen" reads the access log and the administrators' exports (two).
    // Overdue and home also ask the access rule (the people's facts, the viewer's grants) and write
    // the access log in one statement each (002 §18), whatever the number of people; overdue asks
    // the rule about the whole school at once (the facts of the few people close to the viewer
    // only, issue 16), then reads one page and its totals in one statement.
    expect([b.summary.statements, b.department.statements, b.overdue.statements, b.overduePage2.statements, b.home.statements]).toEqual([6, 7, 5, 5, 11]);
    const home = await reports.home(large.manager, NOW);
    expect(home.reviewees).toHaveLength(600);
    // 600 × 3 overdue items (reflection, plan, autumn check-in) less the 200 people × 2 done.
    const [overdue] = await reports.overdue(large.leader, undefined, NOW);
    expect(overdue?.type === 'summary' && overdue.title).toBe('Overdue — the whole school: 1400 items for 600 people (days are calendar days)');
    console.info(`report reads, 600 staff × 6 items: summary ${b.summary.ms} ms, department ${b.department.ms} ms, overdue ${b.overdue.ms} ms, overdue page 2 ${b.overduePage2.ms} ms, manager home ${b.home.ms} ms`);
  });
});

describe('what overdue reads grows with what it counts, not with the school (issue 16)', () => {
  it('the page reads the items of only the 20 people it can show, for 20 staff as for 600; the totals read no item, only the kept counts and one index entry a person overdue', async () => {
    const small = await seedStaff(db.prisma, 20);
    const large = await seedStaff(db.prisma, 600);
    // Sequential scans off where an index can serve, so these small tables are planned as a large
    // school's are; every statement of `overdue` runs under EXPLAIN ANALYZE first (rolled back).
    // Vacuumed as autovacuum leaves a settled table, so the index-only scans are open to the planner.
    await db.prisma.$executeRaw`VACUUM ANALYZE obligations, cycles, people, report_tallies, cycle_first_dues`;
    const explaining = explainingClient(db.prisma, 0, { preferIndexes: true });
    const explained = new CycleReports(new PrismaReportReads(explaining.client), prismaAccess(explaining.client));
    const pageRead = / on obligations item\b/;
    const read = [];
    for (const { leader } of [small, large]) {
      explaining.on.explain = true;
      const [shown] = await explained.overdue(leader, undefined, NOW);
      explaining.on.explain = false;
      const plan = explaining.plans.splice(0).find((statement) => statement.sql.includes('WITH kept AS'))?.plan ?? '';
      read.push({
        title: shown?.type === 'summary' ? shown.title : '',
        page: rowsScanned(plan, (line) => pageRead.test(line)),
        otherItems: rowsScanned(plan, (line) => / on obligations\b/.test(line) && !pageRead.test(line)),
        tallies: rowsScanned(plan, (line) => / on report_tallies\b/.test(line)),
        heads: rowsScanned(plan, (line) => / on cycle_first_dues\b/.test(line)),
      });
    }
    // 20 × 3 overdue items less 7 people × 2 done; 600 × 3 less 200 × 2.
    expect(read.map((r) => r.title)).toEqual([
      'Overdue — the whole school: 46 items for 20 people (days are calendar days)',
      'Overdue — the whole school: 1400 items for 600 people (days are calendar days)',
    ]);
    // The page reads the open items of the 20 people it can show, and no more, in either school
    // (some of the small school's 20 have done two of theirs; the large school's first 20 have not).
    expect(read.map((r) => r.page)).toEqual([20 * KINDS.length - 7 * 2, 20 * KINDS.length]);
    expect(OVERDUE_PAGE).toBe(20);
    // The head is shown everyone, so no item is read for the totals: the items overdue come from
    // the kept counts — a few rows a department, kind, due date and state for each statement that
    // wrote them (folded by the next summary), under 100 for 120 or 3,600 items — and the people
    // from one index entry a person overdue, plus the page's first 20 (twice: the last of them,
    // then everyone up to them).
    expect(read.map((r) => r.otherItems)).toEqual([0, 0]);
    for (const r of read) expect(r.tallies).toBeLessThan(100);
    expect(read.map((r) => r.heads)).toEqual([20 + 20 + 20, 600 + 20 + 20]);
  });
});

describe('the access decision’s facts come one row a school, however many people are close to the viewer (issue 16)', () => {
  it('a manager of 20 and of 600 gets every report’s facts, by name, from one row carrying the school’s policy parts once (002 §18)', async () => {
    const small = await seedStaff(db.prisma, 20);
    const large = await seedStaff(db.prisma, 600);
    const explaining = explainingClient(db.prisma, 0);
    const facts = new PrismaPeopleFacts(explaining.client);
    const read = [];
    for (const { manager } of [small, large]) {
      explaining.on.explain = true;
      const close = await facts.closeToViewer(manager.id, manager.schoolId);
      explaining.on.explain = false;
      const plan = explaining.plans.splice(0).find((statement) => statement.sql.includes(') AS ord'))?.plan ?? '';
      // The statement's own output: its first plan line's actual rows.
      const returned = /actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(plan.split('\n')[0] ?? '');
      read.push({ close, rows: Number(returned?.[1] ?? -1) });
    }
    // The manager, their reports and the head: everyone in these schools, by name then id as PostgreSQL sorts them.
    expect(read.map((r) => r.close.length)).toEqual([20 + 2, 600 + 2]);
    for (const { close } of read) {
      const sorted = await db.prisma.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM people WHERE id = ANY(${close.map((f) => f.person.id)}::uuid[]) ORDER BY full_name, id`;
      expect(close.map((f) => f.person.id)).toEqual(sorted.map((row) => row.id));
    }
    expect(read.map((r) => r.rows)).toEqual([1, 1]);
    // Every person of a school shares the school's parts, made once.
    for (const { close } of read) {
      expect(new Set(close.map((f) => f.confidentiality)).size).toBe(1);
      expect(close[0]?.confidentiality?.lineManagerAccessOnRequest).toBe(true);
      expect(close.every((f) => f.headIds.length === 1 && f.headIds === close[0]?.headIds)).toBe(true);
    }
  });
});

describe('overdue pages people who share a name and a first overdue date (issue 16)', () => {
  it('every page lists the items the whole sorted list has in its place, when a page ends inside a group of 30 people with the same name and first overdue date (002 §18)', async () => {
    const { leader } = await seedStaff(db.prisma, 45);
    // Everyone is "Sam Same": the 30 whose reflection (15 Oct) is overdue tie on (first overdue date,
    // name), and page 1 ends after 20 of their reflections, ordered by key, not by person.
    await db.prisma.$executeRaw`UPDATE people SET full_name = 'Sam Same' WHERE school_id = ${leader.schoolId}::uuid AND role = 'teacher' AND id <> ${leader.id}::uuid AND email LIKE 't%'`;
    const reads = new PrismaReportReads(db.prisma);
    const whole = await db.prisma.$queryRaw<{ person_id: string; kind: string; due_on: string }[]>`
      SELECT p.id::text AS person_id, o.kind, to_char(o.due_on, 'YYYY-MM-DD') AS due_on
      FROM obligations o JOIN people p ON p.id = o.person_id
      WHERE p.school_id = ${leader.schoolId}::uuid AND o.status = 'open' AND o.due_on < DATE '2026-11-23'
      ORDER BY o.due_on, p.full_name, array_position(${[...ALL_OBLIGATION_KINDS]}::text[], o.kind) NULLS LAST, o.kind, o.key`;
    const listed = [];
    for (let offset = 0; offset < whole.length; offset += OVERDUE_PAGE) {
      const page = await reads.overduePage({ schoolId: leader.schoolId }, 2026, '2026-11-23', { allowed: [], decided: [], everyoneElse: true }, { offset, limit: OVERDUE_PAGE });
      expect(page.totalItems).toBe(whole.length);
      listed.push(...page.items.map((item) => ({ person_id: item.personId, kind: item.kind, due_on: item.dueOn })));
    }
    // 45 × 3 items less 15 people × 2 done.
    expect(whole).toHaveLength(105);
    expect(listed).toEqual(whole);
  });
});

describe('overdue a page at a time (issue 16; every name shown is logged, and only those, 002 §18)', () => {
  const itemsOf = (messages: readonly OutgoingMessage[]) => {
    const summary = messages[0];
    return summary?.type === 'summary' ? summary.items.map((i) => `${i.label}: ${i.value}`) : [];
  };
  const titleOf = (messages: readonly OutgoingMessage[]) => (messages[0]?.type === 'summary' ? messages[0].title : messageText(messages[0]!));

  it('pages 1 and 2 of a 60-person school list different people, in the order the whole list was sorted in, under the same counts line (002 §18)', async () => {
    const { leader } = await seedStaff(db.prisma, 60);
    // Every overdue item the seed made, sorted as the list always was: oldest due, then name, then cycle order.
    const all = Array.from({ length: 60 }, (_, i) => i).flatMap((i) =>
      KINDS.flatMap((kind, k) => (DUE[k]! < '2026-11-23' && !(k < 2 && i % 3 === 0) ? [{ name: `Teacher ${i}`, kind, due: DUE[k]! }] : [])),
    );
    all.sort((x, y) => x.due.localeCompare(y.due) || x.name.localeCompare(y.name) || compareKinds(x.kind, y.kind));
    const [first, second] = [await reports.overdue(leader, undefined, NOW), await reports.overdue(leader, undefined, NOW, 2)];
    const listed = (messages: readonly OutgoingMessage[]) => itemsOf(messages).filter((line) => line.startsWith('Teacher ')).map((line) => line.slice(0, line.indexOf(':')));
    const expected = all.map((row) => `${row.name} — ${row.kind}`);
    expect(listed(first)).toEqual(expected.slice(0, OVERDUE_PAGE));
    expect(listed(second)).toEqual(expected.slice(OVERDUE_PAGE, 2 * OVERDUE_PAGE));
    const people = (messages: readonly OutgoingMessage[]) => new Set(listed(messages).map((line) => line.split(' — ')[0]));
    expect([...people(first)].filter((name) => people(second).has(name))).toEqual([]);
    // The counts line is the whole list's, whichever page is shown: 60 × 3 items less 20 people × 2 done.
    for (const page of [first, second]) expect(titleOf(page)).toBe('Overdue — the whole school: 140 items for 60 people (days are calendar days)');
    expect(itemsOf(first).at(-1)).toBe(`And: ${140 - OVERDUE_PAGE} more items — say \`overdue page 2\``);
    expect(itemsOf(second).slice(-2)).toEqual(['Page: 2 of 7', `And: ${140 - 2 * OVERDUE_PAGE} more items — say \`overdue page 3\``]);
    const last = await reports.overdue(leader, undefined, NOW, 7);
    expect(listed(last)).toEqual(expected.slice(6 * OVERDUE_PAGE));
    expect(itemsOf(last).at(-1)).toBe('Page: 7 of 7');
    expect(messageText((await reports.overdue(leader, undefined, NOW, 8))[0]!)).toBe('The overdue list for the whole school has 7 pages. Say `overdue` for the first.');
  });

  it('only the people on the page shown get a row in their access log (002 §18)', async () => {
    const { leader } = await seedStaff(db.prisma, 60);
    await reports.overdue(leader, undefined, NOW);
    const logged = await db.prisma.accessLog.findMany({ where: { viewerId: leader.id }, select: { subject: { select: { fullName: true } }, resource: true, reason: true } });
    // Page 1 is the first 20 reflections due 15 Oct, of the 40 people who have not done theirs, by name.
    const onPage = Array.from({ length: 60 }, (_, i) => `Teacher ${i}`).filter((_, i) => i % 3 !== 0).sort((x, y) => x.localeCompare(y)).slice(0, OVERDUE_PAGE);
    expect(logged.map((row) => row.subject.fullName).sort()).toEqual([...onPage].sort());
    expect(new Set(logged.map((row) => `${row.resource}/${row.reason}`))).toEqual(new Set(['obligations/head']));
  });
});
