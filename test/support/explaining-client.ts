import { Prisma } from '../../src/generated/prisma/client.ts';
import { driverOf, type PrismaClient, type SqlDriver } from '../../src/storage/db/create-prisma-client.ts';

/** A statement's plan as PostgreSQL ran it (EXPLAIN ANALYZE, BUFFERS), with its SQL. */
export interface ExplainedStatement {
  sql: string;
  plan: string;
}

/**
 * A Prisma client that, while `on.explain` is set, runs each raw statement first under
 * `EXPLAIN (ANALYZE, BUFFERS)` in a transaction it rolls back (so the real statement then finds
 * the database as it was), and keeps the plans of those whose run took `thresholdMs` or more.
 * `driver` does the same for statements sent on `prisma`'s `pg` pool (undefined when it has none).
 * For benches and for tests that count what the database read: every statement runs twice. A statement inside an interactive transaction is
 * explained outside it, so it does not see that transaction's earlier writes.
 */
export function explainingClient(
  prisma: PrismaClient,
  thresholdMs: number,
  options: { preferIndexes?: boolean } = {},
): { client: PrismaClient; driver: SqlDriver | undefined; on: { explain: boolean }; plans: ExplainedStatement[] } {
  const on = { explain: false };
  const plans: ExplainedStatement[] = [];
  const client = prisma.$extends({
    query: {
      async $allOperations({ operation, args, query }) {
        if (on.explain && ['$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe'].includes(operation)) {
          const sql = sqlOf(args);
          if (sql !== undefined) {
            const plan = await explained(prisma, sql, options.preferIndexes ?? false);
            if (plan.ms >= thresholdMs) plans.push({ sql: sql.text.replace(/\s+/g, ' ').slice(0, 300), plan: plan.text });
          }
        }
        return query(args);
      },
    },
  }) as unknown as PrismaClient;
  const pool = driverOf(prisma);
  const driver: SqlDriver | undefined =
    pool === undefined
      ? undefined
      : {
          async query(text, values, queryOptions) {
            if (on.explain) {
              const plan = await explained(prisma, { text, values }, options.preferIndexes ?? false);
              if (plan.ms >= thresholdMs) plans.push({ sql: text.replace(/\s+/g, ' ').slice(0, 300), plan: plan.text });
            }
            return pool.query(text, values, queryOptions);
          },
        };
  return { client, driver, on, plans };
}

function sqlOf(args: unknown): { text: string; values: readonly unknown[] } | undefined {
  if (args instanceof Prisma.Sql) return args;
  // `$queryRawUnsafe(text, ...values)`: a statement written with our own `sql` tag, run through Prisma.
  if (Array.isArray(args) && typeof args[0] === 'string') return { text: args[0], values: args.slice(1) };
  if (Array.isArray(args) && args[0] instanceof Prisma.Sql) return args[0];
  if (Array.isArray(args) && Array.isArray(args[0]) && 'raw' in args[0]) return Prisma.sql(args[0] as unknown as TemplateStringsArray, ...args.slice(1));
  return undefined;
}

class RolledBack extends Error {}

/**
 * `preferIndexes` turns sequential scans off for the statement (where an index can serve), so a
 * test's small tables are planned as a large school's would be: a scan of every row is then one
 * that no index can avoid.
 */
async function explained(prisma: PrismaClient, sql: { text: string; values: readonly unknown[] }, preferIndexes: boolean): Promise<{ ms: number; text: string }> {
  let result = { ms: 0, text: '' };
  try {
    await prisma.$transaction(
      async (tx) => {
        if (preferIndexes) await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
        const rows = await tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, ...sql.values);
        const text = rows.map((row) => row['QUERY PLAN']).join('\n');
        const total = /Execution Time: ([\d.]+) ms/.exec(text);
        result = { ms: total === null ? 0 : Number(total[1]), text };
        throw new RolledBack();
      },
      { timeout: 600_000 },
    );
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error;
  }
  return result;
}

/**
 * Rows the scans of a plan (as `explainingClient` keeps it) read: what each scan node returned
 * and what its filter removed, times its loops. Joins and aggregates read no table themselves, and
 * a bitmap index scan's rows are read by the heap scan above it, so they are counted there.
 * `counted` picks the scans to count by their plan line (e.g. those of one table).
 */
export function rowsScanned(plan: string, counted: (scanLine: string) => boolean = () => true): number {
  let total = 0;
  let loops = 0;
  for (const line of plan.split('\n')) {
    const scan = /(?:^|->)\s*(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan)\b.*\(actual time=[\d.]+\.\.[\d.]+ rows=([\d.]+) loops=(\d+)\)/.exec(line);
    if (scan !== null) {
      loops = counted(line) ? Number(scan[3]) : 0;
      total += Number(scan[2]) * loops;
      continue;
    }
    if (/\(actual /.test(line)) loops = 0;
    const removed = /Rows Removed by (?:Filter|Index Recheck): ([\d.]+)/.exec(line);
    if (removed !== null) total += Number(removed[1]) * loops;
  }
  return Math.round(total);
}

/**
 * Index entries and rows a plan's scans examined, times their loops, including those the
 * database looked at and then dropped: every entry a bitmap index scan matched (a row version
 * no longer visible still matches, and is only dropped on the heap), what an index or sequential
 * scan returned and what its filter removed, the heap visits of an index-only scan, and the rows a
 * bitmap heap scan's recheck of lossy pages removed. `rowsScanned` counts the rows scans returned
 * or filtered out; this also counts the entries they passed over as no longer visible.
 */
export function entriesExamined(plan: string): number {
  let total = 0;
  let loops = 0;
  let bitmapHeap = false;
  for (const line of plan.split('\n')) {
    const node = /(?:^|->)\s*(Seq Scan|Index Scan|Index Only Scan|Bitmap Index Scan|Bitmap Heap Scan)\b.*\(actual time=[\d.]+\.\.[\d.]+ rows=([\d.]+) loops=(\d+)\)/.exec(line);
    if (node !== null) {
      loops = Number(node[3]);
      // A bitmap heap scan's rows, and those its filter removes, are entries its bitmap index
      // scan already counted; only a lossy page's other rows are more.
      bitmapHeap = node[1] === 'Bitmap Heap Scan';
      if (!bitmapHeap) total += Number(node[2]) * loops;
      continue;
    }
    if (/\(actual /.test(line)) loops = 0;
    const dropped = (bitmapHeap ? /Rows Removed by Index Recheck: ([\d.]+)/ : /(?:Rows Removed by (?:Filter|Index Recheck)|Heap Fetches): ([\d.]+)/).exec(line);
    if (dropped !== null) total += Number(dropped[1]) * loops;
  }
  return Math.round(total);
}
