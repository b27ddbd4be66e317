import type { GraphTenant, TeamsInstallFailure, TeamsTenantEntry, TeamsTenantStore } from '../../core/reach/teams-install-ports.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { PrismaIdentityStore } from './prisma-identity-store.ts';

/**
 * Teams tenants in PostgreSQL: registrations are `school_chat_workspaces` rows (platform `teams`),
 * the very rows the linking rule reads, so `trellis teams tenants` and `trellis school set
 * --teams-tenant` are two doors to one record; a tenant's Graph set-up is its `teams_tenants` row.
 */
export class PrismaTeamsTenants implements TeamsTenantStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async register(schoolId: string, tenantId: string, catalogAppId: string | undefined, by?: string): Promise<{ added: boolean; unlinked: number }> {
    if (catalogAppId !== undefined) {
      await this.#prisma.teamsTenant.upsert({ where: { tenantId }, create: { tenantId, catalogAppId }, update: { catalogAppId } });
    }
    return new PrismaIdentityStore(this.#prisma).recordWorkspace(schoolId, 'teams', tenantId, by);
  }

  async unregister(schoolId: string, tenantId: string, by?: string): Promise<{ removed: boolean; unlinked: number }> {
    return new PrismaIdentityStore(this.#prisma).forgetWorkspace(schoolId, 'teams', tenantId, by);
  }

  async list(): Promise<TeamsTenantEntry[]> {
    const [rows, graph] = await Promise.all([
      this.#prisma.schoolChatWorkspace.findMany({ where: { platform: 'teams' }, select: { tenantId: true, school: { select: { slug: true } } }, orderBy: [{ tenantId: 'asc' }, { createdAt: 'asc' }] }),
      this.#prisma.teamsTenant.findMany({ select: { tenantId: true, catalogAppId: true } }),
    ]);
    const catalog = new Map(graph.map((row) => [row.tenantId, row.catalogAppId ?? undefined]));
    const tenants = new Map<string, TeamsTenantEntry>();
    for (const row of rows) {
      const entry = tenants.get(row.tenantId) ?? { tenantId: row.tenantId, schools: [], catalogAppId: catalog.get(row.tenantId) };
      entry.schools.push(row.school.slug);
      tenants.set(row.tenantId, entry);
    }
    return [...tenants.values()];
  }

  async trustSchools(trustSlug: string): Promise<{ id: string; slug: string }[] | undefined> {
    const trust = await this.#prisma.trust.findUnique({ where: { slug: trustSlug }, select: { schools: { select: { id: true, slug: true }, orderBy: { slug: 'asc' } } } });
    return trust?.schools;
  }

  async graphTenantsOf(schoolId: string): Promise<GraphTenant[]> {
    const tenants = await new PrismaIdentityStore(this.#prisma).workspacesOf(schoolId, 'teams');
    const rows = await this.#prisma.teamsTenant.findMany({ where: { tenantId: { in: tenants }, catalogAppId: { not: null } }, orderBy: { tenantId: 'asc' } });
    return rows.map((row) => ({ tenantId: row.tenantId, catalogAppId: row.catalogAppId! }));
  }

  async recordFailure(personId: string, failure: TeamsInstallFailure): Promise<void> {
    const data = { tenantId: failure.tenant, outcome: failure.outcome, detail: failure.detail, attemptedAt: failure.at };
    await this.#prisma.teamsInstallFailure.upsert({ where: { personId }, create: { personId, ...data }, update: data });
  }

  async clearFailure(personId: string): Promise<void> {
    await this.#prisma.teamsInstallFailure.deleteMany({ where: { personId } });
  }
}
