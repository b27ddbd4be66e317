import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { runOnce } from 'graphile-worker';
import { silentLogger } from '../../../src/logging/logger.ts';
import { recountKeptCounts } from '../../../src/core/reports/kept-counts.ts';
import { crontabFor, jobLogger, jobTasks, RECOUNT_CRONTAB, RETENTION_CRONTAB, runDueJobs, STALLED_SENDS_CRONTAB, startJobWorker, SWEEP_CRONTAB } from '../../../src/scheduler/job-worker.ts';
import { PrismaKeptCounts } from '../../../src/storage/prisma/prisma-kept-counts.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { at } from './reminder-fixtures.ts';
import { jobDepsFor } from './support/job-runs.ts';
import { recordingDeliverer, setUpSchool } from './support/school-year.ts';

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-job-worker-'));
});
afterAll(() => db.drop());

describe('the job worker and its schedule', () => {
  it('ticks every five minutes, passes over stalled sends every minute, and three processes starting the schedule register each once', async () => {
    expect(SWEEP_CRONTAB.startsWith('*/5 * * * * sweep-all ')).toBe(true);
    expect(STALLED_SENDS_CRONTAB).toBe('* * * * * queue-stalled-sends ?id=trellis-stalled-sends&max=1');
    const clock = { current: fixedClock(at('2026-10-15')) };
    const deps = jobDepsFor(db.prisma, recordingDeliverer(clock).deliverer, clock.current);
    const workers = await Promise.all([1, 2, 3].map(() => startJobWorker({ databaseUrl: db.url, deps, concurrency: 1 })));
    try {
      const known = await db.prisma.$queryRaw<{ identifier: string }[]>`SELECT identifier FROM graphile_worker._private_known_crontabs`;
      expect(known.map((row) => row.identifier).sort()).toEqual(['trellis-stalled-sends', 'trellis-sweep']);
    } finally {
      // Graceful shutdown: each stops taking jobs and finishes the ones it holds.
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  });

  it('a tick queues one sweep per school, keyed by the school, and the digests those sweeps queue are delivered (004 §4.2 self-reflection due 15 Oct)', async () => {
    await setUpSchool(db.url, dir, 'north', 'whmat');
    await setUpSchool(db.url, dir, 'south', 'whmat');
    const clock = { current: fixedClock(at('2026-10-15')) };
    const recorder = recordingDeliverer(clock);
    const deps = jobDepsFor(db.prisma, recorder.deliverer, clock.current);
    const queued = async () => db.prisma.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'sweep-school' ORDER BY key`;
    // Only the tick's own task first (a worker takes only the tasks it knows), twice, as two ticks
    // whose sweeps have not run yet: one sweep job per school, the second tick's replacing the first's.
    const onlyTheTick = { 'sweep-all': jobTasks(deps)['sweep-all']! };
    for (let tick = 0; tick < 2; tick++) {
      await db.prisma.$queryRaw`SELECT graphile_worker.add_job('sweep-all', '{}'::json)`;
      await runOnce({ connectionString: db.url, noHandleSignals: true, logger: jobLogger(silentLogger) }, onlyTheTick);
    }
    expect(await queued()).toEqual([{ key: 'sweep:north' }, { key: 'sweep:south' }]);
    await runDueJobs(db.url, deps);
    expect(await queued()).toEqual([]);
    const schools = new Set(recorder.deliveries.map((d) => d.email.split('@')[1]));
    expect(schools).toEqual(new Set(['north.example', 'south.example']));
    expect(new Set(recorder.deliveries.map((d) => d.key)).size).toBe(recorder.deliveries.length);
  });

  it('runs the retention job once a day at 02:00 when the app provides it, through the same engine (003 §14.3, 004 §11.2)', async () => {
    const clock = fixedClock(at('2026-10-15'));
    const plain = jobDepsFor(db.prisma, recordingDeliverer({ current: clock }).deliverer, clock);
    expect(crontabFor(plain).split('\n')).toEqual([SWEEP_CRONTAB, STALLED_SENDS_CRONTAB]);
    let runs = 0;
    const deps = { ...plain, retention: async () => void runs++ };
    expect(crontabFor(deps).split('\n')).toEqual([SWEEP_CRONTAB, STALLED_SENDS_CRONTAB, RETENTION_CRONTAB]);
    expect(RETENTION_CRONTAB.startsWith('0 2 * * * retention ')).toBe(true);
    await db.prisma.$queryRaw`SELECT graphile_worker.add_job('retention', '{}'::json)`;
    await runOnce({ connectionString: db.url, noHandleSignals: true, logger: jobLogger(silentLogger) }, { retention: jobTasks(deps).retention! });
    expect(runs).toBe(1);
  });

  it('runs the recount of the kept report counts once a night at 03:00, and logs a warning naming the school when it corrected anything (issue 16)', async () => {
    const clock = fixedClock(at('2026-10-15'));
    const warnings: { message: string; details?: Record<string, unknown> | undefined }[] = [];
    const log = { ...silentLogger, warn: (message: string, details?: Record<string, unknown>) => void warnings.push({ message, details }) };
    const plain = { ...jobDepsFor(db.prisma, recordingDeliverer({ current: clock }).deliverer, clock), log };
    const deps = { ...plain, retention: async () => {}, recount: () => recountKeptCounts(new PrismaKeptCounts(db.prisma)) };
    expect(crontabFor(deps).split('\n')).toEqual([SWEEP_CRONTAB, STALLED_SENDS_CRONTAB, RETENTION_CRONTAB, RECOUNT_CRONTAB]);
    expect(crontabFor({ ...plain, recount: deps.recount }).split('\n')).toEqual([SWEEP_CRONTAB, STALLED_SENDS_CRONTAB, RECOUNT_CRONTAB]);
    expect(RECOUNT_CRONTAB).toBe('0 3 * * * recount-kept-counts ?id=trellis-recount&max=1');
    // One school's people counted once too often, as two racing writes can leave them.
    const school = await db.prisma.school.findFirstOrThrow({ orderBy: { slug: 'asc' }, select: { id: true, slug: true } });
    await db.prisma.$executeRaw`INSERT INTO report_tallies (id, what, school_id, department, active, n) VALUES (gen_random_uuid(), 'person', ${school.id}::uuid, 'Nowhere', true, 1)`;
    await db.prisma.$queryRaw`SELECT graphile_worker.add_job('recount-kept-counts', '{}'::json)`;
    const task = jobTasks(deps)['recount-kept-counts']!;
    await runOnce({ connectionString: db.url, noHandleSignals: true, logger: jobLogger(silentLogger) }, { 'recount-kept-counts': task });
    expect(warnings).toEqual([
      { message: 'kept counts: the recount corrected counts that racing writes had left off', details: { school: school.slug, tallyGroupsOff: 1, firstDuesOff: 0 } },
    ]);
    expect(await db.prisma.$queryRaw`SELECT sum(n)::int AS n FROM report_tallies WHERE department = 'Nowhere'`).toEqual([{ n: null }]);
  });
});
