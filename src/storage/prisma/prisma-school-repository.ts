import { TermDatesSchema } from '../../core/calendar/term-dates.ts';
import type { Region } from '../../core/calendar/region.ts';
import { parsePolicy } from '../../core/policy/load-policy.ts';
import type { Policy } from '../../core/policy/policy-schema.ts';
import type { HeadReviewerContact } from '../../core/access/relationships.ts';
import type { SchoolChangeAudit, SchoolRepository } from '../../core/ports.ts';
import { storedHeadReviewerContacts } from '../../core/schools/head-reviewer-contacts.ts';
import type { School } from '../../core/schools/school.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';

/** Schools and trusts in PostgreSQL. Policies and term dates are stored as validated JSON. */
export class PrismaSchoolRepository implements SchoolRepository {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async saveSchool(input: Omit<School, 'id'> & { trustName?: string | undefined; audit?: SchoolChangeAudit | undefined }): Promise<{ school: School; created: boolean }> {
    return this.#prisma.$transaction(async (tx) => {
      const trust =
        input.trustSlug === undefined
          ? undefined
          : await tx.trust.upsert({
              where: { slug: input.trustSlug },
              create: { slug: input.trustSlug, name: input.trustName ?? input.trustSlug },
              update: input.trustName === undefined ? {} : { name: input.trustName },
            });
      const existing = await tx.school.findUnique({ where: { slug: input.slug }, select: { id: true } });
      const data = {
        name: input.name,
        policy: input.policy,
        policySource: input.policySource,
        termDates: input.termDates,
        region: input.region,
        trustId: trust?.id ?? null,
      };
      const row = existing
        ? await tx.school.update({ where: { id: existing.id }, data })
        : await tx.school.create({ data: { slug: input.slug, ...data } });
      await tx.auditEvent.create({
        data: { schoolId: row.id, action: existing ? 'school.updated' : 'school.created', subjectType: 'school', subjectId: row.id, details: { policySource: input.policySource, ...(input.audit === undefined ? {} : { by: input.audit.by, ...input.audit.details }) } },
      });
      return { school: { ...input, id: row.id }, created: existing === null };
    });
  }

  async headReviewerContacts(schoolId: string): Promise<HeadReviewerContact[]> {
    const row = await this.#prisma.school.findUnique({ where: { id: schoolId }, select: { headReviewerContacts: true } });
    return storedHeadReviewerContacts(row?.headReviewerContacts);
  }

  async setHeadReviewerContacts(schoolId: string, contacts: readonly HeadReviewerContact[]): Promise<void> {
    await this.#prisma.$transaction([
      this.#prisma.school.update({ where: { id: schoolId }, data: { headReviewerContacts: contacts.map((c) => ({ member: c.member, fullName: c.fullName, ...(c.email === undefined ? {} : { email: c.email }) })) } }),
      this.#prisma.auditEvent.create({ data: { schoolId, action: 'school.head-reviewer-contacts', subjectType: 'school', subjectId: schoolId, details: { count: contacts.length } } }),
    ]);
  }

  findSchool(slug: string): Promise<School | undefined> {
    return this.#find({ slug });
  }

  /** A school by its id, read the same way as by its slug. */
  findSchoolById(id: string): Promise<School | undefined> {
    return this.#find({ id });
  }

  async #find(where: { slug: string } | { id: string }): Promise<School | undefined> {
    const row = await this.#prisma.school.findUnique({ where, include: { trust: true } });
    if (row === null) return undefined;
    return schoolOf({ id: row.id, slug: row.slug, name: row.name, trust_slug: row.trust?.slug ?? null, policy: row.policy, policy_source: row.policySource, term_dates: row.termDates, region: row.region });
  }
}

/** A school's stored row (`schools` with its trust's slug), as a `School`: what every adapter reads it as. */
export function schoolOf(row: { id: string; slug: string; name: string; trust_slug: string | null; policy: unknown; policy_source: string; term_dates: unknown; region: string }): School {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    trustSlug: row.trust_slug ?? undefined,
    policy: storedPolicy(row.slug, row.policy),
    policySource: row.policy_source,
    termDates: TermDatesSchema.parse(row.term_dates),
    region: row.region as Region,
  };
}

/** A school's stored policy, parsed; a policy that no longer validates is an error naming the school. */
export function storedPolicy(slug: string, stored: unknown): Policy {
  const policy = parsePolicy(stored);
  if (!policy.ok) throw new Error(`The stored policy of school "${slug}" no longer validates: ${policy.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return policy.value;
}
