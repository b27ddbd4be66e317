// `trellis recount [--school S]` (issue 16): recounts the counts `summary` and `overdue` read and
// prints, per school, how many it corrected.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');
let db: TestDatabase;
let schoolId: string;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: '2026-11-30T03:00:00Z' }, ...argv);

beforeAll(async () => {
  db = await createTestDatabase();
  for (const [slug, name] of [
    ['washwood', 'Washwood Heath Academy'],
    ['kingsmead', 'Kingsmead School'],
  ] as const) {
    const set = await trellis('school', 'set', slug, '--policy', 'whmat', '--terms', TERMS, '--name', name);
    if (set.code !== 0) throw new Error(set.stderr);
  }
  schoolId = (await db.prisma.school.findUniqueOrThrow({ where: { slug: 'washwood' } })).id;
  const head = await db.prisma.person.create({ data: { schoolId, email: 'head@washwood.example', fullName: 'Ada Head', role: 'headteacher' } });
  await db.prisma.person.create({ data: { schoolId, email: 'tom@washwood.example', fullName: 'Tom Teacher', role: 'teacher', lineManagerId: head.id, department: 'Maths' } });
});
afterAll(() => db.drop());

describe('trellis recount (issue 16)', () => {
  it('prints how many count groups it corrected in each school, and nothing to correct the second time', async () => {
    // Two groups left off, as writes racing on one person leave them.
    await db.prisma.$executeRaw`INSERT INTO report_tallies (id, what, school_id, department, active, n) VALUES
      (gen_random_uuid(), 'person', ${schoolId}::uuid, 'Maths', true, 1), (gen_random_uuid(), 'person', ${schoolId}::uuid, 'Art', true, -1)`;
    const { code, stdout } = await trellis('recount');
    expect(code).toBe(0);
    expect(stdout).toContain('Washwood Heath Academy: corrected 2 summary count groups and 0 overdue first-item rows.');
    expect(stdout).toContain('Kingsmead School: the kept counts agreed with a fresh count; nothing to correct.');
    const [maths] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT sum(n)::int AS n FROM report_tallies WHERE school_id = ${schoolId}::uuid AND what = 'person' AND department = 'Maths'`;
    expect(maths?.n).toBe(1);
    const again = await trellis('recount', '--school', 'washwood');
    expect(again.stdout.trim()).toBe('Washwood Heath Academy: the kept counts agreed with a fresh count; nothing to correct.');
  });

  it('an unknown school or a stray word is refused in plain words', async () => {
    const unknown = await trellis('recount', '--school', 'nowhere');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no school "nowhere"');
    const stray = await trellis('recount', 'now');
    expect(stray.code).toBe(1);
    expect(stray.stderr).toContain('Unexpected "now"');
  });
});
