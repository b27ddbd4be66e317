import type { WorkspaceInstallation, WorkspaceInstallations } from '../../core/bot/installation-ports.ts';
import { openSecret, sealSecret } from '../crypto/secret-box.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';

/** The audit event of an install (or reinstall) through "Add to Slack", naming who installed it. */
export const SLACK_INSTALLED = 'slack.installed';

type Row = { installKey: string; teamId: string | null; enterpriseId: string | null; isEnterpriseInstall: boolean; secret: string };

/**
 * Slack installs in `slack_installations`. The installation Slack handed over (its bot token) is
 * sealed with AES-256-GCM under TRELLIS_ENCRYPTION_KEY before it is written and opened when read,
 * bound to the row's key; nothing else here ever holds it in plain text.
 */
export class PrismaSlackInstallations implements WorkspaceInstallations {
  readonly #prisma: PrismaClient;
  readonly #key: Buffer;

  constructor(prisma: PrismaClient, encryptionKey: Buffer) {
    this.#prisma = prisma;
    this.#key = encryptionKey;
  }

  async save(installation: WorkspaceInstallation): Promise<void> {
    const fields = {
      teamId: installation.teamId ?? null,
      enterpriseId: installation.enterpriseId ?? null,
      isEnterpriseInstall: installation.orgWide,
      secret: sealSecret(this.#key, installation.secret, installation.key),
    };
    // Who installed it is kept beside the sealed install, in the audit trail, so the console can say so without opening it.
    const installed = { action: SLACK_INSTALLED, subjectType: 'slack-install', subjectId: installation.key, details: { installedBy: installation.installedBy ?? null } };
    await this.#prisma.$transaction([
      this.#prisma.slackInstallation.upsert({ where: { installKey: installation.key }, create: { installKey: installation.key, ...fields }, update: fields }),
      this.#prisma.auditEvent.create({ data: installed }),
    ]);
  }

  async find(key: string): Promise<WorkspaceInstallation | undefined> {
    const row = await this.#prisma.slackInstallation.findUnique({ where: { installKey: key } });
    return row === null ? undefined : this.#open(row);
  }

  forTenant(tenant: string): Promise<WorkspaceInstallation | undefined> {
    // Only the install with that key: an org id is served by its org-wide install alone, never
    // borrowed from a workspace of the org installed on its own (whose people's requests arrive
    // under that workspace's id, so they could not answer a link made under the org's).
    return this.find(tenant);
  }

  remove(key: string): Promise<boolean> {
    return removeSlackInstallation(this.#prisma, key);
  }

  #open(row: Row): WorkspaceInstallation {
    return {
      key: row.installKey,
      teamId: row.teamId ?? undefined,
      enterpriseId: row.enterpriseId ?? undefined,
      orgWide: row.isEnterpriseInstall,
      secret: openSecret(this.#key, row.secret, row.installKey),
    };
  }
}

/** Forgets a Slack install (uninstalled, revoked, or removed by `trellis slack installs --remove`); true if there was one. */
export async function removeSlackInstallation(prisma: PrismaClient, key: string): Promise<boolean> {
  const { count } = await prisma.slackInstallation.deleteMany({ where: { installKey: key } });
  return count > 0;
}
