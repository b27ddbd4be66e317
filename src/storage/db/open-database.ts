import { join } from 'node:path';
import { applyMigrations } from './apply-migrations.ts';
import { createPrismaClient, type PrismaClient } from './create-prisma-client.ts';
import { startEmbeddedDatabase } from './embedded-database.ts';

export interface OpenDatabaseOptions {
  /** An external PostgreSQL; when absent an embedded server is started. */
  databaseUrl?: string | undefined;
  /** Trellis's data folder; the embedded server keeps its files in `<dataDir>/postgres`. */
  dataDir: string;
}

export interface OpenDatabase {
  url: string;
  /** True when Trellis started its own embedded PostgreSQL. */
  embedded: boolean;
  /** The migrations this start-up applied (empty when the schema was already current). */
  appliedMigrations: string[];
  prisma: PrismaClient;
  /** Disconnects Prisma and stops the embedded server if there is one. */
  close(): Promise<void>;
}

/**
 * Opens the database Trellis runs on: the configured DATABASE_URL, or an embedded PostgreSQL
 * under the data folder, with every pending migration applied before anything else touches it.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenDatabase> {
  const embedded = options.databaseUrl
    ? undefined
    : await startEmbeddedDatabase({ dataDir: join(options.dataDir, 'postgres') });
  const url = options.databaseUrl ?? embedded!.url;
  let appliedMigrations: string[];
  try {
    appliedMigrations = await applyMigrations(url);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const prisma = createPrismaClient(url);
  return {
    url,
    embedded: embedded !== undefined,
    appliedMigrations,
    prisma,
    async close() {
      try {
        await prisma.$disconnect();
      } finally {
        await embedded?.stop();
      }
    },
  };
}
