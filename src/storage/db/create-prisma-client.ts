import { PrismaPg } from '@prisma/adapter-pg';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { type Prisma, PrismaClient } from '../../generated/prisma/client.ts';

export type { PrismaClient };

/**
 * What a hot path needs of the `pg` pool under a Prisma client: one parameterised statement at a
 * time. A statement is prepared on its connection unless `prepare` is false (see `preparedName`).
 */
export interface SqlDriver {
  query<R extends object>(text: string, values: readonly unknown[], options?: SqlOptions): Promise<{ rows: R[]; rowCount?: number | null }>;
}

export interface SqlOptions {
  /**
   * False for a statement run a few times a day on large, changing arrays (the sweep's pages):
   * planned afresh for its values each time, never as a prepared statement's generic plan, which
   * PostgreSQL may switch to after five runs on one connection.
   */
  prepare?: boolean;
}

const pools = new WeakMap<PrismaClient, SqlDriver>();

/**
 * A Prisma client over the `pg` driver adapter. Prisma 7 has no bundled query engine binary, so
 * the adapter is what actually talks to Postgres. Call `$disconnect()` to close its pool.
 */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  const pool = new pg.Pool({ connectionString: databaseUrl });
  // An idle connection the server closed is dropped by the pool and the next query opens another;
  // without a listener the pool's 'error' event would end the process before Prisma adds its own.
  pool.on('error', (error) => void error);
  // Prisma closes a pool it was handed only when told to: it is this client's alone.
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(prisma, {
    query: (text, values, options) => pool.query({ ...(options?.prepare === false ? {} : { name: preparedName(text) }), text, values: [...values] }),
  });
  return prisma;
}

/**
 * The hot statements sent on the pool are prepared on each connection the first time it sends them
 * and only bound and run after that: PostgreSQL parses and plans them once per connection instead
 * of on every message (the turn's read 0.83 → 0.29 ms of server CPU, its write 1.13 → 0.69, the
 * account look-up 0.53 → 0.20, measured per statement on one backend). Their texts are fixed (every
 * value is a parameter), so each connection keeps a handful. Like LISTEN/NOTIFY, this needs a
 * session (a PgBouncer in session mode, as docs/deploy.md says), not a transaction-mode pooler.
 */
function preparedName(text: string): string {
  return `trellis_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
}

/**
 * The `pg` pool under a client `createPrismaClient` made (undefined for any other client, such as
 * one wrapped by `$extends`): for the few hot statements that skip Prisma's query machinery.
 */
export function driverOf(prisma: PrismaClient): SqlDriver | undefined {
  return pools.get(prisma);
}

/**
 * The rows of one raw statement: through `driver` when there is one (skipping Prisma's query
 * machinery, a fixed cost on every statement), else through Prisma. Only for statements whose
 * columns read the same either way: text, int, boolean, arrays and JSON (not bigint or dates).
 */
export async function rawRows<R extends object>(prisma: PrismaClient, driver: SqlDriver | undefined, sql: Prisma.Sql, options?: SqlOptions): Promise<R[]> {
  return driver === undefined ? prisma.$queryRaw<R[]>(sql) : (await driver.query<R>(sql.text, sql.values, options)).rows;
}

/** How many rows one raw INSERT, UPDATE or DELETE changed: through `driver` when there is one, else through Prisma. */
export async function rawCount(prisma: PrismaClient, driver: SqlDriver | undefined, sql: Prisma.Sql, options?: SqlOptions): Promise<number> {
  return driver === undefined ? prisma.$executeRaw(sql) : ((await driver.query(sql.text, sql.values, options)).rowCount ?? 0);
}
