import { PrismaPg } from '@prisma/adapter-pg';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
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

/**
 * Transactions on connections checked out of the same `pg` pool, for work that needs the
 * connection itself: `COPY … FROM STDIN`.
 */
export interface SqlTransactions {
  /**
   * Runs `work` between BEGIN and COMMIT on one connection (rolled back if it throws). Work that
   * has taken longer than `timeoutMs` is rolled back instead of committed, as Prisma's
   * transactions are: nothing it stamped commits later than that after it began.
   */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>, options: { timeoutMs: number }): Promise<T>;
}

/** One transaction on a connection of its own: statements, and rows sent by `COPY … FROM STDIN`. */
export interface SqlTransaction {
  /** The transaction's `now()` as text: what its statements' own `now()` gives, for rows sent by `COPY`. */
  readonly now: string;
  query<R extends object>(text: string, values: readonly unknown[]): Promise<{ rows: R[]; rowCount?: number | null }>;
  /** Sends `lines` (COPY text format, each ending in a newline) to `copy`, a `COPY … FROM STDIN` statement; returns the rows written. */
  copyIn(copy: string, lines: Iterable<string>): Promise<number>;
}

/** The `pg` pool under each client `createPrismaClient` made, and the two ways onto it. */
const pools = new WeakMap<PrismaClient, { pool: pg.Pool; driver: SqlDriver; transactions: SqlTransactions }>();

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
  pools.set(prisma, {
    pool,
    driver: { query: (text, values, options) => pool.query({ ...(options?.prepare === false ? {} : { name: preparedName(text) }), text, values: [...values] }) },
    transactions: { transaction: (work, options) => inTransaction(pool, work, options.timeoutMs) },
  });
  return prisma;
}

export class TransactionTimeoutError extends Error {}

async function inTransaction<T>(pool: pg.Pool, work: (tx: SqlTransaction) => Promise<T>, timeoutMs: number): Promise<T> {
  const client = await pool.connect();
  const began = performance.now();
  // A connection whose ROLLBACK failed is in an unknown state: the pool closes it instead of reusing it.
  let broken: Error | undefined;
  try {
    // One round trip: the simple protocol runs both statements and answers with both results.
    const [, started] = (await client.query('BEGIN; SELECT now()::text AS now')) as unknown as [pg.QueryResult, pg.QueryResult<{ now: string }>];
    const now = started.rows[0]!.now;
    const result = await work({ now, query: (text, values) => client.query(text, [...values]), copyIn: (copy, lines) => copyLines(client, copy, lines) });
    const took = performance.now() - began;
    if (took > timeoutMs) throw new TransactionTimeoutError(`The transaction took ${Math.round(took)} ms, over its limit of ${timeoutMs} ms, and was rolled back.`);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackFailed: unknown) => {
      broken = rollbackFailed instanceof Error ? rollbackFailed : new Error(String(rollbackFailed));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** COPY's lines go in chunks of about 64 KB: one write per line would be thousands of tiny socket writes. */
const COPY_CHUNK = 65_536;

async function copyLines(client: pg.PoolClient, copy: string, lines: Iterable<string>): Promise<number> {
  const stream = client.query(copyFrom(copy));
  await pipeline(Readable.from(chunked(lines), { objectMode: false }), stream);
  return stream.rowCount;
}

function* chunked(lines: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= COPY_CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
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
  const pool = pools.get(prisma)?.pool;
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
