import { performance } from 'node:perf_hooks';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sweepSchool } from '../src/core/reminders/run-sweep.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import { driverRunner, type SqlDriver } from '../src/storage/db/sql.ts';
import { createSqlPool } from '../src/storage/db/sql-pool.ts';
import { PgSchoolReads } from '../src/storage/pg/pg-school-reads.ts';
import { PgSweepStore } from '../src/storage/pg/pg-sweep-store.ts';
import { allocationProfile } from './allocation-profile.ts';

/**
 * One busy sweep of one school in a process of its own, for `sweep.bench.ts` with
 * BENCH_SWEEP_CHILD=1: only `sweepSchool` and the sweep's storage on a `pg` pool (`PgSweepStore`,
 * the statements the server's `PrismaReminderStore` runs on its client's pool; no Prisma client,
 * as `trellis sweep` runs it), so its peak RSS is the sweep's, not the bench's generated school or
 * the app. Prints `process.memoryUsage()`
 * after each store call that carries a page (to stderr), and one JSON line of its result, time,
 * statements and peak RSS (stdout). BENCH_SWEEP_SNAPSHOT_AT=N writes a heap snapshot after the
 * Nth page is read (several pages separated by commas, `2,80`: one snapshot each, to compare what
 * is kept from page to page); BENCH_SWEEP_PAGE sets the sweep's page size; BENCH_SWEEP_ALLOC_PROFILE=<file>
 * records every allocation the sweep makes, garbage included, and prints where most was made.
 * BENCH_SWEEP_GC_EACH_PAGE=1 runs a full collection after each page is queued and prints their total time.
 * Prints the process's CPU time over the sweep, which the machine's load changes less than the wall clock. Arguments: database URL, school slug, ISO instant.
 */
const [databaseUrl, slug, at] = process.argv.slice(2);
if (databaseUrl === undefined || slug === undefined || at === undefined) throw new Error('usage: sweep-child.ts <database url> <school slug> <instant>');
const snapshotAt = new Set((process.env.BENCH_SWEEP_SNAPSHOT_AT ?? '').split(',').filter((page) => page.trim() !== '').map(Number));
const pageSize = process.env.BENCH_SWEEP_PAGE === undefined ? undefined : Number(process.env.BENCH_SWEEP_PAGE);
const sql = createSqlPool(databaseUrl);
const counter = { statements: 0 };
const counting: SqlDriver = {
  query: (text, values, options) => {
    counter.statements++;
    return sql.driver.query(text, values, options);
  },
};
const school = await new PgSchoolReads(driverRunner(sql.driver)).findSchool(slug);
if (school === undefined) throw new Error(`no school ${slug}`);
const store = new PgSweepStore(driverRunner(counting));
let peak = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 5);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)}`;
let pages = 0;
let collect: (() => void) | undefined;
if (process.env.BENCH_SWEEP_GC_EACH_PAGE === '1') {
  setFlagsFromString('--expose-gc');
  collect = runInNewContext('gc') as () => void;
}
let collecting = 0;
let collections = 0;
const traced = new Proxy(store, {
  get(target, name) {
    const value = Reflect.get(target, name, target);
    if (typeof value !== 'function') return value;
    return async (...args: unknown[]) => {
      const out = await value.apply(target, args);
      if (collect !== undefined && name === 'queueReminders') {
        const began = performance.now();
        collect();
        collecting += performance.now() - began;
        collections++;
      }
      if (name === 'loadSweepPage' || name === 'queueReminders' || name === 'assembleDigests') {
        if (name === 'loadSweepPage') pages++;
        const m = process.memoryUsage();
        peak = Math.max(peak, m.rss);
        console.error(`  ${String(name)} (page ${pages}): rss ${mib(m.rss)} MiB, heapUsed ${mib(m.heapUsed)}, heapTotal ${mib(m.heapTotal)}, external ${mib(m.external)}, arrayBuffers ${mib(m.arrayBuffers)}`);
        if (name === 'loadSweepPage' && snapshotAt.has(pages)) console.error(`  heap snapshot: ${writeHeapSnapshot()}`);
      }
      return out;
    };
  },
});
const before = process.memoryUsage();
console.error(`  before the sweep: rss ${mib(before.rss)} MiB, heapUsed ${mib(before.heapUsed)}`);
const stopProfile = await allocationProfile(process.env.BENCH_SWEEP_ALLOC_PROFILE);
const cpu = process.cpuUsage();
const started = performance.now();
const result = await sweepSchool({ reminders: traced, clock: fixedClock(new Date(at)) }, school, { pageSize });
const elapsed = performance.now() - started;
const used = process.cpuUsage(cpu);
console.error(`  the sweep's process: CPU user ${(used.user / 1000).toFixed(0)} ms, system ${(used.system / 1000).toFixed(0)} ms over ${elapsed.toFixed(0)} ms`);
if (collect !== undefined) console.error(`  full collections after each page: ${collections}, ${collecting.toFixed(0)} ms in all`);
await stopProfile();
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());
console.log(JSON.stringify({ ms: elapsed, statements: counter.statements, peakRssMiB: peak / 1024 / 1024, queuedReminders: result.queuedReminders, queuedDigests: result.queuedDigests }));
await sql.pool.end();
