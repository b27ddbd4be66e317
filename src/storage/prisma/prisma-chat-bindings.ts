import type { ChatBinding, ChatBindings, InstalledBy } from '../../core/admin/admin-ports.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { PrismaIdentityStore } from './prisma-identity-store.ts';
import { SLACK_INSTALLED } from './prisma-slack-installations.ts';
import { PrismaTeamsTenants } from './prisma-teams-tenants.ts';

/**
 * The Slack workspaces / Grid orgs and Teams tenants recorded for a school (`school_chat_workspaces`),
 * with their Slack installs (`slack_installations`, tokens never read) and Teams registrations (`teams_tenants`).
 */
export class PrismaChatBindings implements ChatBindings {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async boundTo(schoolId: string): Promise<ChatBinding[]> {
    const school = await this.#prisma.school.findUnique({ where: { id: schoolId }, select: { trustId: true } });
    if (school === null) return [];
    // As the identity store counts them: recorded for this school, or for any school of its trust.
    const schools = school.trustId === null ? { id: schoolId } : { OR: [{ id: schoolId }, { trustId: school.trustId }] };
    const rows = await this.#prisma.schoolChatWorkspace.findMany({ where: { school: schools }, include: { school: { select: { id: true, name: true } } }, orderBy: [{ platform: 'asc' }, { createdAt: 'asc' }] });
    const slackIds = rows.filter((row) => row.platform === 'slack').map((row) => row.tenantId);
    const teamsIds = rows.filter((row) => row.platform === 'teams').map((row) => row.tenantId);
    const [installs, tenants] = await Promise.all([
      slackIds.length === 0
        ? []
        : this.#prisma.slackInstallation.findMany({
            where: { installKey: { in: slackIds } },
            select: { installKey: true, teamId: true, enterpriseId: true, isEnterpriseInstall: true, installedAt: true },
          }),
      teamsIds.length === 0 ? [] : this.#prisma.teamsTenant.findMany({ where: { tenantId: { in: teamsIds } } }),
    ]);
    const installers = await this.#installers(installs.map((i) => i.installKey));
    return rows.map((row): ChatBinding => {
      if (row.platform === 'teams') {
        const tenant = tenants.find((t) => t.tenantId === row.tenantId);
        return { platform: 'teams', tenantId: row.tenantId, recordedAt: row.createdAt, recordedFor: row.school.name, recordedForSchoolId: row.school.id, teamsTenant: tenant === undefined ? undefined : { registeredAt: tenant.createdAt, graphInstalls: tenant.catalogAppId !== null } };
      }
      // The install that serves it: the one with its key (WorkspaceInstallations.forTenant).
      const install = installs.find((i) => i.installKey === row.tenantId);
      return {
        platform: 'slack',
        tenantId: row.tenantId,
        recordedAt: row.createdAt,
        recordedFor: row.school.name,
        recordedForSchoolId: row.school.id,
        slackInstall: install === undefined ? undefined : { key: install.installKey, teamId: install.teamId ?? undefined, enterpriseId: install.enterpriseId ?? undefined, orgWide: install.isEnterpriseInstall, installedAt: install.installedAt, installedBy: installers.get(install.installKey) },
      };
    });
  }

  record(schoolId: string, platform: 'slack' | 'teams', tenant: string, by: string): Promise<{ added: boolean; unlinked: number }> {
    // The command line's own calls: `trellis school set --slack-team` and `trellis teams tenants add`.
    return platform === 'slack' ? new PrismaIdentityStore(this.#prisma).recordWorkspace(schoolId, 'slack', tenant, by) : new PrismaTeamsTenants(this.#prisma).register(schoolId, tenant, undefined, by);
  }

  remove(schoolId: string, platform: 'slack' | 'teams', tenant: string, by: string): Promise<{ removed: boolean; unlinked: number }> {
    return platform === 'slack' ? new PrismaIdentityStore(this.#prisma).forgetWorkspace(schoolId, 'slack', tenant, by) : new PrismaTeamsTenants(this.#prisma).unregister(schoolId, tenant, by);
  }

  async trustSchools(trustSlug: string): Promise<{ id: string; slug: string }[]> {
    return (await new PrismaTeamsTenants(this.#prisma).trustSchools(trustSlug)) ?? [];
  }

  /** Who last installed each install (its latest `slack.installed` event), named when their Slack account is linked to a roster person. */
  async #installers(keys: readonly string[]): Promise<Map<string, InstalledBy>> {
    if (keys.length === 0) return new Map();
    const events = await this.#prisma.auditEvent.findMany({ where: { action: SLACK_INSTALLED, subjectId: { in: [...keys] } }, orderBy: { at: 'desc' }, select: { subjectId: true, details: true } });
    const latest = new Map<string, string>();
    for (const event of events) {
      const by = (event.details as { installedBy?: unknown } | null)?.installedBy;
      if (event.subjectId !== null && !latest.has(event.subjectId) && typeof by === 'string') latest.set(event.subjectId, by);
    }
    const linked = await this.#prisma.platformIdentity.findMany({
      where: { platform: 'slack', OR: [...latest].map(([key, userId]) => ({ tenantId: key, platformUserId: userId })) },
      select: { tenantId: true, platformUserId: true, person: { select: { fullName: true } } },
    });
    return new Map(
      [...latest].map(([key, userId]) => [key, { userId, name: linked.find((l) => l.tenantId === key && l.platformUserId === userId)?.person.fullName }]),
    );
  }
}
