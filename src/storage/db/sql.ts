import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * SQL on the `pg` driver without Prisma: a statement built from a template, as Prisma's `sql` tag
 * builds one (`$1`, `$2` … for its values, fragments nested), and the driver that runs it. What
 * runs on the pool alone (the sweep's storage, `src/storage/pg/`) is written with these, so a
 * process that only sweeps never loads Prisma's client or its query compiler.
 */
export class Sql {
  readonly strings: string[];
  readonly values: unknown[];

  constructor(strings: readonly string[], values: readonly unknown[]) {
    this.strings = [strings[0] ?? ''];
    this.values = [];
    strings.slice(1).forEach((text, i) => {
      const value = values[i];
      if (isFragment(value)) {
        // A nested fragment's first and last pieces join the text around it.
        this.strings[this.strings.length - 1] += value.strings[0]!;
        this.values.push(...value.values);
        this.strings.push(...value.strings.slice(1));
        this.strings[this.strings.length - 1] += text;
      } else {
        this.values.push(value);
        this.strings.push(text);
      }
    });
  }

  /** The statement with `$n` placeholders, as PostgreSQL takes it. */
  get text(): string {
    return this.strings.reduce((text, part, i) => `${text}$${i}${part}`);
  }
}

/**
 * A fragment: one of ours, or one made by Prisma's `sql` tag (the same shape: `strings` around
 * `values`), so a statement written here can take a fragment the Prisma adapters build.
 */
export type SqlFragment = Sql | { readonly strings: readonly string[]; readonly values: readonly unknown[] };

function isFragment(value: unknown): value is SqlFragment {
  if (value instanceof Sql) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const fragment = value as { strings?: unknown; values?: unknown };
  return Array.isArray(fragment.strings) && Array.isArray(fragment.values) && fragment.strings.length === fragment.values.length + 1;
}

/** A statement or fragment from a template: `sql\`SELECT … WHERE id = ${id}::uuid\``. */
export function sql(strings: TemplateStringsArray | readonly string[], ...values: unknown[]): Sql {
  return new Sql(strings, values);
}

/** Nothing: a fragment to leave out. */
export const empty = new Sql([''], []);

/** Text written into the statement as it is (never a value from outside). */
export function raw(text: string): Sql {
  return new Sql([text], []);
}

/** Fragments or values joined by `separator`. */
export function join(items: readonly unknown[], separator = ','): Sql {
  if (items.length === 0) return empty;
  return new Sql(['', ...Array.from({ length: items.length - 1 }, () => separator), ''], items);
}

/**
 * What a hot path needs of a `pg` pool: one parameterised statement at a time. A statement is
 * prepared on its connection unless `prepare` is false (see `preparedName`).
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

/** A driver over `pool`: statements prepared per connection unless told not to. */
export function driverOver(pool: pg.Pool): SqlDriver {
  return { query: (text, values, options) => pool.query({ ...(options?.prepare === false ? {} : { name: preparedName(text) }), text, values: [...values] }) };
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
 * Where a store's statements go: rows and counts of one statement, on the `pg` driver, or through
 * Prisma for a client with no pool of its own (see `sqlRunnerOf` in create-prisma-client.ts).
 * Only for statements whose columns read the same either way: text, int, boolean, arrays, JSON and
 * timestamps with a time zone (not bigint or dates).
 */
export interface SqlRunner {
  rows<R extends object>(statement: Sql, options?: SqlOptions): Promise<R[]>;
  count(statement: Sql, options?: SqlOptions): Promise<number>;
}

/** A runner on the driver. */
export function driverRunner(driver: SqlDriver): SqlRunner {
  return {
    rows: async <R extends object>(statement: Sql, options?: SqlOptions) => (await driver.query<R>(statement.text, statement.values, options)).rows,
    count: async (statement, options) => (await driver.query(statement.text, statement.values, options)).rowCount ?? 0,
  };
}
