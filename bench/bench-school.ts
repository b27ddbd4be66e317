import type { PrismaClient } from '../src/storage/db/create-prisma-client.ts';

/**
 * The school the sweep benches sweep, written with bulk SQL a day before the sweep, as a roster is
 * (people in `staff{n}@bench.example`, so a fake Slack can be given the same users).
 */
/** People under 1 head and 1 manager per 20 staff; five WHMAT-like obligations each. */
export async function generateSchool(prisma: PrismaClient, schoolId: string, staff: number): Promise<void> {
  const managers = Math.max(1, Math.floor(staff / 20));
  // Ids made from the staff number, so a manager's id is computed, not looked up; the prefix keeps schools apart.
  const prefix = `${staff.toString(16).padStart(8, '0')}-0000-7000-8000-`;
  await prisma.$executeRaw`
    INSERT INTO people (id, school_id, email, full_name, role, start_date, updated_at)
    SELECT (${prefix} || lpad(to_hex(n), 12, '0'))::uuid, ${schoolId}::uuid, 'staff' || n || '@bench.example', 'Staff ' || n,
      CASE WHEN n = 0 THEN 'headteacher' WHEN n <= ${managers} THEN 'leader' WHEN n % 4 = 0 THEN 'teaching-assistant' ELSE 'teacher' END,
      DATE '2018-09-01', now() - interval '1 day'
    FROM generate_series(0, ${staff - 1}) AS n`;
  await prisma.$executeRaw`
    UPDATE people SET line_manager_id = (${prefix} || lpad(to_hex(CASE WHEN n <= ${managers} THEN 0 ELSE 1 + n % ${managers} END), 12, '0'))::uuid
    FROM (SELECT id, ('x' || lpad(right(id::text, 12), 16, '0'))::bit(64)::bigint AS n FROM people WHERE school_id = ${schoolId}::uuid) AS v
    WHERE people.id = v.id AND v.n > 0`;
  // Written a day ago, as a roster is long before a sweep: the idle tick reads only what changed since its last tick.
  await prisma.$executeRaw`UPDATE people SET updated_at = now() - interval '1 day' WHERE school_id = ${schoolId}::uuid`;
  await prisma.$executeRaw`UPDATE schools SET updated_at = now() - interval '1 day' WHERE id = ${schoolId}::uuid`;
  await prisma.$executeRaw`
    INSERT INTO cycles (id, school_id, person_id, academic_year, starts_on, ends_on, updated_at)
    SELECT gen_random_uuid(), ${schoolId}::uuid, id, 2026, DATE '2026-10-01', DATE '2027-09-30', now() FROM people WHERE school_id = ${schoolId}::uuid`;
  await prisma.$executeRaw`
    INSERT INTO obligations (id, key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, updated_at)
    SELECT gen_random_uuid(), c.person_id || ':2026:' || t.id, c.id, c.person_id, t.kind, t.label, t.optional, t.opens, t.due, t.owner,
      CASE WHEN t.owner = 'reviewee' THEN c.person_id ELSE p.line_manager_id END, t.rule, now() - interval '1 day'
    FROM cycles c JOIN people p ON p.id = c.person_id
    CROSS JOIN (VALUES
      ('self-reflection', 'self-reflection', 'Self-reflection', false, DATE '2026-09-01', DATE '2026-10-15', 'reviewee', '004 §4.2'),
      ('upr-application', 'upr-application', 'Upper Pay Range business case', true, DATE '2026-09-02', DATE '2026-10-23', 'reviewee', '004 §8.2'),
      ('autumn-check-in', 'check-in', 'Autumn check-in', false, DATE '2026-10-01', DATE '2026-10-30', 'reviewer', '004 §6.3'),
      ('plan-agreed', 'plan-agreed', 'Professional growth plan agreed', false, DATE '2026-10-01', DATE '2026-10-30', 'reviewee', '004 §5.1'),
      ('spring-check-in', 'check-in', 'Spring check-in', false, DATE '2027-01-05', DATE '2027-02-12', 'reviewer', '004 §6.3')
    ) AS t(id, kind, label, optional, opens, due, owner, rule)
    WHERE c.school_id = ${schoolId}::uuid AND (t.owner = 'reviewee' OR p.line_manager_id IS NOT NULL)`;
  await prisma.$executeRaw`ANALYZE`;
}
