import pg from 'pg';
import { inject } from 'vitest';
import type { TestDatabase } from '../../support/test-database.ts';

/**
 * Stops a test database answering, as a PostgreSQL outage does: no new connections are allowed
 * and every open one is ended. `restore()` lets connections in again (pools reconnect by themselves).
 */
export async function takeDatabaseDown(db: TestDatabase): Promise<{ restore(): Promise<void> }> {
  await admin(async (client) => {
    await client.query(`ALTER DATABASE ${client.escapeIdentifier(db.name)} WITH ALLOW_CONNECTIONS false`);
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name]);
  });
  return {
    restore: () => admin(async (client) => void (await client.query(`ALTER DATABASE ${client.escapeIdentifier(db.name)} WITH ALLOW_CONNECTIONS true`))),
  };
}

async function admin(use: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: inject('testDatabaseAdminUrl') });
  await client.connect();
  try {
    await use(client);
  } finally {
    await client.end();
  }
}
