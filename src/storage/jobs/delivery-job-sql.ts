import { DELIVERY_MAX_ATTEMPTS } from '../../core/reminders/deliver-digest.ts';
import type { OutboxKind } from '../../core/reminders/reminder-ports.ts';
import { type Sql, type SqlFragment, sql } from '../db/sql.ts';

/** The job engine's task names: one place, for the SQL that queues jobs and the worker that runs them. */
export const JOB = {
  deliverDigest: 'deliver-digest',
  deliverDigests: 'deliver-digests',
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
 * text, key, school slug), returning `jobs`, the number queued. Rows whose key has a job already
 * are left out, so an existing job is never touched, as `unsafe_dedupe` would leave it.
 */
export function newDeliveryJobsSql(rows: SqlFragment, delaySeconds = 0): Sql {
  // The job carries the row's school, so a delivery can wait for the school's window before reading the row.
  return newJobsSql(sql`SELECT r.task, json_build_object('id', r.id, 'school', r.school), r.key, r.school FROM (${rows}) AS r(task, id, key, school)`, delaySeconds);
}

/**
 * A sweep's digests go out in jobs of at most this many digests each… Small enough that the 16
 * jobs a worker takes ahead into its local queue hold 400 digests, not a school's whole day, so
 * replicas still share the last of a busy day's deliveries; large enough that a 10k busy sweep
 * writes 400 job rows, not 10,000.
 */
export const DIGESTS_PER_JOB = 25;
/** …and in at least this many jobs (or one a digest, when there are fewer), so replicas and a worker's concurrent jobs share a small school's too. */
export const DIGEST_JOBS_AT_LEAST = 16;

/**
 * A SELECT queueing the delivery jobs of a sweep's new digests, `digests` a query of (outbox row
 * id, key) of one school (`school`, an expression of its slug), returning `jobs`. The digests go
 * in batches (`deliver-digests`, payload `{ ids, school }`, keyed `digests:<first digest's key>`),
 * of up to `DIGESTS_PER_JOB` each and at least `DIGEST_JOBS_AT_LEAST` jobs: a busy sweep at 10,000
 * staff writes 400 job rows, not 10,000. Each digest of a batch is still claimed, sent and
 * settled on its own; one that must be retried or wait for a Retry-After leaves the batch for a
 * `deliver-digest` job of its own (keyed by its key), as every digest had before.
 */
export function newDigestBatchJobsSql(digests: SqlFragment, school: SqlFragment): Sql {
  return newJobsSql(sql`
    SELECT ${JOB.deliverDigests}::text, json_build_object('ids', array_agg(b.id ORDER BY b.key), 'school', min(b.school)), 'digests:' || min(b.key), min(b.school)
    FROM (SELECT d.id::text AS id, d.key, ${school} AS school,
        (row_number() OVER (ORDER BY d.key) - 1) / GREATEST(1, LEAST(${DIGESTS_PER_JOB}::int, ceil(count(*) OVER () / ${DIGEST_JOBS_AT_LEAST}::numeric)::int)) AS batch
      FROM (${digests}) AS d(id, key)) AS b
    GROUP BY b.batch`);
}

/**
 * A SELECT queueing a job for each row of `jobs`, a query of (task, payload json, key, school
 * slug), returning `jobs`, the number queued. One call for every row (graphile-worker's batch
 * `add_jobs`, one wake-up notification), not one `add_job` each. Rows whose key has a job
 * already are left out. `jobs` may read a data-modifying CTE of the same statement (the digests
 * a sweep has just inserted). `OFFSET 0` keeps the array one subquery: pulled up, it was built
 * twice, once for `add_jobs` and once for the emptiness test.
 */
function newJobsSql(jobs: SqlFragment, delaySeconds = 0): Sql {
  return sql`
    SELECT count(j.*)::int AS jobs FROM (SELECT ARRAY(
        SELECT ROW(r.task, r.payload, NULL, now() + make_interval(secs => ${delaySeconds}::int),
          ${DELIVERY_MAX_ATTEMPTS}::smallint, r.key, 0::smallint, ARRAY['school:' || r.school])::graphile_worker.job_spec
        FROM (${jobs}) AS r(task, payload, key, school)
        WHERE NOT EXISTS (SELECT 1 FROM graphile_worker._private_jobs j WHERE j.key = r.key)) AS specs OFFSET 0) AS x
      CROSS JOIN LATERAL graphile_worker.add_jobs(x.specs) AS j
    WHERE cardinality(x.specs) > 0`;
}

/**
 * The outbox row ids (as text) that a `deliver-digests` job still lists: each is that job's to
 * deliver, so no other job is queued for it (the stalled sends' pass, a missing job's repair).
 */
export const DIGESTS_IN_BATCHES = sql`SELECT json_array_elements_text(j.payload->'ids') FROM graphile_worker._private_jobs j
  JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = ${JOB.deliverDigests}`;

/**
 * A batch's digests still its own, in its order (`$1`, uuid[]): pending, and without a job of
 * their own (one an earlier run of the batch split off before the worker died), so a batch run
 * again never sends what another job is sending.
 */
export const BATCH_DIGESTS_LEFT = `SELECT d.id::text AS id, d.key FROM unnest($1::uuid[]) WITH ORDINALITY AS b(id, n) JOIN nudge_outbox d ON d.id = b.id
  WHERE d.status = 'pending' AND NOT EXISTS (SELECT 1 FROM ${JOB_SCHEMA}._private_jobs j WHERE j.key = d.key) ORDER BY b.n`;

/**
 * The head's dead-letter notice waits this long after the first dead letter of the day, so the
 * digests that fail together (a channel down for everyone) are counted in the one notice.
 */
export const NOTICE_GATHER_SECONDS = 10 * 60;
