import { PrismaPg } from '@prisma/adapter-pg';
import { Debug } from '@prisma/client/runtime/client';
import { clearLogs } from '@prisma/debug';
import { Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import { whenForgettingQueryArguments } from './forget-query-arguments.ts';
import { driverRunner, type Sql, type SqlDriver, type SqlOptions, type SqlRunner } from './sql.ts';
import { createSqlPool, POOL_SIZE, type SqlPool, type SqlTransactions } from './sql-pool.ts';

export type { PrismaClient };
export type { SqlDriver, SqlOptions } from './sql.ts';
export { POOL_SIZE, type SqlTransaction, type SqlTransactions, TransactionTimeoutError } from './sql-pool.ts';

/** The `pg` pool under each client `createPrismaClient` made, and the two ways onto it. */
const pools = new WeakMap<PrismaClient, SqlPool>();

/**
 * A Prisma client over the `pg` driver adapter. Prisma 7 has no bundled query engine binary, so
 * the adapter is what actually talks to Postgres. Call `$disconnect()` to close its pool.
 */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  const sqlPool = createSqlPool(databaseUrl);
  // Prisma closes a pool it was handed only when told to: it is this client's alone.
  const prisma = new PrismaClient({ adapter: new PrismaPg(sqlPool.pool, { disposeExternalPool: true }) });
  pools.set(prisma, sqlPool);
  return prisma;
}

/**
 * Where a store's statements go for `prisma`: on its `pg` pool when it has one (`driver`), else
 * through Prisma (a client wrapped by `$extends`, or a transaction), each statement as its text and
 * values.
 */
export function sqlRunnerOf(prisma: Pick<PrismaClient, '$queryRawUnsafe' | '$executeRawUnsafe'>, driver: SqlDriver | undefined): SqlRunner {
  if (driver !== undefined) return driverRunner(driver);
  return {
    rows: <R extends object>(statement: Sql) => prisma.$queryRawUnsafe<R[]>(statement.text, ...statement.values),
    count: (statement) => prisma.$executeRawUnsafe(statement.text, ...statement.values),
  };
}

/** A statement written with `sql` (sql.ts) as Prisma's own, for `$queryRaw` and for nesting in Prisma's templates. */
export function prismaSql(statement: Sql): Prisma.Sql {
  return new Prisma.Sql(statement.strings, statement.values);
}

/** A debugger of Prisma's client runtime, which writes to the runtime's own copy of `@prisma/debug`'s history. */
const runtimeDebug = Debug('trellis:forget-query-arguments');

/** The length of `@prisma/debug`'s history (`MAX_ARGS_HISTORY`, not configurable). */
const ARGS_HISTORY = 100;

// Prisma keeps the arguments of its last queries, in two copies (see forget-query-arguments.ts):
// once a client can exist, emptying them is part of forgetting.
whenForgettingQueryArguments(() => {
  clearLogs();
  for (let n = 0; n < ARGS_HISTORY; n++) runtimeDebug(0);
});

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
  const pool = pools.get(prisma)?.pool;
  if (pool === undefined) return;
  pool.options.min = POOL_SIZE;
  const opened = await Promise.all(Array.from({ length: Math.max(0, POOL_SIZE - pool.totalCount) }, () => pool.connect()));
  for (const client of opened) client.release();
}

/**
 * The `pg` pool under a client `createPrismaClient` made (undefined for any other client, such as
 * one wrapped by `$extends`): for the few hot statements that skip Prisma's query machinery.
 */
export function driverOf(prisma: PrismaClient): SqlDriver | undefined {
  return pools.get(prisma)?.driver;
}

/** Transactions on the `pg` pool under a client `createPrismaClient` made (undefined for any other client). */
export function transactionsOf(prisma: PrismaClient): SqlTransactions | undefined {
  return pools.get(prisma)?.transactions;
}

/**
 * The rows of one raw statement: through `driver` when there is one (skipping Prisma's query
 * machinery, a fixed cost on every statement), else through Prisma (a client or a transaction). Only for statements whose
 * columns read the same either way: text, int, boolean, arrays and JSON (not bigint or dates).
 */
export async function rawRows<R extends object>(prisma: Pick<PrismaClient, '$queryRaw'>, driver: SqlDriver | undefined, sql: Prisma.Sql, options?: SqlOptions): Promise<R[]> {
  return driver === undefined ? prisma.$queryRaw<R[]>(sql) : (await driver.query<R>(sql.text, sql.values, options)).rows;
}

/** How many rows one raw INSERT, UPDATE or DELETE changed: through `driver` when there is one, else through Prisma. */
export async function rawCount(prisma: PrismaClient, driver: SqlDriver | undefined, sql: Prisma.Sql, options?: SqlOptions): Promise<number> {
  return driver === undefined ? prisma.$executeRaw(sql) : ((await driver.query(sql.text, sql.values, options)).rowCount ?? 0);
}
