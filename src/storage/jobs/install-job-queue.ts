import { Logger, runMigrations } from 'graphile-worker';

const quiet = new Logger(() => () => {});

/**
 * Installs or upgrades graphile-worker's own schema (`graphile_worker`), which it versions and
 * locks itself: Prisma's migrations own `public`, graphile-worker owns its schema, and both are
 * brought up to date before anything touches the database.
 */
export async function installJobQueue(databaseUrl: string): Promise<void> {
  await runMigrations({ connectionString: databaseUrl, logger: quiet });
}
