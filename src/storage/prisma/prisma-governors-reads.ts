import type { IsoDate } from '../../core/calendar/iso-date.ts';
import { londonDateOf } from '../../core/calendar/london-time.ts';
import type { GovernorsFigures, GovernorsReportReads, GovernorsSchools, PlanStatement } from '../../core/reports/governors-ports.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { fromDbDate } from './db-date.ts';
import { PrismaReportReads } from './prisma-report-reads.ts';
import { PrismaSchoolRepository } from './prisma-school-repository.ts';

/**
 * The governors' report's figures for one school's year, in three queries: the year's cycles with
 * what each person's plan and review say about development and their observed minutes, the
 * cycles' obligations, and their appeals. Names and e-mails are never selected.
 */
export class PrismaGovernorsReads implements GovernorsReportReads {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async figures(schoolId: string, academicYear: number): Promise<GovernorsFigures> {
    const where = { schoolId, academicYear };
    const [cycles, obligations, appeals] = await Promise.all([
      this.#prisma.cycle.findMany({
        where,
        select: {
          id: true,
          status: true,
          person: { select: { flags: true, fte: true, active: true } },
          growthPlan: { select: { summary: true, details: true, goals: { select: { title: true, detail: true, successCriteria: true } } } },
          endOfCycleReview: { select: { recommendations: true, details: true } },
          observations: { where: { countsTowardCap: true }, select: { minutes: true } },
        },
      }),
      this.#prisma.obligation.findMany({ where: { cycle: { ...where, status: { not: 'excluded' } } }, select: { kind: true, optional: true, dueOn: true, status: true, completedAt: true, person: { select: { active: true } } } }),
      this.#prisma.appeal.findMany({ where: { cycle: where }, select: { status: true, outcome: true } }),
    ]);
    return {
      inCycle: cycles
        .filter((c) => c.status !== 'excluded')
        .map((c) => ({
          id: c.id,
          flags: c.person.flags,
          fte: c.person.fte ?? undefined,
          developmentTexts: [
            c.growthPlan?.summary,
            ...textsIn(c.growthPlan?.details),
            ...(c.growthPlan?.goals ?? []).flatMap((g) => [g.title, g.detail, g.successCriteria]),
            c.endOfCycleReview?.recommendations,
            ...textsIn(c.endOfCycleReview?.details),
          ].filter((t): t is string => typeof t === 'string' && t.trim() !== ''),
          observedMinutes: c.observations.reduce((sum, o) => sum + o.minutes, 0),
          leaver: !c.person.active,
        })),
      excluded: cycles.filter((c) => c.status === 'excluded').length,
      excludedLeavers: cycles.filter((c) => c.status === 'excluded' && !c.person.active).length,
      obligations: obligations.map((o) => ({
        kind: o.kind,
        optional: o.optional,
        dueOn: fromDbDate(o.dueOn),
        status: o.status,
        doneOn: o.completedAt === null ? undefined : londonDateOf(o.completedAt),
        leaver: !o.person.active,
      })),
      appeals: appeals.map((a) => ({ status: a.status, outcome: a.outcome ?? undefined })),
    };
  }

  countsByDepartment(schoolId: string, academicYear: number, today: IsoDate) {
    return new PrismaReportReads(this.#prisma).countsByDepartment(schoolId, academicYear, today);
  }

  async planStatements(schoolId: string, academicYear: number): Promise<PlanStatement[]> {
    const plans = await this.#prisma.growthPlan.findMany({
      where: { cycle: { schoolId, academicYear, status: { not: 'excluded' } }, status: { in: ['submitted', 'agreed'] } },
      select: {
        personId: true,
        status: true,
        person: { select: { role: true, flags: true } },
        goals: { orderBy: { position: 'asc' }, select: { kind: true, title: true, detail: true, successCriteria: true } },
      },
      orderBy: { id: 'asc' },
    });
    return plans.map((p) => ({
      personId: p.personId,
      role: p.person.role,
      flags: p.person.flags,
      status: p.status,
      objectives: p.goals.map((g) => ({ kind: g.kind, title: g.title, detail: g.detail ?? undefined, successCriteria: g.successCriteria ?? undefined })),
    }));
  }
}

/** The schools a report is made for: by slug, and the schools of a school's trust. */
export class PrismaGovernorsSchools implements GovernorsSchools {
  readonly #prisma: PrismaClient;
  readonly #schools: PrismaSchoolRepository;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
    this.#schools = new PrismaSchoolRepository(prisma);
  }

  findSchool(slug: string) {
    return this.#schools.findSchool(slug);
  }

  async slugOf(schoolId: string): Promise<string | undefined> {
    return (await this.#prisma.school.findUnique({ where: { id: schoolId }, select: { slug: true } }))?.slug;
  }

  async trustSchoolSlugs(schoolId: string): Promise<string[]> {
    const school = await this.#prisma.school.findUnique({ where: { id: schoolId }, select: { trustId: true } });
    if (school === null) return [];
    const rows = await this.#prisma.school.findMany({ where: school.trustId === null ? { id: schoolId } : { trustId: school.trustId }, orderBy: { name: 'asc' }, select: { slug: true } });
    return rows.map((r) => r.slug);
  }
}

/** Every string inside a JSON value (a plan's policy-specific sections). */
function textsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(textsIn);
  return [];
}
