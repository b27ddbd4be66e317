import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WebClient } from '@slack/web-api';
import { startApp } from '../src/compose-app.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { londonInstant } from '../src/core/calendar/london-time.ts';
import { parseTermDates } from '../src/core/calendar/term-dates.ts';
import { getPreset } from '../src/core/policy/presets/index.ts';
import { sweepSchool } from '../src/core/reminders/run-sweep.ts';
import { setSchool } from '../src/core/schools/set-school.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import { silentLogger } from '../src/logging/logger.ts';
import { startJobWorker } from '../src/scheduler/job-worker.ts';
import type { PrismaClient } from '../src/storage/db/create-prisma-client.ts';
import { PrismaReminderStore } from '../src/storage/prisma/prisma-reminder-store.ts';
import { FakeSlack } from '../test/channels/slack/support/fake-slack.ts';
import { countingClient } from '../test/support/counting-client.ts';
import { explainingClient } from '../test/support/explaining-client.ts';
import { generateSchool } from './bench-school.ts';
import { type BenchRow, benchScales, measured, ms, postgresCpuMs, printRows, scaleName } from './bench-support.ts';

/**
 * Nudges issue figures: one reminder sweep over a school of each scale (`--scale`, default 1k and
 * 10k staff) with a WHMAT-shaped year of obligations, on Thu 15 Oct 2026 at 16:00 (self-reflection
 * due for everyone, 004 §4.2: the heaviest kind of day, one digest per person); the job engine
 * delivering every digest through the real delivery path (the channel router and the Slack
 * channel, users looked up by e-mail, DMs opened and posted) to a fake Slack Web API on loopback;
 * and the idle tick five minutes later that finds everything already queued. People and
 * obligations are generated with bulk SQL, written a day before, as a roster is.
 *
 * Statements are counted at the Prisma client the reminder store uses. The bare baselines, in the
 * same run and database: for the busy sweep, one INSERT … SELECT writing the same number of rows
 * into a copy of nudge_outbox (the write no sweep can avoid); for delivering, one claim-and-mark
 * UPDATE per digest with a chat.postMessage to the same fake Slack; for the idle tick, one
 * `SELECT 1` round trip.
 */
const SIZES = benchScales((process.env.BENCH_SWEEP_STAFF ?? '1000,10000').split(',').map(Number));
/** The workspace the fake Slack's auth.test names: users are linked only from the school's own workspace. */
const FAKE_SLACK_TEAM = 'T123ABC456';
const RUNS = Number(process.env.BENCH_SWEEP_RUNS ?? 3);
/** Jobs at once in the worker, as the server runs them (its default concurrency). */
const WORKERS = Number(process.env.BENCH_SWEEP_WORKERS ?? 4);
/** BENCH_SWEEP_DELIVER=0 leaves delivery out (minutes at 10k), to measure the sweep alone. */
const DELIVER = process.env.BENCH_SWEEP_DELIVER !== '0';
/**
 * BENCH_SWEEP_EXPLAIN=1 adds one more busy sweep per scale, after the timed runs, whose raw
 * statements are each run first under EXPLAIN (ANALYZE, BUFFERS) and rolled back; the plans of
 * those taking 50 ms or more are printed, then every plan of an idle tick after it. Its time is not
 * in the figures.
 */
const EXPLAIN = process.env.BENCH_SWEEP_EXPLAIN === '1';
/**
 * BENCH_SWEEP_CHILD=1 runs each busy sweep in a fresh process of its own (`sweep-child.ts`: only
 * the sweep and its storage on a `pg` pool, no Prisma client), which prints its memory after each page;
 * the row's time, statements and peak RSS are then that process's. BENCH_SWEEP_CHILD_NODE_OPTIONS
 * are its Node options (e.g. `--max-old-space-size=128`); several sets separated by `|` are taken in
 * turn, one a run (so BENCH_SWEEP_RUNS=6 with three sets runs each twice on one generated school),
 * and the word `gc-each-page` in a set makes the child collect its garbage after each page
 * (BENCH_SWEEP_GC_EACH_PAGE=1).
 */
const CHILD = process.env.BENCH_SWEEP_CHILD === '1';
const at = londonInstant('2026-10-15', '16:00');
const terms = parseTermDates(readFileSync(new URL('../config/terms/england-2026-28.yaml', import.meta.url), 'utf8'), 'england-2026-28.yaml');
if (!terms.ok) throw new Error('bad bench terms');

const dataDir = await mkdtemp(join(tmpdir(), 'trellis-bench-'));
await chmod(dataDir, 0o755);
const fake = await FakeSlack.start();
const env: Record<string, string> = { TRELLIS_DATA_DIR: dataDir, PORT: '0', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench-secret', SLACK_API_URL: `${fake.url}/api/`, LOG_LEVEL: 'silent' };
if (process.env.BENCH_DATABASE_URL) env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
const app = await startApp(loadConfig(env), fixedClock(at), silentLogger, { scheduler: false, channelsOnly: true });
const rows: BenchRow[] = [];
try {
  const services = app.services;
  const prisma = services.database.prisma;
  const explaining = explainingClient(prisma, 50);
  const { client, counter, driver } = countingClient(explaining.client, { driver: explaining.driver });
  const reminders = new PrismaReminderStore(client, driver);
  await prisma.$executeRaw`CREATE TABLE bench_bare_outbox (LIKE nudge_outbox INCLUDING ALL)`;
  for (const staff of SIZES) {
    const slug = `sweep-${staff}`;
    const { school } = await setSchool(services, { slug, policy: getPreset('whmat')!, policySource: 'preset:whmat', termDates: terms.value });
    let started = performance.now();
    await generateSchool(prisma, school.id, staff);
    for (let n = 0; n < staff; n++) fake.addUser({ id: `U${staff}x${n}`, email: `staff${n}@bench.example`, teamId: FAKE_SLACK_TEAM });
    const obligations = await prisma.obligation.count({ where: { person: { schoolId: school.id } } });
    console.log(`${staff} staff: generated ${obligations} obligations in ${ms(performance.now() - started)}`);

    const busy: number[] = [];
    const delivering: number[] = [];
    const idle: number[] = [];
    const bareInsert: number[] = [];
    const bareDeliver: number[] = [];
    const bareIdle: number[] = [];
    const peaks = { busy: 0, delivering: 0, idle: 0 };
    const statements = { busy: 0, delivering: 0, idle: 0 };
    let outboxRows = 0;
    let idleCalls = '';
    let busyCalls = '';
    /** CPU of the busy sweep, run by run: the embedded PostgreSQL's (all its processes, and its connections' backends alone) and this process's; and the WAL it wrote. Load moves wall time, much less these. */
    const busyCpu: string[] = [];
    let delivered = 0;
    for (let run = 0; run < RUNS; run++) {
      await prisma.$executeRaw`DELETE FROM nudge_outbox o USING people p WHERE p.id = o.recipient_id AND p.school_id = ${school.id}::uuid`;
      await prisma.$executeRaw`DELETE FROM reminders r USING people p WHERE p.id = r.recipient_id AND p.school_id = ${school.id}::uuid`;
      await prisma.$executeRaw`DELETE FROM graphile_worker._private_jobs`;
      // Each run starts as the day's first tick: no mark from the run before.
      await prisma.$executeRaw`DELETE FROM sweep_marks WHERE school_id = ${school.id}::uuid`;
      fake.calls.length = 0;

      let before = counter.statements;
      if (CHILD) {
        const variants = (process.env.BENCH_SWEEP_CHILD_NODE_OPTIONS ?? '').split('|');
        const options = variants[run % variants.length]!;
        const child = await sweepInChild(services.database.url, slug, options);
        console.log(`  run ${run + 1} [${options.trim() || 'no flags'}]: ${ms(child.ms)}, peak RSS ${child.peakRssMiB.toFixed(0)} MiB, ${child.statements} statements (load ${loadavg()[0]!.toFixed(2)})`);
        busy.push(child.ms);
        peaks.busy = Math.max(peaks.busy, child.peakRssMiB);
        statements.busy = child.statements;
        outboxRows = child.queuedReminders + child.queuedDigests;
      } else {
        const timedBusy = timedStore(reminders);
        const pgDir = join(dataDir, 'postgres');
        const [walBefore] = await prisma.$queryRaw<{ lsn: string }[]>`SELECT pg_current_wal_insert_lsn()::text AS lsn`;
        const pgBefore = [await postgresCpuMs(pgDir), await postgresCpuMs(pgDir, 'clients')];
        const nodeBefore = process.cpuUsage();
        const swept = await measured(() => sweepSchool({ reminders: timedBusy.store, clock: fixedClock(at) }, school));
        const nodeUsed = process.cpuUsage(nodeBefore);
        const pgAfter = [await postgresCpuMs(pgDir), await postgresCpuMs(pgDir, 'clients')];
        const pgUsed = (i: number) => (pgBefore[i] === undefined || pgAfter[i] === undefined ? '?' : ms(pgAfter[i]! - pgBefore[i]!));
        const [wal] = await prisma.$queryRaw<{ mib: number }[]>`SELECT (pg_wal_lsn_diff(pg_current_wal_insert_lsn(), ${walBefore!.lsn}::pg_lsn) / 1048576)::float8 AS mib`;
        busyCpu.push(`PostgreSQL ${pgUsed(0)} (its connections' backends ${pgUsed(1)}), Node ${ms((nodeUsed.user + nodeUsed.system) / 1000)}, WAL ${wal!.mib.toFixed(1)} MiB`);
        busyCalls = timedBusy.report();
        busy.push(swept.ms);
        peaks.busy = Math.max(peaks.busy, swept.peakRssMiB);
        statements.busy = counter.statements - before;
        outboxRows = swept.value.queuedReminders + swept.value.queuedDigests;
      }

      // The server's worker, as it runs: WORKERS jobs at once, each digest delivered through the router to Slack.
      before = counter.statements;
      const delivery = await measured(async () => {
        if (!DELIVER) return;
        const worker = await startJobWorker({ databaseUrl: services.database.url, deps: { ...app.jobs, delivery: { ...app.jobs.delivery, outbox: reminders, reminders } }, concurrency: WORKERS, cron: false });
        while ((await pendingDigests(prisma, school.id)) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        await worker.stop();
      });
      delivering.push(delivery.ms);
      peaks.delivering = Math.max(peaks.delivering, delivery.peakRssMiB);
      statements.delivering = counter.statements - before;
      delivered = fake.callsOf('chat.postMessage').length;

      before = counter.statements;
      const timed = timedStore(reminders);
      const quiet = await measured(() => sweepSchool({ reminders: timed.store, clock: fixedClock(new Date(at.getTime() + 5 * 60_000)) }, school));
      idleCalls = timed.report();
      idle.push(quiet.ms);
      peaks.idle = Math.max(peaks.idle, quiet.peakRssMiB);
      statements.idle = counter.statements - before;

      await prisma.$executeRaw`TRUNCATE bench_bare_outbox`;
      started = performance.now();
      await prisma.$executeRaw`
        INSERT INTO bench_bare_outbox (id, key, recipient_id, payload, status, attempts, not_before, created_at, updated_at)
        SELECT gen_random_uuid(), 'bare:' || p.id || ':' || k, p.id, jsonb_build_object('type', 'reminder', 'label', 'Self-reflection', 'dueOn', '2026-10-15'), 'pending', 0, now(), now(), now()
        FROM people p CROSS JOIN generate_series(1, ${Math.max(1, Math.round(outboxRows / staff))}) AS k WHERE p.school_id = ${school.id}::uuid`;
      bareInsert.push(performance.now() - started);
      started = performance.now();
      if (DELIVER) await bareDelivery(prisma, school.id, WORKERS);
      bareDeliver.push(performance.now() - started);
      started = performance.now();
      await prisma.$queryRaw`SELECT 1`;
      bareIdle.push(performance.now() - started);
    }
    if (EXPLAIN) {
      await prisma.$executeRaw`DELETE FROM nudge_outbox o USING people p WHERE p.id = o.recipient_id AND p.school_id = ${school.id}::uuid`;
      await prisma.$executeRaw`DELETE FROM reminders r USING people p WHERE p.id = r.recipient_id AND p.school_id = ${school.id}::uuid`;
      await prisma.$executeRaw`DELETE FROM graphile_worker._private_jobs`;
      await prisma.$executeRaw`DELETE FROM sweep_marks WHERE school_id = ${school.id}::uuid`;
      explaining.on.explain = true;
      await sweepSchool({ reminders, clock: fixedClock(at) }, school);
      explaining.on.explain = false;
      for (const { sql, plan } of explaining.plans.splice(0)) console.log(`--- ${staff} staff, busy sweep: ${sql}\n${plan}`);
      // And the idle tick after it, every statement however quick.
      const explainingIdle = explainingClient(prisma, 0);
      explainingIdle.on.explain = true;
      await sweepSchool({ reminders: new PrismaReminderStore(explainingIdle.client), clock: fixedClock(new Date(at.getTime() + 5 * 60_000)) }, school);
      for (const { sql, plan } of explainingIdle.plans.splice(0)) console.log(`--- ${staff} staff, idle tick: ${sql}\n${plan}`);
    }
    const scale = scaleName(staff);
    console.log(`${staff} staff, ${RUNS} runs: ${outboxRows} outbox rows; ${delivered} digests posted to the fake Slack in the last run`);
    console.log(`  busy sweep, store calls in the last run: ${busyCalls}`);
    if (busyCpu.length > 0) console.log(`  busy sweep, CPU and WAL run by run: ${busyCpu.join('; ')}`);
    console.log(`  idle tick, store calls in the last run: ${idleCalls}`);
    rows.push(
      { bench: 'busy sweep (everyone due a digest)', scale, samples: busy, peakRssMiB: peaks.busy, statements: statements.busy, baselineName: 'one INSERT … SELECT of the same rows', baseline: bareInsert },
      { bench: `delivering every digest (worker, ${WORKERS} at once, fake Slack)`, scale, samples: delivering, peakRssMiB: peaks.delivering, statements: statements.delivering, baselineName: 'one UPDATE + one postMessage per digest', baseline: bareDeliver },
      { bench: 'idle tick five minutes later', scale, samples: idle, peakRssMiB: peaks.idle, statements: statements.idle, baselineName: 'SELECT 1', baseline: bareIdle },
    );
    // Each scale's rows as soon as they are measured; all of them again at the end.
    printRows(rows.slice(-3));
  }
} finally {
  await app.close();
  await fake.close();
  await rm(dataDir, { recursive: true, force: true });
}
printRows(rows);
console.log('Peak RSS is this process (Trellis, the job worker and the fake Slack), sampled every 5 ms while the work ran; PostgreSQL runs in its own process.');

interface ChildSweep {
  ms: number;
  statements: number;
  peakRssMiB: number;
  queuedReminders: number;
  queuedDigests: number;
}

/** One busy sweep in a fresh process (`sweep-child.ts`); its per-page memory lines are passed through. */
function sweepInChild(databaseUrl: string, slug: string, options: string): Promise<ChildSweep> {
  const words = options.split(' ').filter((option) => option !== '');
  const nodeOptions = words.filter((word) => word !== 'gc-each-page');
  const gcEachPage = words.includes('gc-each-page') ? '1' : '0';
  const args = [...nodeOptions, '--import', 'tsx', fileURLToPath(new URL('./sweep-child.ts', import.meta.url)), databaseUrl, slug, at.toISOString()];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, LOG_LEVEL: 'silent', BENCH_SWEEP_GC_EACH_PAGE: gcEachPage }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`the sweep's process exited ${code}: ${stdout}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildSweep);
    });
  });
}

/** The store with each call timed, to show where a tick's time goes. */
function timedStore(store: PrismaReminderStore): { store: PrismaReminderStore; report: () => string } {
  const spent = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await value.apply(target, args);
        } finally {
          spent.set(String(name), (spent.get(String(name)) ?? 0) + performance.now() - started);
        }
      };
    },
  });
  return { store: proxy, report: () => [...spent].map(([name, time]) => `${name} ${ms(time)}`).join(', ') };
}

/**
 * The least a delivery can do: per digest, mark it sent in one statement and post it to the same
 * fake Slack, `workers` at a time.
 */
async function bareDelivery(prisma: PrismaClient, schoolId: string, workers: number): Promise<void> {
  const ids = (await prisma.$queryRaw<{ id: string }[]>`SELECT b.id::text AS id FROM bench_bare_outbox b JOIN people p ON p.id = b.recipient_id WHERE p.school_id = ${schoolId}::uuid`).map((row) => row.id);
  const slack = new WebClient('xoxb-bench', { slackApiUrl: `${fake.url}/api/` });
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        await prisma.$executeRaw`UPDATE bench_bare_outbox SET status = 'sent', updated_at = now() WHERE id = ${id}::uuid AND status = 'pending'`;
        await slack.chat.postMessage({ channel: 'DBARE', text: 'bare' });
      }
    }),
  );
}

/** Digests of the school not yet sent: the bench watches the worker drain them (a bench may poll; tests never do). */
async function pendingDigests(prisma: PrismaClient, schoolId: string): Promise<number> {
  const [row] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM nudge_outbox o JOIN people p ON p.id = o.recipient_id
    WHERE p.school_id = ${schoolId}::uuid AND o.status = 'pending' AND o.payload->>'type' = 'digest'`;
  return row?.n ?? 0;
}
