import type { Config } from './config/load-config.ts';
import type { PeopleFacts } from './core/access/access-ports.ts';
import type { Metrics } from './core/metrics/metrics.ts';
import type { NotificationQueue } from './core/notifications/notification-queue.ts';
import type { ReminderStore } from './core/reminders/reminder-ports.ts';
import type { SweepDeps } from './core/reminders/run-sweep.ts';
import type { School } from './core/schools/school.ts';
import type { Clock } from './core/time/clock.ts';
import { type OpenSqlDatabase, openSqlDatabase } from './storage/db/open-sql-database.ts';
import { driverRunner } from './storage/db/sql.ts';
import { PgNotificationQueue } from './storage/pg/pg-notification-queue.ts';
import { PgPeopleFacts } from './storage/pg/pg-people-facts.ts';
import { PgSchoolReads } from './storage/pg/pg-school-reads.ts';
import { PgSweepStore } from './storage/pg/pg-sweep-store.ts';

/** What a sweep of schools runs on: `sweepSchools`'s dependencies. */
export type SweepSchoolsDeps = SweepDeps & { findSchool(slug: string): Promise<School | undefined> };

/**
 * The sweep's dependencies from its storage: the reminder store, the schools, and the head's
 * reviewers (002 §22–24, 003 §6.3, 004 §9.1), reached in chat on the roster and by e-mail when SMTP
 * is configured. The one place they are put together, for the server's job worker (over Prisma's
 * client and its pool, `compose-app.ts`) and for `trellis sweep` (over a pool alone, below).
 */
export function sweepDepsOf(
  config: Pick<Config, 'smtp'>,
  storage: { reminders: ReminderStore; findSchool(slug: string): Promise<School | undefined>; facts: Pick<PeopleFacts, 'factsOf'>; queue: Pick<NotificationQueue, 'queue'> },
  clock: Clock,
  metrics: Metrics | undefined,
): SweepSchoolsDeps {
  return {
    reminders: storage.reminders,
    clock,
    findSchool: storage.findSchool,
    metrics,
    headReviewers: { facts: storage.facts, queue: storage.queue, emailEnabled: config.smtp !== undefined },
  };
}

/** The sweep's storage on a `pg` pool of its own: what `trellis sweep` needs when it delivers nothing itself. */
export interface SweepStorage {
  database: Omit<OpenSqlDatabase, 'close'>;
  reminders: ReminderStore;
  sweep: SweepSchoolsDeps;
  close(): Promise<void>;
}

/**
 * Opens the database (embedded unless DATABASE_URL is set; migrated) with a `pg` pool and the
 * sweep's adapters on it, and no Prisma client: the process loads neither Prisma's client nor its
 * query compiler (`trellis sweep` with no chat channel configured, and `--dry-run`).
 */
export async function openSweepStorage(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'smtp'>, clock: Clock): Promise<SweepStorage> {
  const database = await openSqlDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const runner = driverRunner(database.sql.driver);
  const reminders = new PgSweepStore(runner);
  const schools = new PgSchoolReads(runner);
  const sweep = sweepDepsOf(
    config,
    {
      reminders,
      findSchool: (slug) => schools.findSchool(slug),
      facts: new PgPeopleFacts(runner, { prepare: false }),
      queue: new PgNotificationQueue(database.sql.transactions),
    },
    clock,
    undefined,
  );
  return { database, reminders, sweep, close: () => database.close() };
}
