import pg from 'pg';

/** A table held locked from a connection of its own: every statement that reads it waits until `release`. */
export interface HeldLock {
  release(): Promise<void>;
}

/** Locks `table` ACCESS EXCLUSIVE in an open transaction, so whatever reads it waits (work that must not be done yet). */
export async function lockTable(url: string, table: string): Promise<HeldLock> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${client.escapeIdentifier(table)} IN ACCESS EXCLUSIVE MODE`);
  return {
    async release() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

/** Runs `work` while `table` is held locked (`lockTable`), and lets it go however `work` ends. */
export async function whileLocked<T>(url: string, table: string, work: () => Promise<T>): Promise<T> {
  const lock = await lockTable(url, table);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}
