// vitest globalSetup: one PostgreSQL server for the whole run and a migrated template database
// that every test file clones (CREATE DATABASE … TEMPLATE is a fast file copy), so each file gets
// a clean, fully migrated database of its own without re-running migrations.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../../src/storage/db/apply-migrations.ts';
import { startEmbeddedDatabase } from '../../src/storage/db/embedded-database.ts';
import { databaseUrlFor } from './database-url-for.ts';

export const TEMPLATE_DATABASE = 'trellis_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a maintenance database on the test server, for CREATE/DROP DATABASE. */
    testDatabaseAdminUrl: string;
    /** Name of the migrated template database to clone. */
    testDatabaseTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_DATABASE_URL;
  let teardown: () => Promise<void> = async () => {};
  let adminUrl: string;
  if (external) {
    adminUrl = external;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-test-pg-'));
    // mkdtemp makes a 0700 folder; when running as root Postgres runs as the `postgres` user
    // and must be able to reach its data folder inside it.
    chmodSync(dir, 0o755);
    const server = await startEmbeddedDatabase({ dataDir: join(dir, 'data'), database: 'postgres', unsafeFast: true });
    adminUrl = server.adminUrl;
    teardown = async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }

  try {
    await recreateDatabase(adminUrl, TEMPLATE_DATABASE);
    await applyMigrations(databaseUrlFor(adminUrl, TEMPLATE_DATABASE));
  } catch (error) {
    await teardown();
    throw error;
  }

  project.provide('testDatabaseAdminUrl', adminUrl);
  project.provide('testDatabaseTemplate', TEMPLATE_DATABASE);
  return teardown;
}

async function recreateDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Rebuilt every run so the template always reflects the migration files on disk.
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
