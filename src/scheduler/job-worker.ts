import { type JobHelpers, Logger as JobLogger, run, runOnce, type Task, type TaskList } from 'graphile-worker';
import pg, { type Pool } from 'pg';
import { z } from 'zod';
import { type Attempt, DELIVERY_MAX_ATTEMPTS, type DeliveryDeps, type DeliveryStep, deliverQueuedDigest, deliverQueuedNotice, deliverQueuedNotification, type QueuedJob } from '../core/reminders/deliver-digest.ts';
import { type SweepDeps, sweepSchool } from '../core/reminders/run-sweep.ts';
import type { OutboxKind } from '../core/reminders/reminder-ports.ts';
import type { School } from '../core/schools/school.ts';
import type { Clock } from '../core/time/clock.ts';
import type { Metrics } from '../core/metrics/metrics.ts';
import { type Logger, withLogContext } from '../logging/logger.ts';
import { JOB, JOB_SCHEMA, schoolFlag } from '../storage/jobs/delivery-jobs.ts';

/** What the jobs run on: the sweep, the delivery rules, and the schools to sweep. */
export interface JobDeps {
  sweep: SweepDeps & { findSchool(slug: string): Promise<School | undefined> };
  delivery: DeliveryDeps;
  listSchoolSlugs(): Promise<string[]>;
  /** The daily retention run (003 §14.3, 004 §11.2): destroys expired records and tells each head. */
  retention?: (() => Promise<void>) | undefined;
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

/** The schedule this process registers: the sweep, and retention when the app provides it. */
export function crontabFor(deps: JobDeps): string {
  return deps.retention === undefined ? SWEEP_CRONTAB : `${SWEEP_CRONTAB}\n${RETENTION_CRONTAB}`;
}

const DeliveryPayload = z.object({ id: z.uuid(), school: z.string().min(1), spent: z.number().int().min(0).optional() });
const SweepPayload = z.object({ slug: z.string().min(1) });

/** The job engine's tasks: delivering a digest, a notice or a notification, sweeping a school, and the cron tick. */
export function jobTasks(deps: JobDeps): TaskList {
  // Thousands of deliveries a tick read the same few schools: each is read once a minute at most.
  const delivering = { ...deps.delivery, findSchool: recentSchools(deps.delivery.findSchool, deps.delivery.clock) };
  const delivery =
    (kind: OutboxKind, deliver: (deps: DeliveryDeps, job: QueuedJob, attempt: Attempt) => Promise<DeliveryStep>): Task =>
    async (payload, helpers) => {
      const { id, school, spent } = DeliveryPayload.parse(payload);
      // Attempts the engine counts on this job, plus those spent before a Retry-After re-queued it.
      const attempt = { number: (spent ?? 0) + helpers.job.attempts, max: DELIVERY_MAX_ATTEMPTS };
      const next = await withLogContext({ school }, () => deliver(delivering, { id, schoolSlug: school }, attempt)).catch((error: unknown) => {
        deps.metrics?.delivery(kind, 'error');
        throw error;
      });
      deps.metrics?.delivery(kind, next.step === 'done' ? next.outcome : next.step);
      if (next.step === 'retry') throw new Error(next.error); // graphile-worker retries with exponential back-off
      if (next.step === 'wait') await requeueAfter(helpers, { id, school, spent: attempt.number - 1 }, next.seconds);
    };
  return {
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
    [JOB.retention]: async () => {
      await deps.retention?.();
    },
    [JOB.sweepAll]: async (_payload, helpers) => {
      for (const slug of await deps.listSchoolSlugs()) {
        // Keyed by school: a sweep still waiting is replaced, not doubled, when the next tick comes.
        await helpers.addJob(JOB.sweepSchool, { slug }, { jobKey: `sweep:${slug}`, maxAttempts: 1, flags: [schoolFlag(slug)] });
      }
    },
  };
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
}

export interface RunningJobWorker {
  /** Stops taking jobs and waits for those running to finish (graceful shutdown). */
  stop(): Promise<void>;
}

/** Runs the job engine in this process until stopped: deliveries, sweeps and, optionally, the cron tick. */
export async function startJobWorker(options: JobWorkerOptions): Promise<RunningJobWorker> {
  const concurrency = options.concurrency ?? 4;
  const runner = await run({
    connectionString: options.databaseUrl,
    taskList: jobTasks(options.deps),
    crontab: options.cron === false ? '' : crontabFor(options.deps),
    concurrency,
    noHandleSignals: true,
    pollInterval: 2000,
    logger: jobLogger(options.deps.log),
    // Batching in SQL, never at the price of a duplicate: jobs are taken several at a time and
    // completed together, so a worker killed in between runs some again, and the row's status
    // guard makes those runs do nothing.
    preset: { worker: { localQueue: { size: concurrency * 4 }, completeJobBatchDelay: 20, failJobBatchDelay: 20 } },
  });
  return { stop: () => runner.stop() };
}

/**
 * Runs every job that is due now, then returns (`trellis sweep`, the playground's clock, tests):
 * `concurrency` workers side by side, each taking one job at a time, only for `only.schools` when
 * given. Given a pool rather than a URL, it reuses its connections instead of opening new ones.
 */
export async function runDueJobs(database: string | Pool, deps: JobDeps, concurrency = 1, only?: { schools: readonly string[] }): Promise<void> {
  const pool = typeof database === 'string' ? new pg.Pool({ connectionString: database, max: concurrency + 1 }) : database;
  if (pool !== database) {
    // A connection that fails while idle is logged and replaced, never an unhandled error.
    const onError = (error: Error) => deps.log.warn('job engine: a database connection failed', { error });
    pool.on('error', onError);
    pool.on('connect', (client) => client.on('error', onError));
  }
  try {
    const taskList = jobTasks(deps);
    // Kept to some schools: every other school's jobs are skipped (left for the server's worker).
    const forbiddenFlags = only === undefined ? null : (await deps.listSchoolSlugs()).filter((slug) => !only.schools.includes(slug)).map(schoolFlag);
    await Promise.all(
      Array.from({ length: Math.max(1, concurrency) }, () => runOnce({ pgPool: pool, taskList, forbiddenFlags, noHandleSignals: true, logger: jobLogger(deps.log) })),
    );
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
