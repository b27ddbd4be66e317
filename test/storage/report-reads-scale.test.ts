import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnownPerson } from '../../src/core/bot/bot-ports.ts';
import { CycleReports } from '../../src/core/reports/cycle-reports.ts';
import type { PrismaClient } from '../../src/storage/db/create-prisma-client.ts';
import { PrismaReportReads } from '../../src/storage/prisma/prisma-report-reads.ts';
import { prismaAccess } from '../../src/storage/prisma/prisma-access-relationships.ts';
import { countingClient } from '../support/counting-client.ts';
import { seedSchool } from '../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

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
      home: await statementsFor(() => reports.home(who.manager, NOW)),
    });
    const a = await measure(small);
    const b = await measure(large);
    for (const key of ['summary', 'department', 'overdue', 'home'] as const) expect(b[key].statements, key).toBe(a[key].statements);
    // Overdue and home also ask the access rule (the people's facts, the viewer's grants) and write
    // the access log in one statement each (002 §18), whatever the number of people.
    expect([b.summary.statements, b.department.statements, b.overdue.statements, b.home.statements]).toEqual([3, 4, 5, 10]);
    const home = await reports.home(large.manager, NOW);
    expect(home.reviewees).toHaveLength(600);
    // 600 × 3 overdue items (reflection, plan, autumn check-in) less the 200 people × 2 done.
    const [overdue] = await reports.overdue(large.leader, undefined, NOW);
    expect(overdue?.type === 'summary' && overdue.title).toBe('Overdue — the whole school: 1400 items for 600 people (days are calendar days)');
    console.info(`report reads, 600 staff × 6 items: summary ${b.summary.ms} ms, department ${b.department.ms} ms, overdue ${b.overdue.ms} ms, manager home ${b.home.ms} ms`);
  });
});
