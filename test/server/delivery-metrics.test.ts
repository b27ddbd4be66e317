import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSchool } from '../../src/core/reminders/run-sweep.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { PrometheusMetrics } from '../../src/metrics/prometheus-metrics.ts';
import { runDueJobs } from '../../src/scheduler/job-worker.ts';
import { PrismaOperations } from '../../src/storage/prisma/prisma-operations.ts';
import { at } from '../core/reminders/reminder-fixtures.ts';
import { jobDepsFor } from '../core/reminders/support/job-runs.ts';
import { recordingDeliverer, setUpSchool } from '../core/reminders/support/school-year.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-delivery-metrics-'));
});
afterAll(() => db.drop());

/** One sample's value from Prometheus's text format. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

describe('metrics from the sweep and the job worker over real storage', () => {
  it('times the sweep, reads the queue depth from the job queue, counts each delivery by outcome and dead letters', async () => {
    await setUpSchool(db.url, dir, 'east', 'whmat');
    const clock = { current: fixedClock(at('2026-10-15')) };
    // The first digest cannot reach its person: one dead letter.
    let unreachable: string | undefined;
    const recorder = recordingDeliverer(clock, (delivery) => {
      unreachable ??= delivery.key;
      return delivery.key === unreachable ? { ok: false, permanent: true, error: 'no channel reaches them' } : undefined;
    });
    const operations = new PrismaOperations(db.prisma);
    const metrics = new PrometheusMetrics({ deadLetters: () => operations.countDeadLetters(), queueDepth: () => operations.countQueuedJobs() });
    const base = jobDepsFor(db.prisma, recorder.deliverer, clock.current);
    const deps = { ...base, sweep: { ...base.sweep, metrics }, metrics };

    const school = await deps.sweep.findSchool('east');
    const swept = await sweepSchool(deps.sweep, school!);
    expect(swept.queuedDigests).toBeGreaterThan(0);
    const before = (await metrics.render()).body;
    expect(sample(before, 'trellis_sweep_duration_seconds_count')).toBe(1);
    expect(sample(before, 'trellis_queue_depth')).toBe(swept.queuedDigests);

    await runDueJobs(db.url, deps);
    const after = (await metrics.render()).body;
    expect(recorder.deliveries.length).toBe(swept.queuedDigests - 1);
    expect(sample(after, 'trellis_deliveries_total{kind="digest",outcome="sent"}')).toBe(swept.queuedDigests - 1);
    expect(sample(after, 'trellis_deliveries_total{kind="digest",outcome="dead-letter"}')).toBe(1);
    expect(sample(after, 'trellis_dead_letters')).toBe(1);
    // What is left waiting is the head's notice about it, due ten minutes later, not yet.
    expect(sample(after, 'trellis_queue_depth')).toBe(0);
  });
});
