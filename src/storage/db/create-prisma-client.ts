import { PrismaPg } from '@prisma/adapter-pg';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { type Prisma, PrismaClient } from '../../generated/prisma/client.ts';

export type { PrismaClient };

/** What a hot path needs of the `pg` pool under a Prisma client: one parameterised statement at a time. */
export interface SqlDriver {
  query<R extends object>(text: string, values: readonly unknown[]): Promise<{ rows: R[] }>;
}

const pools = new WeakMap<PrismaClient, SqlDriver>();
const rawPools = new WeakMap<PrismaClient, pg.Pool>();

/** Connections in a client's pool at most (pg's default, written down so the server can open them all). */
export const POOL_SIZE = 10;

/**
 * A Prisma client over the `pg` driver adapter. Prisma 7 has no bundled query engine binary, so
 * the adapter is what actually talks to Postgres. Call `$disconnect()` to close its pool.
 */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE });
  // An idle connection the server closed is dropped by the pool and the next query opens another;
  // without a listener the pool's 'error' event would end the process before Prisma adds its own.
  pool.on('error', (error) => void error);
  // Prisma closes a pool it was handed only when told to: it is this client's alone.
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(prisma, { query: (text, values) => pool.query({ name: preparedName(text), text, values: [...values] }) });
  rawPools.set(prisma, pool);
  return prisma;
}

/**
 * For a server: opens every connection of the client's pool now and keeps them open while idle.
 * pg closes a connection idle for 10 s and opens another when work comes back, and a new
 * connection costs both sides a SCRAM handshake, a backend start with cold caches and the hot
 * statements prepared again: a burst of first contacts after a quiet spell paid that in the
 * middle of its turns (in the slack-turns bench, 50 first contacts at once used 16.4 ms of Node
 * CPU and 8.8 ms of PostgreSQL CPU each with the pool grown during the burst, 11.8 and 5.4 ms with
 * it open). A connection the server drops is replaced by the pool as before.
 */
export async function keepConnectionsOpen(prisma: PrismaClient): Promise<void> {
  const pool = rawPools.get(prisma);
  if (pool === undefined) return;
  pool.options.min = POOL_SIZE;
  const opened = await Promise.all(Array.from({ length: Math.max(0, POOL_SIZE - pool.totalCount) }, () => pool.connect()));
  for (const client of opened) client.release();
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
export async function rawRows<R extends object>(prisma: PrismaClient, driver: SqlDriver | undefined, sql: Prisma.Sql): Promise<R[]> {
  return driver === undefined ? prisma.$queryRaw<R[]>(sql) : (await driver.query<R>(sql.text, sql.values)).rows;
}
