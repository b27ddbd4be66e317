import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { School } from '../../../src/core/schools/school.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { type JobDeps, startJobWorker } from '../../../src/scheduler/job-worker.ts';
import { type BeatTimer, DEAD_AFTER_SECONDS, releaseDeadWorkers } from '../../../src/storage/jobs/worker-heartbeats.ts';
import { at } from '../../core/reminders/reminder-fixtures.ts';
import { jobDepsFor } from '../../core/reminders/support/job-runs.ts';
import { recordingDeliverer } from '../../core/reminders/support/school-year.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('error', (error) => console.warn('test pool: a connection failed', error.message));
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

/** A timer the test fires by hand: time passing for the heartbeat without waiting for it. */
function handTimer(): BeatTimer & { fire(): Promise<void>; stopped: boolean } {
  let beat: (() => Promise<void>) | undefined;
  const timer = {
    stopped: false,
    setInterval: (callback: () => Promise<void>) => {
      beat = callback;
      return 1;
    },
    clearInterval: () => {
      timer.stopped = true;
    },
    fire: () => beat!(),
  };
  return timer;
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Job dependencies whose school sweeps are held: a `sweep-school` job for `held` signals `taken`
 * and runs until `release`; any other school's sweep signals `ran` with its slug and finishes.
 */
function holdingDeps(): { deps: JobDeps; taken: Promise<void>; release: () => void; ran: string[]; next: () => Promise<string>; ticked: Promise<void> } {
  const clock = fixedClock(at('2026-10-15'));
  const base = jobDepsFor(db.prisma, recordingDeliverer({ current: clock }).deliverer, clock);
  const taken = deferred();
  const released = deferred();
  const ticked = deferred();
  const ran: string[] = [];
  let waiting = deferred<string>();
  const findSchool = async (slug: string): Promise<School | undefined> => {
    if (slug === 'held') {
      taken.resolve();
      await released.promise;
    } else {
      ran.push(slug);
      waiting.resolve(slug);
    }
    return undefined;
  };
  const deps: JobDeps = {
    ...base,
    sweep: { ...base.sweep, findSchool },
    listSchoolSlugs: async () => {
      ticked.resolve();
      return [];
    },
  };
  const next = async () => {
    const slug = await waiting.promise;
    waiting = deferred<string>();
    return slug;
  };
  return { deps, taken: taken.promise, release: () => released.resolve(), ran, next, ticked: ticked.promise };
}

async function addSweep(slug: string): Promise<void> {
  await db.prisma.$queryRaw`SELECT graphile_worker.add_job('sweep-school', json_build_object('slug', ${slug}::text), job_key := ${`sweep:${slug}`})`;
}

/**
 * What a worker killed outright leaves behind: a job it had taken, still locked by its pool, and its
 * last heartbeat (or none, if it died before the first). Written in one transaction so no live
 * worker takes the job in between.
 */
async function leftByKilledWorker(workerId: string, slug: string, heartbeatSecondsAgo: number | undefined, lockedSecondsAgo = 600): Promise<void> {
  await db.prisma.$transaction([
    db.prisma.$queryRaw`SELECT graphile_worker.add_job('sweep-school', json_build_object('slug', ${slug}::text), job_key := ${`sweep:${slug}`})`,
    db.prisma.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_by = ${workerId}, locked_at = now() - make_interval(secs => ${lockedSecondsAgo}::int), attempts = attempts + 1 WHERE key = ${`sweep:${slug}`}`,
    ...(heartbeatSecondsAgo === undefined
      ? []
      : [db.prisma.$executeRaw`INSERT INTO job_worker_heartbeats (worker_id, beat_at) VALUES (${workerId}, now() - make_interval(secs => ${heartbeatSecondsAgo}::int))`]),
  ]);
}

async function lockOf(slug: string): Promise<string | null | undefined> {
  const rows = await db.prisma.$queryRaw<{ locked_by: string | null }[]>`SELECT locked_by FROM graphile_worker.jobs WHERE key = ${`sweep:${slug}`}`;
  return rows[0] === undefined ? undefined : rows[0].locked_by;
}

async function heartbeatIds(): Promise<string[]> {
  const rows = await db.prisma.jobWorkerHeartbeat.findMany({ orderBy: { workerId: 'asc' } });
  return rows.map((row) => row.workerId);
}

async function ageHeartbeat(workerId: string, seconds: number): Promise<void> {
  await db.prisma.$executeRaw`UPDATE job_worker_heartbeats SET beat_at = now() - make_interval(secs => ${seconds}::int) WHERE worker_id = ${workerId}`;
}

async function cleanQueue(): Promise<void> {
  await db.prisma.$executeRaw`DELETE FROM graphile_worker._private_jobs`;
  await db.prisma.$executeRaw`DELETE FROM job_worker_heartbeats`;
}

describe('job-worker heartbeats: a killed worker’s jobs are recovered in minutes, not after the four-hour lock timeout', () => {
  it('a running worker records its pool’s heartbeat, beats on its timer, and removes it when stopped', async () => {
    await cleanQueue();
    const timer = handTimer();
    const worker = await startJobWorker({ databaseUrl: db.url, deps: holdingDeps().deps, concurrency: 1, cron: false, heartbeatTimer: timer });
    try {
      expect(worker.workerIds).toHaveLength(1);
      const [id] = worker.workerIds;
      expect(await heartbeatIds()).toEqual([id]);
      await ageHeartbeat(id!, 600);
      await timer.fire();
      const [row] = await db.prisma.$queryRaw<{ age: number }[]>`SELECT extract(epoch FROM now() - beat_at)::float AS age FROM job_worker_heartbeats WHERE worker_id = ${id}`;
      expect(row!.age).toBeLessThan(5);
    } finally {
      await worker.stop();
    }
    expect(timer.stopped).toBe(true);
    expect(await heartbeatIds()).toEqual([]);
  });

  it('a worker whose heartbeat is stale has its locked jobs released; a live worker’s stay locked, however old the lock', async () => {
    await cleanQueue();
    const holding = holdingDeps();
    const live = await startJobWorker({ databaseUrl: db.url, deps: holding.deps, concurrency: 1, cron: false, heartbeatTimer: handTimer() });
    try {
      await addSweep('held');
      await holding.taken;
      const [liveId] = live.workerIds;
      expect(await lockOf('held')).toBe(liveId);
      // The live worker's lock is old, but it has beaten recently.
      await db.prisma.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_at = now() - interval '3 hours' WHERE key = 'sweep:held'`;
      await leftByKilledWorker('pool-killed', 'orphan', DEAD_AFTER_SECONDS + 30);
      // A worker that beat a minute ago is not yet counted dead.
      await leftByKilledWorker('pool-slow', 'slow', 60);

      expect(await releaseDeadWorkers(pool)).toEqual(['pool-killed']);
      // Released: free for any worker (the live one may already have taken it into its queue).
      expect([null, liveId]).toContain(await lockOf('orphan'));
      expect(await lockOf('held')).toBe(liveId);
      expect(await lockOf('slow')).toBe('pool-slow');
      expect(await heartbeatIds()).toEqual([liveId, 'pool-slow'].sort());
    } finally {
      holding.release();
      await live.stop();
    }
  });

  it('a worker killed before its first beat is released once its lock is older than the limit, and not before', async () => {
    await cleanQueue();
    await leftByKilledWorker('pool-never-beat', 'old-lock', undefined, DEAD_AFTER_SECONDS + 30);
    await leftByKilledWorker('pool-just-started', 'new-lock', undefined, 10);
    expect(await releaseDeadWorkers(pool)).toEqual(['pool-never-beat']);
    expect(await lockOf('old-lock')).toBeNull();
    expect(await lockOf('new-lock')).toBe('pool-just-started');
  });

  it('a worker starting releases what a dead one held and runs it at once', async () => {
    await cleanQueue();
    await leftByKilledWorker('pool-killed', 'orphan', DEAD_AFTER_SECONDS + 30);
    const holding = holdingDeps();
    const worker = await startJobWorker({ databaseUrl: db.url, deps: holding.deps, concurrency: 1, cron: false, heartbeatTimer: handTimer() });
    try {
      expect(await holding.next()).toBe('orphan');
      expect(await heartbeatIds()).not.toContain('pool-killed');
    } finally {
      await worker.stop();
    }
  });

  it('each cron tick releases workers that died since, so a live worker picks their jobs up without restarting', async () => {
    await cleanQueue();
    const holding = holdingDeps();
    const worker = await startJobWorker({ databaseUrl: db.url, deps: holding.deps, concurrency: 1, cron: false, heartbeatTimer: handTimer() });
    try {
      await leftByKilledWorker('pool-killed', 'orphan', DEAD_AFTER_SECONDS + 30);
      // What graphile-worker's cron queues every five minutes.
      await db.prisma.$queryRaw`SELECT graphile_worker.add_job('sweep-all', '{}'::json)`;
      await holding.ticked;
      expect(await holding.next()).toBe('orphan');
      expect(holding.ran).toEqual(['orphan']);
    } finally {
      await worker.stop();
    }
  });
});
