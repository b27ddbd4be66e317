import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { driverOver, type SqlDriver } from './sql.ts';

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

/** Connections in a pool at most (pg's default, written down so the server can open them all). */
export const POOL_SIZE = 10;

/** A `pg` pool of its own, and the two ways onto it: one statement at a time, or a transaction on one connection. */
export interface SqlPool {
  pool: pg.Pool;
  driver: SqlDriver;
  transactions: SqlTransactions;
}

/** A pool on `databaseUrl` (closed by `pool.end()`); no Prisma anywhere. */
export function createSqlPool(databaseUrl: string): SqlPool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE });
  // An idle connection the server closed is dropped by the pool and the next query opens another;
  // without a listener the pool's 'error' event would end the process.
  pool.on('error', (error) => void error);
  return { pool, driver: driverOver(pool), transactions: { transaction: (work, options) => inTransaction(pool, work, options.timeoutMs) } };
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

