import { join } from 'node:path';
import { applyMigrations } from './apply-migrations.ts';
import { startEmbeddedDatabase } from './embedded-database.ts';
import { createSqlPool, type SqlPool } from './sql-pool.ts';

export interface OpenDatabaseOptions {
  /** An external PostgreSQL; when absent an embedded server is started. */
  databaseUrl?: string | undefined;
  /** Trellis's data folder; the embedded server keeps its files in `<dataDir>/postgres`. */
  dataDir: string;
}

/** The database Trellis runs on, started if embedded and migrated. */
export interface StartedDatabase {
  url: string;
  /** True when Trellis started its own embedded PostgreSQL. */
  embedded: boolean;
  /** The migrations this start-up applied (empty when the schema was already current). */
  appliedMigrations: string[];
  /** Stops the embedded server if there is one. */
  stop(): Promise<void>;
}

/**
 * The configured DATABASE_URL, or an embedded PostgreSQL under the data folder, with every pending
 * migration applied before anything else touches it.
 */
export async function startDatabase(options: OpenDatabaseOptions): Promise<StartedDatabase> {
  const embedded = options.databaseUrl ? undefined : await startEmbeddedDatabase({ dataDir: join(options.dataDir, 'postgres') });
  const url = options.databaseUrl ?? embedded!.url;
  let appliedMigrations: string[];
  try {
    appliedMigrations = await applyMigrations(url);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return { url, embedded: embedded !== undefined, appliedMigrations, stop: async () => embedded?.stop() };
}

/** The database with a `pg` pool of its own and no Prisma client (`trellis sweep`'s storage). */
export interface OpenSqlDatabase extends Omit<StartedDatabase, 'stop'> {
  sql: SqlPool;
  /** Closes the pool and stops the embedded server if there is one. */
  close(): Promise<void>;
}

export async function openSqlDatabase(options: OpenDatabaseOptions): Promise<OpenSqlDatabase> {
  const { stop, ...started } = await startDatabase(options);
  const sql = createSqlPool(started.url);
  return {
    ...started,
    sql,
    async close() {
      try {
        await sql.pool.end();
      } finally {
        await stop();
      }
    },
  };
}
