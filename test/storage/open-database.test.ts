import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, readMigrationFiles } from '../../src/storage/db/migration-files.ts';
import { openDatabase } from '../../src/storage/db/open-database.ts';
import { createEmptyTestDatabase } from '../support/test-database.ts';

describe('openDatabase', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('uses DATABASE_URL when given and migrates it before returning', async () => {
    const empty = await createEmptyTestDatabase();
    try {
      const db = await openDatabase({ databaseUrl: empty.url, dataDir: '/nonexistent' });
      expect(db.embedded).toBe(false);
      expect(db.appliedMigrations).toEqual(readMigrationFiles(defaultMigrationsDir).map((m) => m.name));
      expect(await db.prisma.trust.count()).toBe(0);
      await db.close();
    } finally {
      await empty.drop();
    }
  });

  it('starts an embedded PostgreSQL under the data folder, and keeps its data across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trellis-open-db-'));
    chmodSync(dataDir, 0o755); // reachable by the postgres user when running as root
    dirs.push(dataDir);

    const first = await openDatabase({ dataDir });
    try {
      expect(first.embedded).toBe(true);
      expect(first.url).toMatch(/^postgresql:\/\/trellis:[^@]+@127\.0\.0\.1:\d+\/trellis$/);
      await first.prisma.trust.create({ data: { slug: 'kept', name: 'Kept Trust' } });
    } finally {
      await first.close();
    }
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dataDir, 'postgres.log'))).toBe(true);

    const second = await openDatabase({ dataDir });
    try {
      expect(second.appliedMigrations).toEqual([]);
      expect(await second.prisma.trust.findUnique({ where: { slug: 'kept' } })).not.toBeNull();
    } finally {
      await second.close();
      await second.close(); // idempotent
    }
  });
});
