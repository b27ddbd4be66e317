import { DELIVERY_MAX_ATTEMPTS } from '../../core/reminders/deliver-digest.ts';
import type { OutboxKind } from '../../core/reminders/reminder-ports.ts';
import { type Sql, type SqlFragment, sql } from '../db/sql.ts';

/** The job engine's task names: one place, for the SQL that queues jobs and the worker that runs them. */
export const JOB = {
  deliverDigest: 'deliver-digest',
  deliverNotice: 'deliver-notice',
  deliverNotification: 'deliver-notification',
  sweepSchool: 'sweep-school',
  sweepAll: 'sweep-all',
  retention: 'retention',
  recount: 'recount-kept-counts',
  stalledSends: 'queue-stalled-sends',
} as const;

/** Which task delivers each kind of outbox row. */
export const DELIVERY_TASK: Record<OutboxKind, string> = { digest: JOB.deliverDigest, notice: JOB.deliverNotice, notification: JOB.deliverNotification };

/** The flag every job about one school carries, so a run can be kept to some schools (`trellis sweep --school`). */
export function schoolFlag(slug: string): string {
  return `school:${slug}`;
}

/** graphile-worker's schema: installed by `installJobQueue` next to Prisma's migrations. */
export const JOB_SCHEMA = 'graphile_worker';

/**
 * How a delivery job is keyed against jobs already there:
 * - `new`: the row was just created, so any job with its key is one already delivering it: leave
 *   it (never touched, running or not, as graphile-worker's `unsafe_dedupe` would);
 * - `resend`: a failed row re-queued by hand: replace whatever job is left for it.
 */
export type JobKeyMode = 'new' | 'resend';

/**
 * A SELECT that queues one delivery job per outbox row, to run inside the transaction that
 * creates (or re-sends) the rows: the job exists exactly when the row does. The row's key is the
 * job key, so the same row never has two jobs waiting.
 */
export function deliveryJobsSql(rows: readonly { id: string; key: string; kind: OutboxKind }[], mode: JobKeyMode, delaySeconds = 0): Sql {
  const task = rows.map((row) => DELIVERY_TASK[row.kind]);
  const unnested = sql`unnest(${task}::text[], ${rows.map((row) => row.id)}::text[], ${rows.map((row) => row.key)}::text[]) AS r(task, id, key)
      JOIN nudge_outbox d ON d.id = r.id::uuid JOIN people p ON p.id = d.recipient_id JOIN schools s ON s.id = p.school_id`;
  if (mode === 'new') return newDeliveryJobsSql(sql`SELECT r.task, r.id, r.key, s.slug FROM ${unnested}`, delaySeconds);
  // The job carries the row's school, so a delivery can wait for the school's window before reading the row.
  return sql`
    SELECT count(graphile_worker.add_job(r.task, json_build_object('id', r.id, 'school', s.slug), job_key := r.key,
      run_at := now() + make_interval(secs => ${delaySeconds}::int), flags := ARRAY['school:' || s.slug],
      max_attempts := ${DELIVERY_MAX_ATTEMPTS}::int, job_key_mode := 'replace'))::int AS jobs
    FROM ${unnested}`;
}

/**
 * A SELECT queueing a delivery job for each row of `rows`, a query of (task, outbox row id as
 * text, key, school slug), returning `jobs`, the number queued. One call for every row
 * (graphile-worker's batch `add_jobs`, one wake-up notification), not one `add_job` each: a busy
 * sweep queues thousands. Rows whose key has a job already are left out, so an existing job is
 * never touched, as `unsafe_dedupe` would leave it. `rows` may read a data-modifying CTE of the
 * same statement (the digests a sweep has just inserted). `OFFSET 0` keeps the array one
 * subquery: pulled up, it was built twice, once for `add_jobs` and once for the emptiness test.
 */
export function newDeliveryJobsSql(rows: SqlFragment, delaySeconds = 0): Sql {
  // The job carries the row's school, so a delivery can wait for the school's window before reading the row.
  return sql`
    SELECT count(j.*)::int AS jobs FROM (SELECT ARRAY(
        SELECT ROW(r.task, json_build_object('id', r.id, 'school', r.school), NULL, now() + make_interval(secs => ${delaySeconds}::int),
          ${DELIVERY_MAX_ATTEMPTS}::smallint, r.key, 0::smallint, ARRAY['school:' || r.school])::graphile_worker.job_spec
        FROM (${rows}) AS r(task, id, key, school)
        WHERE NOT EXISTS (SELECT 1 FROM graphile_worker._private_jobs j WHERE j.key = r.key)) AS specs OFFSET 0) AS x
      CROSS JOIN LATERAL graphile_worker.add_jobs(x.specs) AS j
    WHERE cardinality(x.specs) > 0`;
}

/**
 * The head's dead-letter notice waits this long after the first dead letter of the day, so the
 * digests that fail together (a channel down for everyone) are counted in the one notice.
 */
export const NOTICE_GATHER_SECONDS = 10 * 60;
