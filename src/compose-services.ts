import type { Config } from './config/load-config.ts';
import type { ObligationRepository, RosterRepository, SchoolRepository } from './core/ports.ts';
import { type Clock, systemClock } from './core/time/clock.ts';
import { type OpenDatabase, openDatabase } from './storage/db/open-database.ts';
import type { DigestOutbox, ReminderStore } from './core/reminders/reminder-ports.ts';
import { PrismaReminderStore } from './storage/prisma/prisma-reminder-store.ts';
import type { PersonRecordsStore } from './core/records/records-ports.ts';
import { PrismaRecordsStore } from './storage/prisma/prisma-records-store.ts';
import type { RetentionStore } from './core/retention/retention-ports.ts';
import { PrismaRetentionStore } from './storage/prisma/prisma-retention-store.ts';
import { PrismaObligationRepository } from './storage/prisma/prisma-obligation-repository.ts';
import { PrismaRosterRepository } from './storage/prisma/prisma-roster-repository.ts';
import { PrismaSchoolRepository } from './storage/prisma/prisma-school-repository.ts';
import type { GovernorsReportReads } from './core/reports/governors-ports.ts';
import { PrismaGovernorsReads } from './storage/prisma/prisma-governors-reads.ts';
import type { ReachReads } from './core/reach/reach.ts';
import { PrismaReachReads } from './storage/prisma/prisma-reach-reads.ts';
import { PrismaSlackInstallDirectory } from './storage/prisma/prisma-slack-install-directory.ts';
import type { InstallationDirectory } from './core/bot/installation-ports.ts';
import type { TeamsTenantStore } from './core/reach/teams-install-ports.ts';
import { PrismaTeamsTenants } from './storage/prisma/prisma-teams-tenants.ts';
import type { PeopleFacts } from './core/access/access-ports.ts';
import { PrismaPeopleFacts } from './storage/prisma/prisma-access-relationships.ts';
import { PrismaAdminDirectory } from './storage/prisma/prisma-admin-directory.ts';
import type { KeptCountsStore } from './core/reports/kept-counts.ts';
import { PrismaKeptCounts } from './storage/prisma/prisma-kept-counts.ts';

/** Everything the core needs, wired to real storage. The one place that picks implementations. */
export interface Services {
  database: OpenDatabase;
  clock: Clock;
  schools: SchoolRepository;
  roster: RosterRepository;
  obligations: ObligationRepository;
  reminders: ReminderStore;
  /** Everything held about a person, for `my-records` and `trellis export person`. */
  records: PersonRecordsStore;
  /** Destroys records whose retention period has run out (`trellis retention`, the daily job). */
  retention: RetentionStore;
  /** The governors' report's figures and moderation's plans (`trellis report governors`, `/growth report governors`). */
  governors: GovernorsReportReads;
  /** The outbox's delivery side: what the job engine's deliveries read and mark. */
  outbox: DigestOutbox;
  /** Who can be reached on which chat platform (`trellis reach`). */
  reach: ReachReads;
  /** The Slack workspaces Trellis was installed in through "Add to Slack" (`trellis slack installs`). */
  slackInstalls: InstallationDirectory;
  /** The Teams tenants each school registered, their Graph set-up, and failed installs (`trellis teams`). */
  teamsTenants: TeamsTenantStore;
  /** The facts behind who is who (`relationshipsOn`), for `trellis timeline --school … --email …`. */
  people: PeopleFacts;
  /** Who may use the admin console, and its audit events (`trellis admins`, `/admin`). */
  admins: PrismaAdminDirectory;
  /** Recounts the counts the database keeps for `summary` and `overdue` (`trellis recount`, the nightly job). */
  keptCounts: KeptCountsStore;
  close(): Promise<void>;
}

export async function openServices(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'smtp'>, clock: Clock = systemClock): Promise<Services> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const reminders = new PrismaReminderStore(database.prisma);
  return {
    database,
    clock,
    schools: new PrismaSchoolRepository(database.prisma),
    roster: new PrismaRosterRepository(database.prisma),
    obligations: new PrismaObligationRepository(database.prisma),
    reminders,
    outbox: reminders,
    records: new PrismaRecordsStore(database.prisma),
    retention: new PrismaRetentionStore(database.prisma),
    governors: new PrismaGovernorsReads(database.prisma),
    reach: new PrismaReachReads(database.prisma, { emailConfigured: config.smtp !== undefined }),
    slackInstalls: new PrismaSlackInstallDirectory(database.prisma),
    teamsTenants: new PrismaTeamsTenants(database.prisma),
    people: new PrismaPeopleFacts(database.prisma),
    admins: new PrismaAdminDirectory(database.prisma),
    keptCounts: new PrismaKeptCounts(database.prisma),
    close: () => database.close(),
  };
}
