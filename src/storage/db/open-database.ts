import { createPrismaClient, type PrismaClient } from './create-prisma-client.ts';
import { type OpenDatabaseOptions, type StartedDatabase, startDatabase } from './open-sql-database.ts';

export type { OpenDatabaseOptions } from './open-sql-database.ts';

export interface OpenDatabase extends Omit<StartedDatabase, 'stop'> {
  prisma: PrismaClient;
  /** Disconnects Prisma and stops the embedded server if there is one. */
  close(): Promise<void>;
}

/**
 * Opens the database Trellis runs on (`startDatabase`: the configured DATABASE_URL, or an embedded
 * PostgreSQL under the data folder, migrated) with a Prisma client over a `pg` pool of its own.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenDatabase> {
  const { stop, ...started } = await startDatabase(options);
  const prisma = createPrismaClient(started.url);
  return {
    ...started,
    prisma,
    async close() {
      try {
        await prisma.$disconnect();
      } finally {
        await stop();
      }
    },
  };
}
