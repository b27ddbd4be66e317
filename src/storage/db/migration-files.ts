import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's own migrations, resolved from this file so the working directory is irrelevant. */
export const defaultMigrationsDir = fileURLToPath(new URL('../../../prisma/migrations/', import.meta.url));

export interface MigrationFile {
  /** The folder name, e.g. `20261123140000_init`: Prisma's `migration_name`. */
  name: string;
  sql: string;
  /** sha256 hex of migration.sql, exactly what `prisma migrate deploy` records. */
  checksum: string;
}

/**
 * The migration folders in Prisma's layout, in the order Prisma applies them (lexical order of
 * the timestamped folder names). Folders without a migration.sql are skipped, as Prisma does.
 */
export function readMigrationFiles(migrationsDir: string): MigrationFile[] {
  if (!existsSync(migrationsDir)) throw new Error(`No migrations folder at ${migrationsDir}.`);
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(migrationsDir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(migrationsDir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    });
}
