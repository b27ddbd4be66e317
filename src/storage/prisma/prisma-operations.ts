import type { PrismaClient } from '../db/create-prisma-client.ts';
import { isDeliveredRow, JOB, JOB_SCHEMA } from '../jobs/delivery-jobs.ts';

/**
 * What `/readyz` and `/metrics` read from the database: cheap counting queries, each one round
 * trip, run on every probe or scrape.
 */
export class PrismaOperations {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /** Throws when the database does not answer. */
  async ping(): Promise<void> {
    await this.#prisma.$queryRaw`SELECT 1`;
  }

  /** Which of `expected` (migration folder names) the database has not finished applying. */
  async unappliedMigrations(expected: readonly string[]): Promise<string[]> {
    const rows = await this.#prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    const applied = new Set(rows.map((row) => row.migration_name));
    return expected.filter((name) => !applied.has(name));
  }

  /** Digests, notices and notifications that could not be delivered (dead letters), as `trellis outbox --failed` lists them; not the reminders they carried. */
  async countDeadLetters(): Promise<number> {
    const [row] = await this.#prisma.$queryRaw<{ failed: number }[]>`
      SELECT count(*)::int AS failed FROM nudge_outbox WHERE status = 'failed' AND ${isDeliveredRow('none')}`;
    return row?.failed ?? 0;
  }

  /**
   * Jobs due now that no worker has taken yet, and that have attempts left, a sweep's batch of
   * digests counted as the digests it still lists: the deliveries waiting, whatever their jobs.
   */
  async countQueuedJobs(): Promise<number> {
    const [row] = await this.#prisma.$queryRawUnsafe<{ depth: number }[]>(
      `SELECT COALESCE(sum(CASE WHEN t.identifier = $1 THEN json_array_length(j.payload->'ids') ELSE 1 END), 0)::int AS depth
      FROM ${JOB_SCHEMA}._private_jobs j JOIN ${JOB_SCHEMA}._private_tasks t ON t.id = j.task_id
      WHERE j.run_at <= now() AND j.locked_at IS NULL AND j.attempts < j.max_attempts`,
      JOB.deliverDigests,
    );
    return row?.depth ?? 0;
  }
}
