import type { KnownPerson } from '../../../src/core/bot/bot-ports.ts';
import type { Role } from '../../../src/core/people/person.ts';
import type { PrismaClient } from '../../../src/storage/db/create-prisma-client.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';

/** Monday 23 November 2026, 10:00 London (GMT). */
export const NOW = new Date('2026-11-23T10:00:00Z');

/** Text that only lives inside records; no report may ever show it. */
export const SECRET = 'SECRET-REFLECTION-ANSWER';

/**
 * School A (Thomas Alleyne): Mo line-manages Tia (Science) and Sam (Maths); Ava is agency
 * (excluded). Leaders Hugh (head) and Lee (SLT). As of 23 Nov: Tia's plan is overdue, Sam's
 * reflection and first check-in are overdue. School B has one overdue teacher of its own.
 */
export async function seedReportSchools(prisma: PrismaClient): Promise<{ a: SeededSchool; b: SeededSchool }> {
  const a = await seedSchool(prisma, 'thomas-alleyne', [
    { key: 'head', fullName: 'Hugh Head', role: 'headteacher', obligations: [] },
    { key: 'lee', fullName: 'Lee Leader', role: 'leader', obligations: [] },
    { key: 'mo', fullName: 'Mo Manager', role: 'teacher', department: 'Science', lineManager: 'head', obligations: [] },
    {
      key: 'tia',
      fullName: 'Tia Teacher',
      role: 'teacher',
      department: 'Science',
      lineManager: 'mo',
      obligations: [
        { kind: 'self-reflection', label: 'Reflection before the planning meeting', dueOn: '2026-10-15', ownerRole: 'reviewee', status: 'done' },
        { kind: 'plan-agreed', label: 'Performance planning: three targets agreed', dueOn: '2026-10-30', ownerRole: 'reviewee' },
        { kind: 'check-in', label: 'Spring check-in', dueOn: '2027-02-12', ownerRole: 'reviewer' },
        { kind: 'interim-review', label: 'Interim review of progress', dueOn: '2027-03-26', opensOn: '2027-02-22', ownerRole: 'reviewer' },
      ],
    },
    {
      key: 'sam',
      fullName: 'Sam Scholar',
      role: 'teacher',
      department: 'Maths',
      lineManager: 'mo',
      obligations: [
        { kind: 'self-reflection', label: 'Reflection before the planning meeting', dueOn: '2026-10-15', ownerRole: 'reviewee' },
        { kind: 'plan-agreed', label: 'Performance planning: three targets agreed', dueOn: '2026-10-30', ownerRole: 'reviewee', status: 'done' },
        { kind: 'check-in', label: 'Autumn check-in', dueOn: '2026-11-20', ownerRole: 'reviewer' },
        { kind: 'upr-application', label: 'Upper pay range (if applying)', dueOn: '2026-10-23', ownerRole: 'reviewee', optional: true },
      ],
    },
    { key: 'ava', fullName: 'Ava Agency', role: 'teacher', department: 'Science', lineManager: 'mo', excludedBecause: 'agency' },
  ]);
  const b = await seedSchool(prisma, 'thomas-alleyne', [
    { key: 'bex', fullName: 'Bex Boss', role: 'headteacher', obligations: [] },
    { key: 'zed', fullName: 'Zed Zephyr', role: 'teacher', department: 'Science', lineManager: 'bex', obligations: [{ kind: 'self-reflection', dueOn: '2026-10-15', ownerRole: 'reviewee' }] },
  ]);
  const plan = await prisma.growthPlan.create({ data: { cycleId: a.cycles.tia!, personId: a.ids.tia!, status: 'submitted', summary: SECRET } });
  await prisma.planGoal.createMany({
    data: [
      { planId: plan.id, position: 0, kind: 'smart-target', title: 'Raise Year 9 practical scores', detail: SECRET },
      { planId: plan.id, position: 1, kind: 'smart-target', title: 'Lead the KS3 science club' },
      { planId: plan.id, position: 2, kind: 'smart-target', title: 'Dropped idea', status: 'dropped' },
    ],
  });
  await prisma.selfReflection.create({ data: { cycleId: a.cycles.tia!, personId: a.ids.tia!, framework: 'teachers', successes: SECRET, status: 'submitted' } });
  return { a, b };
}

export async function knownPerson(prisma: PrismaClient, id: string): Promise<KnownPerson> {
  const row = await prisma.person.findUniqueOrThrow({ where: { id } });
  return { id: row.id, schoolId: row.schoolId, fullName: row.fullName, email: row.email, role: row.role as Role, department: row.department ?? undefined, active: row.active };
}
