import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, MigrationError } from '../../src/storage/db/apply-migrations.ts';
import { defaultMigrationsDir, readMigrationFiles } from '../../src/storage/db/migration-files.ts';
import { createEmptyTestDatabase, type EmptyTestDatabase } from '../support/test-database.ts';

const shipped = readMigrationFiles(defaultMigrationsDir).map((m) => m.name);

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('applyMigrations', () => {
  let db: EmptyTestDatabase;
  const scratch: string[] = [];
  beforeEach(async () => {
    db = await createEmptyTestDatabase();
  });
  afterEach(() => db.drop());
  afterAll(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  /** A private copy of the shipped migrations that a test may change. */
  function copyOfMigrations(): string {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-migrations-'));
    scratch.push(dir);
    cpSync(defaultMigrationsDir, dir, { recursive: true });
    return dir;
  }

  it('applies every migration once, and a second run is a no-op', async () => {
    expect(shipped.length).toBeGreaterThan(0);
    expect(await applyMigrations(db.url)).toEqual(shipped);
    expect(await applyMigrations(db.url)).toEqual([]);
    const rows = await query<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM _prisma_migrations');
    expect(rows[0]?.n).toBe(shipped.length);
  });

  it('records migrations in _prisma_migrations exactly as prisma migrate deploy does', async () => {
    await applyMigrations(db.url);
    const columns = await query(
      db.url,
      `SELECT column_name, data_type, character_maximum_length, is_nullable
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', character_maximum_length: 36, is_nullable: 'NO' },
      { column_name: 'checksum', data_type: 'character varying', character_maximum_length: 64, is_nullable: 'NO' },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES' },
      { column_name: 'migration_name', data_type: 'character varying', character_maximum_length: 255, is_nullable: 'NO' },
      { column_name: 'logs', data_type: 'text', character_maximum_length: null, is_nullable: 'YES' },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES' },
      { column_name: 'started_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'NO' },
      { column_name: 'applied_steps_count', data_type: 'integer', character_maximum_length: null, is_nullable: 'NO' },
    ]);

    const rows = await query<{
      id: string;
      checksum: string;
      migration_name: string;
      logs: string | null;
      rolled_back_at: Date | null;
      started_at: Date;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(db.url, 'SELECT * FROM _prisma_migrations ORDER BY migration_name');
    expect(rows.map((r) => r.migration_name)).toEqual(shipped);
    for (const row of rows) {
      const sql = readFileSync(join(defaultMigrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    const dir = copyOfMigrations();
    await applyMigrations(db.url, dir);
    const first = shipped[0]!;
    writeFileSync(join(dir, first, 'migration.sql'), `${readFileSync(join(dir, first, 'migration.sql'), 'utf8')}\n-- edited\n`);
    const attempt = applyMigrations(db.url, dir);
    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(attempt).rejects.toThrow(`changed after they were applied to the database: ${first}`);
  });

  it('applies only the migrations added since the last run', async () => {
    const dir = copyOfMigrations();
    await applyMigrations(db.url, dir);
    mkdirSync(join(dir, '99991231000000_add_note'));
    writeFileSync(join(dir, '99991231000000_add_note', 'migration.sql'), 'ALTER TABLE "trusts" ADD COLUMN "note" TEXT;\n');
    expect(await applyMigrations(db.url, dir)).toEqual(['99991231000000_add_note']);
    expect(await applyMigrations(db.url, dir)).toEqual([]);
  });

  it('rolls a failing migration back completely and records nothing for it', async () => {
    const dir = copyOfMigrations();
    mkdirSync(join(dir, '99991231000000_broken'));
    writeFileSync(
      join(dir, '99991231000000_broken', 'migration.sql'),
      'CREATE TABLE "half_done" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n',
    );
    await expect(applyMigrations(db.url, dir)).rejects.toThrow(/99991231000000_broken failed and was rolled back/);
    const tables = await query(db.url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`);
    expect(tables).toEqual([]);
    const names = await query<{ migration_name: string }>(db.url, 'SELECT migration_name FROM _prisma_migrations');
    expect(names.map((r) => r.migration_name)).toEqual(shipped);
  });

  it('lets two processes migrate the same fresh database at once: one applies, the other waits', async () => {
    const results = await Promise.all([applyMigrations(db.url), applyMigrations(db.url), applyMigrations(db.url)]);
    expect(results.flat()).toEqual(shipped);
    expect(results.filter((applied) => applied.length === 0)).toHaveLength(2);
    const rows = await query<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM _prisma_migrations');
    expect(rows[0]?.n).toBe(shipped.length);
  });
});
