import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseTermDates } from '../src/core/calendar/term-dates.ts';
import { londonInstant } from '../src/core/calendar/london-time.ts';
import { getPreset } from '../src/core/policy/presets/index.ts';
import type { Services } from '../src/compose-services.ts';
import type { Deliverer, DigestOutbox } from '../src/core/reminders/reminder-ports.ts';
import { silentLogger } from '../src/logging/logger.ts';
import { type JobDeps, startJobWorker } from '../src/scheduler/job-worker.ts';
import { sweepSchool } from '../src/core/reminders/run-sweep.ts';
import { setSchool } from '../src/core/schools/set-school.ts';
import type { PrismaClient } from '../src/storage/db/create-prisma-client.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import { ms, peakMemoryMiB, summarise, withBenchServices } from './bench-support.ts';

/**
 * Nudges issue figures: one reminder sweep over a school of 10,000 and of 100,000 staff with a
 * WHMAT-shaped year of obligations, on Thu 15 Oct 2026 at 16:00 (self-reflection due for
 * everyone, 004 §4.2: the heaviest kind of day, one digest per person), and the idle tick five
 * minutes later that finds everything already queued and sent. People and obligations are
 * generated with bulk SQL; the deliverer does nothing, so the figures are Trellis's own cost.
 * Each store call is one SQL statement (two for a non-empty page or claim: the rows, then the
 * people they name), so the round trips printed are the statements a tick costs.
 */
const SIZES = (process.env.BENCH_SWEEP_STAFF ?? '10000,100000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_SWEEP_RUNS ?? 3);
/** Jobs at once in the worker, as the server runs them (its default concurrency). */
const WORKERS = Number(process.env.BENCH_SWEEP_WORKERS ?? 4);
const at = londonInstant('2026-10-15', '16:00');
const terms = parseTermDates(readFileSync(new URL('../config/terms/england-2026-28.yaml', import.meta.url), 'utf8'), 'england-2026-28.yaml');
if (!terms.ok) throw new Error('bad bench terms');
/** A store with every call counted by method, to show a tick's round trips don't grow per person. */
function counting<T extends object>(store: T): { store: T; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(name), (calls.get(String(name)) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

const callsOf = (calls: Map<string, number>) => [...calls].map(([name, n]) => `${name}×${n}`).join(' ');

await withBenchServices(fixedClock(at), async (services) => {
  const prisma = services.database.prisma;
  for (const staff of SIZES) {
    const slug = `sweep-${staff}`;
    const { school } = await setSchool(services, { slug, policy: getPreset('whmat')!, policySource: 'preset:whmat', termDates: terms.value });
    let started = performance.now();
    await generateSchool(prisma, school.id, staff);
    const obligations = await prisma.obligation.count({ where: { person: { schoolId: school.id } } });
    console.log(`${staff} staff: generated ${obligations} obligations in ${ms(performance.now() - started)}`);

    const busy: number[] = [];
    const delivering: number[] = [];
    const idle: number[] = [];
    let rows = 0;
    let delivered = 0;
    let busyCalls = '';
    let deliveryCalls = '';
    let idleCalls = '';
    for (let run = 0; run < RUNS; run++) {
      await prisma.$executeRaw`DELETE FROM nudge_outbox o USING people p WHERE p.id = o.recipient_id AND p.school_id = ${school.id}::uuid`;
      await prisma.$executeRaw`DELETE FROM graphile_worker._private_jobs`;
      // Each run starts as the day's first tick: no mark from the run before.
      await prisma.$executeRaw`DELETE FROM sweep_marks WHERE school_id = ${school.id}::uuid`;
      const counted = counting(services.reminders);
      started = performance.now();
      const result = await sweepSchool({ reminders: counted.store, clock: fixedClock(at) }, school);
      busy.push(performance.now() - started);
      busyCalls = callsOf(counted.calls);
      rows = result.queuedReminders + result.queuedDigests;
      // Then the job engine delivers each digest as its own job, marked sent one at a time.
      const sent = { count: 0 };
      const outbox = counting(services.outbox);
      started = performance.now();
      // The server's worker, as it runs: WORKERS jobs at once, jobs taken and completed in batches.
      const worker = await startJobWorker({ databaseUrl: services.database.url, deps: jobDeps(services, outbox.store, sent), concurrency: WORKERS, cron: false });
      while ((await pendingDigests(prisma, school.id)) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      await worker.stop();
      delivering.push(performance.now() - started);
      deliveryCalls = callsOf(outbox.calls);
      delivered = sent.count;
      const idleCounted = counting(services.reminders);
      started = performance.now();
      await sweepSchool({ reminders: idleCounted.store, clock: fixedClock(new Date(at.getTime() + 5 * 60_000)) }, school);
      idle.push(performance.now() - started);
      idleCalls = callsOf(idleCounted.calls);
    }
    const b = summarise(busy);
    const d = summarise(delivering);
    const i = summarise(idle);
    console.log(
      `${staff} staff, ${RUNS} runs: busy sweep median ${ms(b.median)} (max ${ms(b.max)}), ${rows} outbox rows; delivering ${delivered} digests median ${ms(d.median)} (max ${ms(d.max)}, one job each, the server's worker running ${WORKERS} at once); idle tick median ${ms(i.median)}; peak RSS ${peakMemoryMiB().toFixed(0)} MiB`,
    );
    console.log(`  store calls, busy tick: ${busyCalls}`);
    console.log(`  outbox calls, delivering: ${deliveryCalls}`);
    console.log(`  store calls, idle tick: ${idleCalls}`);
  }
});

/** Digests of the school not yet sent: the bench watches the worker drain them (a bench may poll; tests never do). */
async function pendingDigests(prisma: PrismaClient, schoolId: string): Promise<number> {
  const [row] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM nudge_outbox o JOIN people p ON p.id = o.recipient_id
    WHERE p.school_id = ${schoolId}::uuid AND o.status = 'pending' AND o.payload->>'type' = 'digest'`;
  return row?.n ?? 0;
}

/** The job engine's dependencies with a deliverer that only counts, so the figures are Trellis's own cost. */
function jobDeps(services: Services, outbox: DigestOutbox, sent: { count: number }): JobDeps {
  const findSchool = (slug: string) => services.schools.findSchool(slug);
  const quiet: Deliverer = {
    deliver: () => {
      sent.count++;
      return Promise.resolve({ ok: true });
    },
  };
  return {
    sweep: { reminders: services.reminders, clock: fixedClock(at), findSchool },
    delivery: { outbox, reminders: services.reminders, deliverer: quiet, notices: { sendNotice: () => Promise.resolve({ ok: true }) }, clock: fixedClock(at), findSchool },
    listSchoolSlugs: () => services.reminders.listSchoolSlugs(),
    log: silentLogger,
  };
}

/** People under 1 head and 1 manager per 20 staff; five WHMAT-like obligations each. */
async function generateSchool(prisma: PrismaClient, schoolId: string, staff: number): Promise<void> {
  const managers = Math.max(1, Math.floor(staff / 20));
  // Ids made from the staff number, so a manager's id is computed, not looked up; the prefix keeps schools apart.
  const prefix = `${staff.toString(16).padStart(8, '0')}-0000-7000-8000-`;
  await prisma.$executeRaw`
    INSERT INTO people (id, school_id, email, full_name, role, start_date, updated_at)
    SELECT (${prefix} || lpad(to_hex(n), 12, '0'))::uuid, ${schoolId}::uuid, 'staff' || n || '@bench.example', 'Staff ' || n,
      CASE WHEN n = 0 THEN 'headteacher' WHEN n <= ${managers} THEN 'leader' WHEN n % 4 = 0 THEN 'teaching-assistant' ELSE 'teacher' END,
      DATE '2018-09-01', now() - interval '1 day'
    FROM generate_series(0, ${staff - 1}) AS n`;
  await prisma.$executeRaw`
    UPDATE people SET line_manager_id = (${prefix} || lpad(to_hex(CASE WHEN n <= ${managers} THEN 0 ELSE 1 + n % ${managers} END), 12, '0'))::uuid
    FROM (SELECT id, ('x' || lpad(right(id::text, 12), 16, '0'))::bit(64)::bigint AS n FROM people WHERE school_id = ${schoolId}::uuid) AS v
    WHERE people.id = v.id AND v.n > 0`;
  // Written a day ago, as a roster is long before a sweep: the idle tick reads only what changed since its last tick.
  await prisma.$executeRaw`UPDATE people SET updated_at = now() - interval '1 day' WHERE school_id = ${schoolId}::uuid`;
  await prisma.$executeRaw`UPDATE schools SET updated_at = now() - interval '1 day' WHERE id = ${schoolId}::uuid`;
  await prisma.$executeRaw`
    INSERT INTO cycles (id, school_id, person_id, academic_year, starts_on, ends_on, updated_at)
    SELECT gen_random_uuid(), ${schoolId}::uuid, id, 2026, DATE '2026-10-01', DATE '2027-09-30', now() FROM people WHERE school_id = ${schoolId}::uuid`;
  await prisma.$executeRaw`
    INSERT INTO obligations (id, key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, updated_at)
    SELECT gen_random_uuid(), c.person_id || ':2026:' || t.id, c.id, c.person_id, t.kind, t.label, t.optional, t.opens, t.due, t.owner,
      CASE WHEN t.owner = 'reviewee' THEN c.person_id ELSE p.line_manager_id END, t.rule, now() - interval '1 day'
    FROM cycles c JOIN people p ON p.id = c.person_id
    CROSS JOIN (VALUES
      ('self-reflection', 'self-reflection', 'Self-reflection', false, DATE '2026-09-01', DATE '2026-10-15', 'reviewee', '004 §4.2'),
      ('upr-application', 'upr-application', 'Upper Pay Range business case', true, DATE '2026-09-02', DATE '2026-10-23', 'reviewee', '004 §8.2'),
      ('autumn-check-in', 'check-in', 'Autumn check-in', false, DATE '2026-10-01', DATE '2026-10-30', 'reviewer', '004 §6.3'),
      ('plan-agreed', 'plan-agreed', 'Professional growth plan agreed', false, DATE '2026-10-01', DATE '2026-10-30', 'reviewee', '004 §5.1'),
      ('spring-check-in', 'check-in', 'Spring check-in', false, DATE '2027-01-05', DATE '2027-02-12', 'reviewer', '004 §6.3')
    ) AS t(id, kind, label, optional, opens, due, owner, rule)
    WHERE c.school_id = ${schoolId}::uuid AND (t.owner = 'reviewee' OR p.line_manager_id IS NOT NULL)`;
  await prisma.$executeRaw`ANALYZE`;
}
