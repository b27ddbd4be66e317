import { type JobHelpers, Logger as JobLogger, run, runOnce, type Task, type TaskList } from 'graphile-worker';
import pg, { type Pool } from 'pg';
import { z } from 'zod';
import { type Attempt, DELIVERY_MAX_ATTEMPTS, type DeliveryDeps, type DeliveryStep, deliverQueuedDigest, deliverQueuedNotice, deliverQueuedNotification, type QueuedJob } from '../core/reminders/deliver-digest.ts';
import { type SweepDeps, sweepSchool } from '../core/reminders/run-sweep.ts';
import type { OutboxKind } from '../core/reminders/reminder-ports.ts';
import { correctedAnything, type KeptCountsRecount } from '../core/reports/kept-counts.ts';
import type { School } from '../core/schools/school.ts';
import type { Clock } from '../core/time/clock.ts';
import type { Metrics } from '../core/metrics/metrics.ts';
import { type Logger, withLogContext } from '../logging/logger.ts';
import { BATCH_DIGESTS_LEFT, JOB, JOB_SCHEMA, schoolFlag } from '../storage/jobs/delivery-job-sql.ts';
import { type BeatTimer, releaseDeadWorkers, WorkerHeartbeats } from '../storage/jobs/worker-heartbeats.ts';

/** What the jobs run on: the sweep, the delivery rules, and the schools to sweep. */
export interface JobDeps {
  sweep: SweepDeps & { findSchool(slug: string): Promise<School | undefined> };
  delivery: DeliveryDeps;
  listSchoolSlugs(): Promise<string[]>;
  /** The daily retention run (003 §14.3, 004 §11.2): destroys expired records and tells each head. */
  retention?: (() => Promise<void>) | undefined;
  /** The nightly recount of the counts `summary` and `overdue` read, school by school (issue 16). */
  recount?: (() => Promise<KeptCountsRecount[]>) | undefined;
  log: Logger;
  /** Counts each delivery job's outcome (`/metrics`); the sweep's duration goes through `sweep.metrics`. */
  metrics?: Metrics | undefined;
}

/**
 * Every five minutes, once across however many Trellis processes run (graphile-worker's cron
 * records each tick it has queued in `known_crontabs`, so only one process queues it): a job that
 * queues one sweep job per school, so replicas split the sweep by school.
 */
export const SWEEP_CRONTAB = `*/5 * * * * ${JOB.sweepAll} ?id=trellis-sweep&max=1`;

/** Once a day at 02:00 (the server's time zone), once across all processes: the retention run. */
export const RETENTION_CRONTAB = `0 2 * * * ${JOB.retention} ?id=trellis-retention&max=1`;

/**
 * Once a day at 03:00, once across all processes, after retention has deleted what it deletes: the
 * recount that repairs what two writes racing on one person left in the kept counts.
 */
export const RECOUNT_CRONTAB = `0 3 * * * ${JOB.recount} ?id=trellis-recount&max=1`;

/**
 * Every minute, once across all processes: a delivery job for each reply (or delivery) whose send
 * started more than `REPLY_GRACE_SECONDS` ago and is neither marked sent nor has a job
 * (`DigestOutbox.queueStalledSends`): a turn's reply is saved without a job, and needs one only when
 * the process that was posting it died.
 */
export const STALLED_SENDS_CRONTAB = `* * * * * ${JOB.stalledSends} ?id=trellis-stalled-sends&max=1`;

/** The schedule this process registers: the sweep, the stalled sends, and retention and the recount when the app provides them. */
export function crontabFor(deps: JobDeps): string {
  const lines = [SWEEP_CRONTAB, STALLED_SENDS_CRONTAB];
  if (deps.retention !== undefined) lines.push(RETENTION_CRONTAB);
  if (deps.recount !== undefined) lines.push(RECOUNT_CRONTAB);
  return lines.join('\n');
}

const DeliveryPayload = z.object({ id: z.uuid(), school: z.string().min(1), spent: z.number().int().min(0).optional() });
const DigestBatchPayload = z.object({ ids: z.array(z.uuid()).min(1), school: z.string().min(1) });
const SweepPayload = z.object({ slug: z.string().min(1) });

/**
 * The job engine's tasks: delivering a digest, a notice or a notification, sweeping a school, and the cron tick,
 * which first runs `onTick` (the worker releases dead workers' jobs there).
 */
export function jobTasks(deps: JobDeps, onTick?: () => Promise<void>): TaskList {
  // Thousands of deliveries a tick read the same few schools: each is read once a minute at most.
  const delivering = { ...deps.delivery, findSchool: recentSchools(deps.delivery.findSchool, deps.delivery.clock) };
  /** One row's delivery, counted in the metrics: what the engine is to do next, or the error thrown. */
  const deliverOne = async (kind: OutboxKind, deliver: (deps: DeliveryDeps, job: QueuedJob, attempt: Attempt) => Promise<DeliveryStep>, job: QueuedJob, attempt: Attempt) => {
    const next = await withLogContext({ school: job.schoolSlug }, () => deliver(delivering, job, attempt)).catch((error: unknown) => {
      deps.metrics?.delivery(kind, 'error');
      throw error;
    });
    deps.metrics?.delivery(kind, next.step === 'done' ? next.outcome : next.step);
    return next;
  };
  const delivery =
    (kind: OutboxKind, deliver: (deps: DeliveryDeps, job: QueuedJob, attempt: Attempt) => Promise<DeliveryStep>): Task =>
    async (payload, helpers) => {
      const { id, school, spent } = DeliveryPayload.parse(payload);
      // Attempts the engine counts on this job, plus those spent before a Retry-After re-queued it.
      const attempt = { number: (spent ?? 0) + helpers.job.attempts, max: DELIVERY_MAX_ATTEMPTS };
      const next = await deliverOne(kind, deliver, { id, schoolSlug: school }, attempt);
      if (next.step === 'retry') throw new Error(next.error); // graphile-worker retries with exponential back-off
      if (next.step === 'wait') await requeueAfter(helpers, { id, school, spent: attempt.number - 1 }, next.seconds);
    };
  /**
   * A sweep's batch of digests, one after another, each claimed, sent and settled on its own.
   * One to be retried, or to wait for a Retry-After, goes on in a `deliver-digest` job of its own
   * (keyed by its key) and the batch carries on without it; the school's window closing moves
   * the rest of the batch to a job due when it opens, and the worker stopping to one due now. Run
   * again after its worker died, the batch starts over from what is still pending and has no job
   * of its own.
   */
  const digestBatch: Task = async (payload, helpers) => {
    const { ids, school } = DigestBatchPayload.parse(payload);
    const { rows } = await helpers.query<{ id: string; key: string }>(BATCH_DIGESTS_LEFT, [ids]);
    for (const [i, digest] of rows.entries()) {
      // The worker is stopping (graceful shutdown's abort, 5 s in): the rest goes back to the queue, due now, for another worker.
      if (helpers.abortSignal.aborted) return requeueBatchAfter(helpers, { ids: rows.slice(i).map((row) => row.id), school }, 0);
      const attempt = { number: helpers.job.attempts, max: DELIVERY_MAX_ATTEMPTS };
      const next = await deliverOne('digest', deliverQueuedDigest, { id: digest.id, schoolSlug: school }, attempt);
      if (next.step === 'retry') await queueAlone(helpers, digest, { id: digest.id, school, spent: attempt.number }, retryDelaySeconds(attempt.number));
      else if (next.step === 'wait' && next.scope === 'row') await queueAlone(helpers, digest, { id: digest.id, school, spent: attempt.number - 1 }, next.seconds);
      else if (next.step === 'wait') return requeueBatchAfter(helpers, { ids: rows.slice(i).map((row) => row.id), school }, next.seconds);
    }
  };
  return {
    [JOB.deliverDigests]: digestBatch,
    [JOB.deliverDigest]: delivery('digest', deliverQueuedDigest),
    [JOB.deliverNotice]: delivery('notice', deliverQueuedNotice),
    [JOB.deliverNotification]: delivery('notification', deliverQueuedNotification),
    [JOB.sweepSchool]: async (payload) => {
      const { slug } = SweepPayload.parse(payload);
      const school = await deps.sweep.findSchool(slug);
      if (school === undefined) return;
      await withLogContext({ school: slug }, async () => {
        const result = await sweepSchool(deps.sweep, school);
        deps.log.debug('reminder sweep', { ...result });
      });
    },
    [JOB.stalledSends]: async () => {
      const queued = await queueStalledSends(deps);
      if (queued > 0) deps.log.info('job engine: queued the sends left unfinished past their grace', { queued });
    },
    [JOB.retention]: async () => {
      await deps.retention?.();
    },
    [JOB.recount]: async () => {
      const results = (await deps.recount?.()) ?? [];
      // Anything corrected is the sign two writes raced on one person since the last recount.
      for (const result of results.filter(correctedAnything)) {
        deps.log.warn('kept counts: the recount corrected counts that racing writes had left off', {
          school: result.slug,
          tallyGroupsOff: result.tallyGroupsOff,
          firstDuesOff: result.firstDuesOff,
        });
      }
      deps.log.info('kept counts: recounted', { schools: results.length, corrected: results.filter(correctedAnything).length });
    },
    [JOB.sweepAll]: async (_payload, helpers) => {
      await onTick?.();
      for (const slug of await deps.listSchoolSlugs()) {
        // Keyed by school: a sweep still waiting is replaced, not doubled, when the next tick comes.
        await helpers.addJob(JOB.sweepSchool, { slug }, { jobKey: `sweep:${slug}`, maxAttempts: 1, flags: [schoolFlag(slug)] });
      }
    },
  };
}

/** The recovery pass: jobs for the rows whose send started before the grace and never finished (by the delivery clock). */
function queueStalledSends(deps: JobDeps): Promise<number> {
  return deps.delivery.outbox.queueStalledSends(deps.delivery.clock.now());
}

/**
 * The same job again after `seconds` of the database's clock, without using up an attempt: the
 * running job's key moves to the new one (graphile-worker clears a locked job's key), and this
 * one then completes.
 */
async function requeueAfter(helpers: JobHelpers, payload: { id: string; school: string; spent: number }, seconds: number): Promise<void> {
  const job = helpers.job;
  await helpers.query(
    `SELECT ${JOB_SCHEMA}.add_job($1, $2::json, job_key := $3, run_at := now() + make_interval(secs => $4), max_attempts := $5::int,
      flags := $6::text[], job_key_mode := 'replace')`,
    [job.task_identifier, JSON.stringify(payload), job.key, seconds, job.max_attempts, [schoolFlag(payload.school)]],
  );
}

/**
 * A digest of a batch in a `deliver-digest` job of its own, due after `seconds`, carrying the
 * attempts it has spent; keyed by the digest's key, so a run of the batch after its worker died
 * leaves it to this job.
 */
async function queueAlone(helpers: JobHelpers, digest: { key: string }, payload: { id: string; school: string; spent: number }, seconds: number): Promise<void> {
  await helpers.query(
    `SELECT ${JOB_SCHEMA}.add_job($1, $2::json, job_key := $3, run_at := now() + make_interval(secs => $4), max_attempts := $5::int,
      flags := $6::text[], job_key_mode := 'replace')`,
    [JOB.deliverDigest, JSON.stringify(payload), digest.key, seconds, DELIVERY_MAX_ATTEMPTS, [schoolFlag(payload.school)]],
  );
}

/** What graphile-worker waits before an attempt's retry (`exp(least(attempts, 10))` seconds), for a digest leaving its batch to be retried. */
function retryDelaySeconds(attempts: number): number {
  return Math.ceil(Math.exp(Math.min(attempts, 10)));
}

/** The rest of a batch in a job due after `seconds`: the running job's key moves to it, as in `requeueAfter`. */
async function requeueBatchAfter(helpers: JobHelpers, payload: { ids: string[]; school: string }, seconds: number): Promise<void> {
  const job = helpers.job;
  await helpers.query(
    `SELECT ${JOB_SCHEMA}.add_job($1, $2::json, job_key := $3, run_at := now() + make_interval(secs => $4), max_attempts := $5::int,
      flags := $6::text[], job_key_mode := 'replace')`,
    [job.task_identifier, JSON.stringify(payload), job.key, seconds, job.max_attempts, [schoolFlag(payload.school)]],
  );
}

/** Schools as read at most `SCHOOL_READ_EVERY_MS` ago (by the clock): an edited policy reaches deliveries within a minute. */
const SCHOOL_READ_EVERY_MS = 60_000;

function recentSchools(findSchool: (slug: string) => Promise<School | undefined>, clock: Clock): (slug: string) => Promise<School | undefined> {
  const read = new Map<string, { at: number; school: Promise<School | undefined> }>();
  return (slug) => {
    const now = clock.now().getTime();
    const cached = read.get(slug);
    if (cached !== undefined && Math.abs(now - cached.at) < SCHOOL_READ_EVERY_MS) return cached.school;
    const school = findSchool(slug);
    read.set(slug, { at: now, school });
    // A failed read is not remembered: the next job reads again.
    school.catch(() => read.delete(slug));
    return school;
  };
}

export interface JobWorkerOptions {
  databaseUrl: string;
  deps: JobDeps;
  /** Jobs run at once in this process. */
  concurrency?: number;
  /** Queue the five-minutely sweep (the server does; tests drive sweeps themselves). */
  cron?: boolean;
  /** The heartbeat's timer (tests fire it by hand). */
  heartbeatTimer?: BeatTimer;
}

export interface RunningJobWorker {
  /** This process's worker pool ids, as recorded in `job_worker_heartbeats`. */
  readonly workerIds: string[];
  /** Stops taking jobs and waits for those running to finish (graceful shutdown). */
  stop(): Promise<void>;
}

/**
 * This process's worker pools beating on `pool`, and the release of dead workers' jobs, which
 * runs now (a worker starting recovers what a killed one held) and again at each cron tick.
 */
async function heartbeatsOn(pool: Pool, log: Logger, timer?: BeatTimer): Promise<{ heartbeats: WorkerHeartbeats; releaseDead: () => Promise<void> }> {
  const heartbeats = new WorkerHeartbeats(pool, { timer, onError: (error) => log.warn('job engine: a heartbeat could not be recorded', { error }) });
  const releaseDead = async () => {
    try {
      const dead = await releaseDeadWorkers(pool);
      if (dead.length > 0) log.warn('job engine: released the jobs of workers that stopped beating', { workers: dead });
    } catch (error) {
      // The four-hour lock timeout is still there behind it: a failed release is logged, not fatal.
      log.warn('job engine: could not release dead workers\' jobs', { error });
    }
  };
  await releaseDead();
  return { heartbeats, releaseDead };
}

/** A pool of our own: a connection that fails while idle is logged and replaced, never an unhandled error. */
function ownPool(databaseUrl: string, max: number, log: Logger): Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  const onError = (error: Error) => log.warn('job engine: a database connection failed', { error });
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}

/** Runs the job engine in this process until stopped: deliveries, sweeps and, optionally, the cron tick. */
export async function startJobWorker(options: JobWorkerOptions): Promise<RunningJobWorker> {
  const concurrency = options.concurrency ?? 4;
  const log = options.deps.log;
  const pool = ownPool(options.databaseUrl, 2, log);
  try {
    const { heartbeats, releaseDead } = await heartbeatsOn(pool, log, options.heartbeatTimer);
    const runner = await run({
      connectionString: options.databaseUrl,
      taskList: jobTasks(options.deps, releaseDead),
      crontab: options.cron === false ? '' : crontabFor(options.deps),
      concurrency,
      noHandleSignals: true,
      pollInterval: 2000,
      logger: jobLogger(log),
      events: heartbeats.events,
      // Batching in SQL, never at the price of a duplicate: jobs are taken several at a time and
      // completed together, so a worker killed in between runs some again, and the row's status
      // guard makes those runs do nothing.
      preset: { worker: { localQueue: { size: concurrency * 4 }, completeJobBatchDelay: 20, failJobBatchDelay: 20 } },
    }).catch(async (error: unknown) => {
      await heartbeats.stop();
      throw error;
    });
    // The pool's first beat is written before the worker counts as started.
    await heartbeats.beat();
    return {
      get workerIds() {
        return heartbeats.workerIds;
      },
      stop: async () => {
        try {
          await runner.stop();
        } finally {
          await heartbeats.stop();
          await pool.end();
        }
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/**
 * Runs every job that is due now, then returns (`trellis sweep`, the playground's clock, tests):
 * `concurrency` workers side by side, each taking one job at a time, only for `only.schools` when
 * given. Given a pool rather than a URL, it reuses its connections instead of opening new ones.
 * Like the long-running worker, it first releases dead workers' jobs and beats while it runs, and
 * it first runs the stalled sends' pass the cron runs every minute (by the delivery clock).
 */
export async function runDueJobs(database: string | Pool, deps: JobDeps, concurrency = 1, only?: { schools: readonly string[] }): Promise<void> {
  const pool = typeof database === 'string' ? ownPool(database, concurrency + 1, deps.log) : database;
  try {
    const { heartbeats } = await heartbeatsOn(pool, deps.log);
    try {
      await queueStalledSends(deps);
      const taskList = jobTasks(deps);
      // Kept to some schools: every other school's jobs are skipped (left for the server's worker).
      const forbiddenFlags = only === undefined ? null : (await deps.listSchoolSlugs()).filter((slug) => !only.schools.includes(slug)).map(schoolFlag);
      await Promise.all(
        Array.from({ length: Math.max(1, concurrency) }, () =>
          runOnce({ pgPool: pool, taskList, forbiddenFlags, noHandleSignals: true, logger: jobLogger(deps.log), events: heartbeats.events }),
        ),
      );
    } finally {
      await heartbeats.stop();
    }
  } finally {
    if (pool !== database) await pool.end();
  }
}

/** graphile-worker's log lines into Trellis's logger; a failed attempt is a warning, the retry is routine. */
export function jobLogger(log: Logger): JobLogger {
  return new JobLogger(() => (level, message, meta) => {
    const details = meta === undefined ? undefined : { ...meta };
    if (level === 'error') log.warn(`job engine: ${message}`, details);
    else if (level === 'warning') log.warn(`job engine: ${message}`, details);
    else log.debug(`job engine: ${message}`, details);
  });
}
