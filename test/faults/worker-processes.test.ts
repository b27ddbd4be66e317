import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays } from '../../src/core/calendar/iso-date.ts';
import { londonInstant } from '../../src/core/calendar/london-time.ts';
import { sweepSchool } from '../../src/core/reminders/run-sweep.ts';
import { calendarOf } from '../../src/core/schools/school.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { runDueJobs } from '../../src/scheduler/job-worker.ts';
import { PrismaSchoolRepository } from '../../src/storage/prisma/prisma-school-repository.ts';
import { digestKeys, jobDepsFor } from '../core/reminders/support/job-runs.ts';
import { setUpSchool } from '../core/reminders/support/school-year.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { countFaults, DeliveryEdge } from './support/delivery-edge.ts';
import { type FaultRow, printFaultTable } from './support/fault-table.ts';
import { httpDeliverer } from './support/http-deliverer.ts';
import { ageKilledWorkersHeartbeats, jobsHeldByTheDead, seededRandom, WorkerProcess } from './support/worker-processes.ts';

/**
 * The job worker in separate processes, against a real PostgreSQL and a fake platform on
 * loopback: killed with SIGKILL at random points while delivering, and three of them sharing a
 * simulated fortnight of ticks.
 */
const rows: FaultRow[] = [];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trellis-faults-workers-'));
});
afterAll(() => printFaultTable('Job workers in separate processes (real PostgreSQL, fake platform on loopback)', rows));

/**
 * One WHMAT school's digests for Thu 15 Oct 2026 (004 §4.2 self-reflection), delivered by a
 * worker process that is killed at random points (right after the platform accepted a message:
 * the window between sending and recording it), restarted each time, and finished by a last one.
 */
async function killMidDelivery(slug: string, lookup: boolean, seed: number): Promise<{ due: string[]; edge: DeliveryEdge; kills: number; db: TestDatabase }> {
  const db = await createTestDatabase();
  await setUpSchool(db.url, dir, slug, 'whmat');
  const school = (await new PrismaSchoolRepository(db.prisma).findSchool(slug))!;
  const edge = await DeliveryEdge.start();
  const moment = londonInstant('2026-10-15', '16:00');
  const channel = httpDeliverer(edge.url, 'final', { lookup });
  const deps = jobDepsFor(db.prisma, channel, fixedClock(moment), channel);
  await sweepSchool(deps.sweep, school);
  const due = await digestKeys(db.prisma, slug);
  const random = seededRandom(seed);
  let kills = 0;
  const env = { DATABASE_URL: db.url, EDGE_URL: edge.url, MODE: 'run', CLOCK_AT: moment.toISOString(), LOOKUP: lookup ? '1' : '0' };
  while (kills < 6 && edge.digests().length < due.length - 4) {
    const worker = new WorkerProcess(`worker-${kills + 1}`, env);
    expect(await worker.nextLine()).toBe('ready');
    // Starting, it released every job the killed worker before it held.
    expect(await jobsHeldByTheDead(db.prisma)).toBe(0);
    const target = Math.min(due.length - 3, edge.digests().length + 1 + Math.floor(random() * 5));
    await edge.until(() => edge.digests().length >= target);
    await worker.kill();
    kills++;
    // Two minutes without a beat: the next worker to start releases what this one held.
    expect(await ageKilledWorkersHeartbeats(db.prisma)).toBe(1);
  }
  await runDueJobs(db.url, deps);
  await edge.close();
  return { due, edge, kills, db };
}

describe('job workers in separate processes: 0 lost, 0 duplicated', () => {
  it('a worker killed mid-delivery at random points and restarted: every digest delivered, none twice (the retry asks the platform first)', async () => {
    const { due, edge, kills, db } = await killMidDelivery('killed', true, 20261130);
    try {
      const counted = countFaults(due, edge.digests());
      rows.push({ scenario: `worker SIGKILLed mid-delivery ${kills}× (retry checks the platform first)`, ...counted });
      expect(kills).toBeGreaterThanOrEqual(3);
      expect(counted).toMatchObject({ lost: 0, duplicated: 0, delivered: due.length });
      expect(await digestKeys(db.prisma, 'killed', 'sent')).toEqual(due);
    } finally {
      await db.drop();
    }
  }, 120_000);

  it('the same kills with a channel that cannot look a message up: nothing lost, and the duplicates are only kills between send and record', async () => {
    const { due, edge, kills, db } = await killMidDelivery('killed-blind', false, 20261130);
    try {
      const counted = countFaults(due, edge.digests());
      rows.push({ scenario: `worker SIGKILLed mid-delivery ${kills}×, no platform lookup`, ...counted, note: 'at-least-once floor: ≤ 1 per kill per running job' });
      expect(counted.lost).toBe(0);
      // Each kill can catch at most the worker's three running jobs between send and record.
      expect(counted.duplicated).toBeLessThanOrEqual(kills * 3);
      expect(await digestKeys(db.prisma, 'killed-blind', 'sent')).toEqual(due);
    } finally {
      await db.drop();
    }
  }, 120_000);

  it('three worker processes over a simulated fortnight of ticks: the cron tick queued once, the work split, 0 duplicated', async () => {
    const db = await createTestDatabase();
    const edge = await DeliveryEdge.start();
    const workers: WorkerProcess[] = [];
    try {
      for (const [slug, preset] of [
        ['north', 'whmat'],
        ['south', 'tpat'],
        ['east', 'thomas-alleyne'],
      ] as const) {
        await setUpSchool(db.url, dir, slug, preset);
      }
      const calendar = calendarOf((await new PrismaSchoolRepository(db.prisma).findSchool('north'))!);
      const env = { DATABASE_URL: db.url, EDGE_URL: edge.url, MODE: 'ticks', LOOKUP: '0' };
      for (let i = 1; i <= 3; i++) workers.push(new WorkerProcess(`replica-${i}`, env));
      let ticksRun = 0;
      // Mon 5 Oct to Fri 16 Oct 2026, three ticks a school day inside the window, and a Saturday.
      const days = Array.from({ length: 13 }, (_, i) => addCalendarDays('2026-10-05', i)).filter((day) => calendar.isSchoolDay(day) || day === '2026-10-17');
      for (const day of days) {
        for (const hhmm of ['15:30', '16:00', '16:30']) {
          const iso = londonInstant(day, hhmm).toISOString();
          // What graphile-worker's cron does at each tick, once whichever replica gets there first.
          await db.prisma.$queryRaw`SELECT graphile_worker.add_job('sweep-all', '{}'::json, job_key := ${`tick:${iso}`}, job_key_mode := 'unsafe_dedupe')`;
          ticksRun++;
          // The replicas run until nothing is due (the sweep-all job fans out a job per school, then digests).
          for (let round = 0; round < 5; round++) {
            await Promise.all(
              workers.map(async (worker) => {
                worker.send(`tick ${iso}`);
                expect(await worker.nextLine()).toBe(`done ${iso}`);
              }),
            );
            const [due] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE run_at <= now() AND locked_at IS NULL AND attempts < max_attempts`;
            if (due!.n === 0) break;
          }
        }
      }
      const due = [...(await digestKeys(db.prisma, 'north')), ...(await digestKeys(db.prisma, 'south')), ...(await digestKeys(db.prisma, 'east'))];
      const counted = countFaults(due, edge.digests());
      const byWorker = new Map<string, number>();
      for (const delivery of edge.digests()) byWorker.set(delivery.worker, (byWorker.get(delivery.worker) ?? 0) + 1);
      const split = [...byWorker].sort().map(([name, n]) => `${name} ${n}`).join(', ');
      rows.push({ scenario: `3 replicas, 3 schools, a simulated fortnight (${ticksRun} ticks)`, ...counted, note: split });
      expect(due.length).toBeGreaterThan(50);
      expect(counted).toMatchObject({ lost: 0, duplicated: 0, delivered: due.length });
      // Replicas share the work: which replica takes which job is a race, so under load one may get
      // none in a fortnight; more than one always does.
      expect(byWorker.size).toBeGreaterThanOrEqual(2);
      // Nothing on the Saturday, and never outside the window: each digest is dated its school day.
      expect(due.every((key) => !key.endsWith('2026-10-17'))).toBe(true);
    } finally {
      await Promise.all(workers.map((worker) => worker.end()));
      await edge.close();
      await db.drop();
    }
  }, 300_000);
});
