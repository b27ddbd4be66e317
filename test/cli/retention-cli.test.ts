// `trellis retention [--school S] [--dry-run]` (003 §14.3, 004 §11.2): shows what has run out its
// retention period, and without --dry-run destroys it and prints what each head is told.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrellisWith } from '../support/run-cli.ts';
import { seedEveryRecord } from '../support/seed-every-record.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');
let db: TestDatabase;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: '2026-11-30T02:00:00Z' }, ...argv);

beforeAll(async () => {
  db = await createTestDatabase();
  const set = await trellis('school', 'set', 'washwood', '--policy', 'whmat', '--terms', TERMS, '--name', 'Washwood Heath Academy');
  if (set.code !== 0) throw new Error(set.stderr);
  const school = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'washwood' } });
  const head = await db.prisma.person.create({ data: { schoolId: school.id, email: 'head@washwood.example', fullName: 'Ada Head', role: 'headteacher' } });
  const teacher = await db.prisma.person.create({ data: { schoolId: school.id, email: 'tom@washwood.example', fullName: 'Tom Teacher', role: 'teacher', lineManagerId: head.id } });
  await seedEveryRecord(db.prisma, { schoolId: school.id, personId: teacher.id, otherId: head.id, year: 2018 });
  await seedEveryRecord(db.prisma, { schoolId: school.id, personId: teacher.id, otherId: head.id, year: 2022 });
});
afterAll(() => db.drop());

describe('trellis retention (004 §11.2)', () => {
  it('004 §11.2: --dry-run prints what would go and leaves every row in place', async () => {
    const cycles = await db.prisma.cycle.count();
    const { code, stdout } = await trellis('retention', '--school', 'washwood', '--dry-run');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Washwood Heath Academy: \d+ records from 2019\/20 and earlier would be destroyed, belonging to 1 person\. Rule: 6 years after the end of the academic year \(004 §11\.2\)\./);
    expect(stdout).toContain('1 × growth cycles');
    expect(stdout).toContain('Nothing has been changed.');
    expect(await db.prisma.cycle.count()).toBe(cycles);
    expect(await db.prisma.deletionLog.count()).toBe(0);
  });

  it('004 §11.2: without --dry-run it destroys the 2018/19 records, keeps 2022/23, and names the head told', async () => {
    const { code, stdout } = await trellis('retention');
    expect(code).toBe(0);
    expect(stdout).toContain('were destroyed');
    expect(stdout).toContain('Told: Ada Head.');
    expect((await db.prisma.cycle.findMany({ select: { academicYear: true } })).map((c) => c.academicYear)).toEqual([2022]);
    const again = await trellis('retention', '--school', 'washwood');
    expect(again.stdout).toContain('Washwood Heath Academy: nothing has run out its retention period');
  });

  it('004 §11.2: an unknown school or stray word is refused in plain words', async () => {
    const unknown = await trellis('retention', '--school', 'nowhere');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no school "nowhere"');
    const stray = await trellis('retention', 'now');
    expect(stray.code).toBe(1);
    expect(stray.stderr).toContain(`Unexpected "now"`);
  });
});
