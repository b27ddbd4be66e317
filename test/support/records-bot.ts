import { TrellisBot, type TrellisBotDeps } from '../../src/core/bot/trellis-bot.ts';
import { ALL_DIALOGS } from '../../src/core/conversations/dialogs/all-dialogs.ts';
import { ConversationEngine } from '../../src/core/conversations/engine/run-turn.ts';
import { PersonalRecordsRequests } from '../../src/core/records/my-records.ts';
import { ObligationReminderActions } from '../../src/core/reminders/reminder-actions.ts';
import { CycleReports } from '../../src/core/reports/cycle-reports.ts';
import type { Clock } from '../../src/core/time/clock.ts';
import type { PrismaClient } from '../../src/storage/db/create-prisma-client.ts';
import { prismaAccess } from '../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaConversationStore } from '../../src/storage/prisma/prisma-conversation-store.ts';
import { PrismaIdentityStore } from '../../src/storage/prisma/prisma-identity-store.ts';
import { PrismaRecordsStore } from '../../src/storage/prisma/prisma-records-store.ts';
import { PrismaReminderActionsStore } from '../../src/storage/prisma/prisma-reminder-actions-store.ts';
import { PrismaReportReads } from '../../src/storage/prisma/prisma-report-reads.ts';
import { PrismaRetentionStore } from '../../src/storage/prisma/prisma-retention-store.ts';
import { PrismaSchoolRepository } from '../../src/storage/prisma/prisma-school-repository.ts';

/** The bot over real storage as the app builds it, with whatever else a test wires in (`extra`). */
export function storageBot(prisma: PrismaClient, clock: Clock, extra: Partial<TrellisBotDeps> = {}): TrellisBot {
  return new TrellisBot({
    engine: new ConversationEngine({ store: new PrismaConversationStore(prisma), clock, dialogs: ALL_DIALOGS }),
    dialogs: ALL_DIALOGS,
    identities: new PrismaIdentityStore(prisma),
    reports: new CycleReports(new PrismaReportReads(prisma), prismaAccess(prisma)),
    actions: new ObligationReminderActions(new PrismaReminderActionsStore(prisma)),
    clock,
    ...extra,
  });
}

/** The bot over real storage with `my-records` and `delete-expired` wired, as the app has them. */
export function recordsBot(prisma: PrismaClient, clock: Clock): TrellisBot {
  return storageBot(prisma, clock, {
    records: new PersonalRecordsRequests(new PrismaRecordsStore(prisma), {
      store: new PrismaRetentionStore(prisma),
      findSchool: (slug) => new PrismaSchoolRepository(prisma).findSchool(slug),
      clock,
    }),
  });
}
