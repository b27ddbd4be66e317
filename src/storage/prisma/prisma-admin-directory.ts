import type { AdminGrant, AdminSchoolRef } from '../../core/admin/admin-access.ts';
import type { AdminAudit, AdminAuditEntry, AdminDirectory, AdminGrants, AdminScope, SchoolAdministrator } from '../../core/admin/admin-ports.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';

/** A grant as `trellis admins list` shows it. */
export interface AdminGrantRow {
  email: string;
  school?: string | undefined;
  trust?: string | undefined;
  createdAt: Date;
}

/** `admin_grants` in PostgreSQL, and the console's audit events in `audit_events`. */
export class PrismaAdminDirectory implements AdminDirectory, AdminAudit, AdminGrants {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async grantsOf(email: string): Promise<AdminGrant[]> {
    const rows = await this.#prisma.adminGrant.findMany({ where: { email }, select: { schoolId: true, trustId: true } });
    return rows.map((row) => ({ schoolId: row.schoolId ?? undefined, trustId: row.trustId ?? undefined }));
  }

  async schoolsOf(grants: readonly AdminGrant[]): Promise<AdminSchoolRef[]> {
    const schoolIds = grants.flatMap((grant) => (grant.schoolId === undefined ? [] : [grant.schoolId]));
    const trustIds = grants.flatMap((grant) => (grant.trustId === undefined ? [] : [grant.trustId]));
    const rows = await this.#prisma.school.findMany({
      where: { OR: [{ id: { in: schoolIds } }, { trustId: { in: trustIds } }] },
      select: { id: true, slug: true, name: true, trustId: true, trust: { select: { name: true, slug: true } } },
      orderBy: { name: 'asc' },
    });
    return rows.map((row) => ({ id: row.id, slug: row.slug, name: row.name, trustId: row.trustId ?? undefined, trustName: row.trust?.name, trustSlug: row.trust?.slug }));
  }

  async record(entry: AdminAuditEntry): Promise<void> {
    await this.#prisma.auditEvent.create({ data: { schoolId: entry.schoolId, action: entry.action, subjectType: 'school', subjectId: entry.schoolId, details: { by: entry.by, ...entry.details } } });
  }

  async administratorsOf(school: { id: string; trustId?: string | undefined }): Promise<SchoolAdministrator[]> {
    const rows = await this.#prisma.adminGrant.findMany({
      where: { OR: [{ schoolId: school.id }, ...(school.trustId === undefined ? [] : [{ trustId: school.trustId }])] },
      orderBy: [{ email: 'asc' }, { createdAt: 'asc' }],
    });
    return rows.map((row) => ({ email: row.email, scope: row.schoolId === null ? 'trust' : 'school', since: row.createdAt }));
  }

  /**
   * Names an administrator of a school or of a trust; false when the school or trust does not
   * exist. Adding twice changes nothing. `by`: the administrator who did it in the console.
   */
  async add(email: string, scope: AdminScope, by?: string): Promise<{ found: boolean; added: boolean }> {
    return this.#prisma.$transaction(async (tx) => {
      const target = 'school' in scope ? await tx.school.findUnique({ where: { slug: scope.school }, select: { id: true } }) : await tx.trust.findUnique({ where: { slug: scope.trust }, select: { id: true } });
      if (target === null) return { found: false, added: false };
      const where = 'school' in scope ? { email, schoolId: target.id } : { email, trustId: target.id };
      if ((await tx.adminGrant.findFirst({ where })) !== null) return { found: true, added: false };
      await tx.adminGrant.create({ data: where });
      await tx.auditEvent.create({ data: { schoolId: 'school' in scope ? target.id : null, action: 'admin.added', subjectType: 'school' in scope ? 'school' : 'trust', subjectId: target.id, details: { email, ...(by === undefined ? {} : { by }) } } });
      return { found: true, added: true };
    });
  }

  /**
   * Removes an administrator's grant for a school or trust, and ends their console sessions at once
   * (in the same transaction: a copied cookie stops working too); how many grants were removed.
   */
  async remove(email: string, scope: AdminScope, now: Date, by?: string): Promise<number> {
    return this.#prisma.$transaction(async (tx) => {
      const where = 'school' in scope ? { email, school: { slug: scope.school } } : { email, trust: { slug: scope.trust } };
      const grants = await tx.adminGrant.findMany({ where, select: { id: true, schoolId: true, trustId: true } });
      if (grants.length === 0) return 0;
      await tx.adminGrant.deleteMany({ where: { id: { in: grants.map((grant) => grant.id) } } });
      await tx.adminSession.updateMany({ where: { email, endedAt: null }, data: { endedAt: now } });
      for (const grant of grants) {
        await tx.auditEvent.create({ data: { schoolId: grant.schoolId, action: 'admin.removed', subjectType: grant.schoolId === null ? 'trust' : 'school', subjectId: grant.schoolId ?? grant.trustId, details: { email, ...(by === undefined ? {} : { by }) } } });
      }
      return grants.length;
    });
  }

  async list(): Promise<AdminGrantRow[]> {
    const rows = await this.#prisma.adminGrant.findMany({ include: { school: { select: { slug: true } }, trust: { select: { slug: true } } }, orderBy: [{ email: 'asc' }, { createdAt: 'asc' }] });
    return rows.map((row) => ({ email: row.email, school: row.school?.slug, trust: row.trust?.slug, createdAt: row.createdAt }));
  }
}
