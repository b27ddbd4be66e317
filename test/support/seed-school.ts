import type { Flag, Role } from '../../src/core/people/person.ts';
import { getPreset } from '../../src/core/policy/presets/index.ts';
import type { PrismaClient } from '../../src/storage/db/create-prisma-client.ts';

export interface SeedPerson {
  key: string;
  fullName: string;
  role: Role;
  flags?: Flag[];
  /** Key of the line manager among the seeded people. */
  lineManager?: string;
  department?: string;
  /** Defaults to active; a leaver (false) keeps their rows. */
  active?: boolean;
  /** Cycle excluded from the policy this year, with this reason: no obligations are written unless `obligations` are given (004 §2.2). */
  excludedBecause?: string;
  /**
   * Replaces the default obligations. Reviewee-owned items are owed by the person, reviewer-owned
   * ones by their line manager (ownerPersonId is set, unlike the defaults).
   */
  obligations?: SeedObligation[];
}

export interface SeedObligation {
  kind: string;
  dueOn: string;
  ownerRole: 'reviewee' | 'reviewer';
  label?: string;
  opensOn?: string;
  status?: 'open' | 'done' | 'not-applicable' | 'snoozed';
  optional?: boolean;
}

export interface SeededSchool {
  schoolId: string;
  /** Person id by key. */
  ids: Record<string, string>;
  /** Cycle id (academic year 2026) by person key. */
  cycles: Record<string, string>;
}

/** Obligations each seeded person owes, enough for dialogs to complete them. */
const OBLIGATIONS: { kind: string; dueOn: string; ownerRole: string }[] = [
  { kind: 'self-reflection', dueOn: '2026-10-16', ownerRole: 'reviewee' },
  { kind: 'plan-agreed', dueOn: '2026-10-30', ownerRole: 'reviewee' },
  { kind: 'leadership-goal', dueOn: '2026-10-30', ownerRole: 'reviewee' },
  { kind: 'check-in', dueOn: '2027-02-12', ownerRole: 'reviewer' },
  { kind: 'check-in', dueOn: '2026-10-30', ownerRole: 'reviewer' },
  { kind: 'check-in', dueOn: '2027-06-30', ownerRole: 'reviewer' },
];

/**
 * A school running one preset, its people, and a 2026/27 cycle with open obligations for each,
 * written straight through Prisma as the issue asks (the roster importer is not under test here).
 */
export async function seedSchool(prisma: PrismaClient, preset: string, people: readonly SeedPerson[]): Promise<SeededSchool> {
  const policy = getPreset(preset);
  if (policy === undefined) throw new Error(`no preset ${preset}`);
  const school = await prisma.school.create({
    data: { slug: `${preset}-${Math.random().toString(36).slice(2, 8)}`, name: `${preset} school`, policy, policySource: preset, termDates: {} },
  });
  const ids: Record<string, string> = {};
  const cycles: Record<string, string> = {};
  for (const person of people) {
    const row = await prisma.person.create({
      data: {
        schoolId: school.id,
        email: `${person.key}@${school.slug}.example`,
        fullName: person.fullName,
        role: person.role,
        flags: person.flags ?? [],
        lineManagerId: person.lineManager === undefined ? null : ids[person.lineManager]!,
        department: person.department ?? null,
        active: person.active ?? true,
      },
    });
    ids[person.key] = row.id;
    const cycle = await prisma.cycle.create({
      data: {
        schoolId: school.id,
        personId: row.id,
        academicYear: 2026,
        startsOn: new Date('2026-09-01T00:00:00Z'),
        endsOn: new Date('2027-08-31T00:00:00Z'),
        ...(person.excludedBecause === undefined ? {} : { status: 'excluded', exclusionReason: person.excludedBecause }),
      },
    });
    cycles[person.key] = cycle.id;
    if (person.excludedBecause !== undefined && person.obligations === undefined) continue;
    if (person.obligations !== undefined) {
      const managerId = person.lineManager === undefined ? null : ids[person.lineManager]!;
      await prisma.obligation.createMany({
        data: person.obligations.map((o, i) => ({
          key: `${cycle.id}:${o.kind}:${i}`,
          cycleId: cycle.id,
          personId: row.id,
          kind: o.kind,
          label: o.label ?? o.kind,
          optional: o.optional ?? false,
          opensOn: new Date(`${o.opensOn ?? '2026-09-01'}T00:00:00Z`),
          dueOn: new Date(`${o.dueOn}T00:00:00Z`),
          ownerRole: o.ownerRole,
          ownerPersonId: o.ownerRole === 'reviewee' ? row.id : managerId,
          status: o.status ?? 'open',
          completedAt: o.status === 'done' ? new Date(`${o.dueOn}T12:00:00Z`) : null,
          rule: 'test',
        })),
      });
      continue;
    }
    await prisma.obligation.createMany({
      data: OBLIGATIONS.map((o, i) => ({
        key: `${cycle.id}:${o.kind}:${i}`,
        cycleId: cycle.id,
        personId: row.id,
        kind: o.kind,
        opensOn: new Date('2026-09-01T00:00:00Z'),
        dueOn: new Date(`${o.dueOn}T00:00:00Z`),
        ownerRole: o.ownerRole,
        label: o.kind,
        rule: 'test',
      })),
    });
  }
  return { schoolId: school.id, ids, cycles };
}
