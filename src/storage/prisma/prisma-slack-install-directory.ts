import type { InstallationDirectory, InstallationSummary } from '../../core/bot/installation-ports.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { removeSlackInstallation } from './prisma-slack-installations.ts';

/** The Slack installs in `slack_installations`, listed with the schools that record them; the sealed tokens are never read. */
export class PrismaSlackInstallDirectory implements InstallationDirectory {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async list(): Promise<InstallationSummary[]> {
    const rows = await this.#prisma.slackInstallation.findMany({
      select: { installKey: true, teamId: true, enterpriseId: true, isEnterpriseInstall: true, installedAt: true },
      orderBy: { installedAt: 'asc' },
    });
    const tenants = rows.map((row) => row.installKey);
    const bindings = await this.#prisma.schoolChatWorkspace.findMany({ where: { platform: 'slack', tenantId: { in: tenants } }, select: { tenantId: true, school: { select: { slug: true } } } });
    return rows.map((row) => {
      // An install serves the tenant of its key only (forTenant): a Grid workspace's own install does not serve its org's id.
      const schools = [...new Set(bindings.filter((b) => b.tenantId === row.installKey).map((b) => b.school.slug))].sort();
      return { key: row.installKey, teamId: row.teamId ?? undefined, enterpriseId: row.enterpriseId ?? undefined, orgWide: row.isEnterpriseInstall, installedAt: row.installedAt, schools };
    });
  }

  remove(key: string): Promise<boolean> {
    return removeSlackInstallation(this.#prisma, key);
  }
}
