import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSchool } from '../../src/core/reminders/run-sweep.ts';
import type { School } from '../../src/core/schools/school.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { runDueJobs } from '../../src/scheduler/job-worker.ts';
import { PrismaSchoolRepository } from '../../src/storage/prisma/prisma-school-repository.ts';
import { at } from '../core/reminders/reminder-fixtures.ts';
import { digestKeys, jobDepsFor, passJobTime } from '../core/reminders/support/job-runs.ts';
import { setUpSchool } from '../core/reminders/support/school-year.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { countFaults, DeliveryEdge } from './support/delivery-edge.ts';
import { type FaultRow, printFaultTable } from './support/fault-table.ts';
import { httpDeliverer } from './support/http-deliverer.ts';

/**
 * Digest delivery under platform faults, against a real PostgreSQL and a fake platform on
 * loopback (the HTTP edge): each scenario is one WHMAT school of 32 on Thu 15 Oct 2026, the
 * self-reflection deadline (004 §4.2), when nearly everyone gets a digest. Ticks are the
 * scheduler's five minutes; the job engine's own clock is moved on by the test, never slept for.
 */
const rows: FaultRow[] = [];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trellis-faults-'));
});
afterAll(() => printFaultTable('Digest delivery faults (real PostgreSQL, fake platform on loopback)', rows));

interface World {
  db: TestDatabase;
  edge: DeliveryEdge;
  school: School;
  /** One tick of the scheduler at `hhmm` on 15 Oct: the sweep, then every job due. */
  tick(hhmm: string, worker?: string): Promise<void>;
  close(): Promise<void>;
}

async function world(slug: string): Promise<World> {
  const db = await createTestDatabase();
  await setUpSchool(db.url, dir, slug, 'whmat');
  const school = (await new PrismaSchoolRepository(db.prisma).findSchool(slug))!;
  const edge = await DeliveryEdge.start();
  return {
    db,
    edge,
    school,
    async tick(hhmm, worker = 'worker-1') {
      const channel = httpDeliverer(edge.url, worker, { lookup: true });
      const deps = jobDepsFor(db.prisma, channel, fixedClock(at('2026-10-15', hhmm)), channel);
      await sweepSchool(deps.sweep, school);
      await runDueJobs(db.url, deps);
    },
    async close() {
      await edge.close();
      await db.drop();
    },
  };
}

function ticks(from: string, count: number): string[] {
  const [h, m] = from.split(':').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const minutes = h * 60 + m + i * 5;
    return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  });
}

describe('digest delivery under faults: 0 lost, 0 duplicated', () => {
  it('a platform slower than the tick: the next tick starts while the first still delivers, and nothing is sent twice', async () => {
    const w = await world('slow');
    try {
      w.edge.hold();
      const first = w.tick('15:30', 'tick-1');
      await w.edge.until(() => w.edge.heldCount >= 1);
      // Five minutes on, the first tick's worker is still waiting on the platform.
      const second = w.tick('15:35', 'tick-2');
      await w.edge.until(() => w.edge.heldCount >= 2);
      const third = w.tick('15:40', 'tick-3');
      await w.edge.until(() => w.edge.heldCount >= 3);
      w.edge.release();
      await Promise.all([first, second, third]);
      await w.tick('15:45');
      const due = await digestKeys(w.db.prisma, 'slow');
      const counted = countFaults(due, w.edge.digests());
      rows.push({ scenario: 'delivery slower than the tick (3 overlapping ticks)', ...counted });
      expect(due.length).toBeGreaterThan(20);
      expect(counted).toMatchObject({ lost: 0, duplicated: 0 });
      expect(await digestKeys(w.db.prisma, 'slow', 'sent')).toEqual(due);
    } finally {
      await w.close();
    }
  });

  it('500s on digests for six ticks, then recovery: each delivered exactly once, and nobody is told of a failure', async () => {
    const w = await world('storm');
    try {
      const down = { value: true };
      w.edge.answer = (delivery) => (down.value && delivery.kind === 'digest' ? { status: 500 } : { status: 200 });
      for (const hhmm of ticks('15:30', 6)) {
        await w.tick(hhmm);
        await passJobTime(w.db.prisma, 300);
      }
      expect(w.edge.digests()).toEqual([]);
      const attempts = await w.db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: 'digest:' } }, select: { attempts: true, lastError: true } });
      expect(attempts.every((row) => row.attempts >= 5 && row.lastError === 'http_500')).toBe(true);
      down.value = false;
      for (const hhmm of ticks('16:00', 4)) {
        await w.tick(hhmm);
        await passJobTime(w.db.prisma, 300);
      }
      const due = await digestKeys(w.db.prisma, 'storm');
      const counted = countFaults(due, w.edge.digests());
      rows.push({ scenario: '500s for six ticks, then recovery', ...counted, note: `${w.edge.notices().length} notices` });
      expect(counted).toMatchObject({ lost: 0, duplicated: 0, delivered: due.length });
      expect(await digestKeys(w.db.prisma, 'storm', 'failed')).toEqual([]);
      expect(w.edge.notices()).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('a permanent failure is a dead letter, the head is told once that day, and everyone else is delivered once', async () => {
    const w = await world('dead');
    try {
      // t2's account is gone (404, permanent at once); t3's keeps failing (500) until its attempts run out, later that day.
      w.edge.answer = (delivery) =>
        delivery.email === 't2@dead.example' ? { status: 404, error: 'user_not_found' } : delivery.email === 't3@dead.example' ? { status: 500 } : { status: 200 };
      for (const hhmm of ticks('15:30', 16)) {
        await w.tick(hhmm);
        await passJobTime(w.db.prisma, 6 * 3600);
      }
      const failed = await digestKeys(w.db.prisma, 'dead', 'failed');
      expect(failed).toHaveLength(2);
      const sent = await digestKeys(w.db.prisma, 'dead', 'sent');
      const counted = countFaults(sent, w.edge.digests());
      rows.push({ scenario: 'permanent failure (404) for one, attempts exhausted (500) for another', ...counted, note: `${failed.length} dead letters, ${w.edge.notices().length} notice to the head` });
      expect(counted).toMatchObject({ lost: 0, duplicated: 0, delivered: sent.length });
      expect(w.edge.notices().map((notice) => notice.email)).toEqual(['head@dead.example']);
    } finally {
      await w.close();
    }
  });

  it('429 with Retry-After: nothing is retried before the platform said, then each is delivered once', async () => {
    const w = await world('limited');
    try {
      let limited = 5;
      w.edge.answer = () => (limited-- > 0 ? { status: 429, retryAfter: 120 } : { status: 200 });
      await w.tick('15:30');
      const waiting = await digestKeys(w.db.prisma, 'limited', 'pending');
      expect(waiting).toHaveLength(5);
      // Each 429 re-queues only that digest, after Retry-After by the database's clock; the rest go.
      const jobs = await w.db.prisma.$queryRaw<{ waits: number }[]>`
        SELECT extract(epoch FROM run_at - now())::int AS waits FROM graphile_worker.jobs WHERE key = ANY(${waiting}::text[])`;
      expect(jobs.every((job) => job.waits > 110 && job.waits <= 120)).toBe(true);
      await w.tick('15:31');
      await passJobTime(w.db.prisma, 60);
      await w.tick('15:32');
      expect(await digestKeys(w.db.prisma, 'limited', 'pending')).toEqual(waiting);
      for (let i = 0; i < 6; i++) {
        await passJobTime(w.db.prisma, 120);
        await w.tick('15:35');
      }
      const due = await digestKeys(w.db.prisma, 'limited');
      const counted = countFaults(due, w.edge.digests());
      rows.push({ scenario: '429 with Retry-After: 120 (5 answers)', ...counted });
      expect(counted).toMatchObject({ lost: 0, duplicated: 0, delivered: due.length });
    } finally {
      await w.close();
    }
  });
});
