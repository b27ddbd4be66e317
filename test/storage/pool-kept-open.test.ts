import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPrismaClient, keepConnectionsOpen, POOL_SIZE } from '../../src/storage/db/create-prisma-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

/** Connections to the test database from anything but the test's own client (which runs this count). */
async function others(): Promise<number> {
  const rows = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`;
  return rows[0]!.n;
}

/** Uses `n` connections of the client's pool at once, then lets them go idle. */
async function busy(prisma: ReturnType<typeof createPrismaClient>, n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, () => prisma.$transaction(async (tx) => tx.$queryRaw`SELECT pg_sleep(0.05)::text`)));
}

describe('the server’s connection pool', () => {
  it('opens every connection at start and keeps them through an idle spell, where a pool left alone closes them after 10 s', async () => {
    await db.prisma.$queryRaw`SELECT 1`;
    const kept = createPrismaClient(db.url);
    const plain = createPrismaClient(db.url);
    try {
      await keepConnectionsOpen(kept);
      expect(await others()).toBe(POOL_SIZE);
      await busy(plain, 4);
      expect(await others()).toBe(POOL_SIZE + 4);
      // pg's idle timer (10 s) is the only timer in play: moved on by a minute, not waited for.
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        await busy(kept, POOL_SIZE);
        await busy(plain, 4);
        vi.advanceTimersByTime(60_000);
      } finally {
        vi.useRealTimers();
      }
      await expect.poll(others).toBe(POOL_SIZE);
    } finally {
      await kept.$disconnect();
      await plain.$disconnect();
    }
  });
});
