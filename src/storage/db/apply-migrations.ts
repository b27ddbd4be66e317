import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { installJobQueue } from '../jobs/install-job-queue.ts';
import { defaultMigrationsDir, type MigrationFile, readMigrationFiles } from './migration-files.ts';

/**
 * The advisory lock key `prisma migrate deploy` takes, so Prisma's CLI and Trellis never migrate
 * the same database at the same time.
 */
export const PRISMA_ADVISORY_LOCK_ID = 72707369;

// Prisma's own bookkeeping table, column for column, so `prisma migrate status/deploy` on a
// machine with the native engine reads our history as its own.
const createMigrationsTable = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Applies the pending migrations in `migrationsDir` to the database, the way `prisma migrate
 * deploy` does, and returns the names of those it applied (empty when already up to date).
 *
 * Each migration runs in its own transaction together with its `_prisma_migrations` row, so a
 * failure leaves neither half-applied DDL nor a "failed" row behind. (A migration that cannot run
 * inside a transaction, such as CREATE INDEX CONCURRENTLY, is therefore not supported.)
 */
export async function applyMigrations(
  databaseUrl: string,
  migrationsDir: string = defaultMigrationsDir,
): Promise<string[]> {
  const migrations = readMigrationFiles(migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let pending: MigrationFile[];
  try {
    // Session-level lock: a second process waits here until the first has finished, then finds
    // nothing left to do.
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_ID]);
    try {
      await client.query(createMigrationsTable);
      const applied = await readAppliedMigrations(client);
      pending = findPendingMigrations(migrations, applied);
      for (const migration of pending) await applyOne(client, migration);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_ID]);
    }
  } finally {
    await client.end();
  }
  // The job engine's schema comes with the tables whose rows queue its jobs.
  await installJobQueue(databaseUrl);
  return pending.map((migration) => migration.name);
}

async function readAppliedMigrations(client: pg.Client): Promise<AppliedRow[]> {
  // Rolled-back rows (marked by `prisma migrate resolve --rolled-back`) count as not applied.
  const result = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"
      WHERE rolled_back_at IS NULL ORDER BY started_at`,
  );
  return result.rows;
}

function findPendingMigrations(migrations: MigrationFile[], applied: AppliedRow[]): MigrationFile[] {
  const failed = applied.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `Migration ${failed.migration_name} started but never finished (a failed \`prisma migrate deploy\`?). ` +
        'Fix the database by hand, then mark it with `prisma migrate resolve`, before starting Trellis.',
    );
  }
  const appliedByName = new Map(applied.map((row) => [row.migration_name, row]));
  const changed = migrations.filter((m) => {
    const row = appliedByName.get(m.name);
    return row !== undefined && row.checksum !== m.checksum;
  });
  if (changed.length > 0) {
    throw new MigrationError(
      `These migrations were changed after they were applied to the database: ${changed.map((m) => m.name).join(', ')}. ` +
        'An applied migration must never be edited; restore the original file and add a new migration for the change.',
    );
  }
  return migrations.filter((m) => !appliedByName.has(m.name));
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  await client.query('BEGIN');
  try {
    // Simple-query protocol (no parameters) so a multi-statement script runs as one call.
    await client.query(migration.sql);
    // started_at is the transaction's start (now()), finished_at the wall clock after the script.
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${reason}`, { cause: error });
  }
}
