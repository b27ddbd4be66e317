import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../src/storage/db/create-prisma-client.ts';
import { databaseUrlFor } from './database-url-for.ts';

export interface TestDatabase {
  name: string;
  url: string;
  prisma: PrismaClient;
  /** Disconnects Prisma and drops the database (even if something is still connected). */
  drop(): Promise<void>;
}

export interface EmptyTestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, fully migrated database cloned from the run's template, with a Prisma client.
 * Names are unique per call (process id + random), so parallel vitest workers never collide.
 *
 * @example
 *   let db: TestDatabase;
 *   beforeAll(async () => { db = await createTestDatabase(); });
 *   afterAll(() => db.drop());
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const database = await createDatabase(inject('testDatabaseTemplate'));
  const prisma = createPrismaClient(database.url);
  return {
    ...database,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await database.drop();
    },
  };
}

/** A fresh database with no tables at all, for tests of the migrations themselves. */
export function createEmptyTestDatabase(): Promise<EmptyTestDatabase> {
  return createDatabase(undefined);
}

async function createDatabase(template: string | undefined): Promise<EmptyTestDatabase> {
  const adminUrl = inject('testDatabaseAdminUrl');
  const name = `trellis_test_${process.pid}_${randomBytes(5).toString('hex')}`;
  await withAdminClient(adminUrl, async (client) => {
    const from = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : '';
    await retryWhileTemplateBusy(() => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}${from}`));
  });
  return {
    name,
    url: databaseUrlFor(adminUrl, name),
    drop: () =>
      withAdminClient(adminUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      }),
  };
}

async function withAdminClient<T>(adminUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

// Postgres refuses to copy a template while another session is connected to it (SQLSTATE
// 55006). Nothing in the suite connects to the template, but a brief retry keeps a stray
// connection (say, someone inspecting it with psql) from failing the run.
async function retryWhileTemplateBusy<T>(create: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create();
    } catch (error) {
      const busy = error instanceof Error && 'code' in error && error.code === '55006';
      if (!busy || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}
