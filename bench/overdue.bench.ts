import { readFileSync } from 'node:fs';
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import type { KnownPerson } from '../src/core/bot/bot-ports.ts';
import { parseTermDates } from '../src/core/calendar/term-dates.ts';
import { getPreset } from '../src/core/policy/presets/index.ts';
import { CycleReports } from '../src/core/reports/cycle-reports.ts';
import { OVERDUE_PAGE } from '../src/core/reports/leader-reports.ts';
import { setSchool } from '../src/core/schools/set-school.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import type { PrismaClient } from '../src/storage/db/create-prisma-client.ts';
import { PrismaPeopleFacts, prismaAccess } from '../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaReportReads } from '../src/storage/prisma/prisma-report-reads.ts';
import { countingClient } from '../test/support/counting-client.ts';
import { explainingClient } from '../test/support/explaining-client.ts';
import { PrismaKeptCounts } from '../src/storage/prisma/prisma-kept-counts.ts';
import { type BenchRow, benchScales, measured, printRows, scaleName, withBenchServices } from './bench-support.ts';

/**
 * Issue 16's `overdue` figure: the head asks `overdue` for a school of each scale (`--scale`,
 * default 600 and 10,000 staff), six items each, about half of them overdue, as
 * `test/storage/report-reads-scale.test.ts` seeds it. Three ways, in the same run and database:
 * - `overdue` as Trellis runs it: the access rule decided for the whole school at once
 *   (`AccessGuard.checkSchool`), then one page with its totals;
 * - the way it ran before: every overdue person found, their facts loaded and the rule asked
 *   about each of them (`AccessGuard.check`), then the same page for the allowed ids;
 * - the bare baseline: the page query alone, with no access decision.
 * And the head's `summary` of the same school (its grouped counts), against the same baseline, and
 * `overdue`'s parts alone: the access decision for the school and its facts read.
 */
const SIZES = benchScales([600, 10_000]);
const RUNS = Number(process.env.BENCH_OVERDUE_RUNS ?? 7);
/** BENCH_OVERDUE_EXPLAIN=1: after the timed runs, `overdue` and `summary` once more with EXPLAIN (ANALYZE, BUFFERS) of their statements over 50 ms (BENCH_OVERDUE_EXPLAIN_MS). */
const EXPLAIN = process.env.BENCH_OVERDUE_EXPLAIN === '1';
/** BENCH_RECOUNT_EXPLAIN=1: the recount once more with the plan of each statement inside it (auto_explain). */
const RECOUNT_EXPLAIN = process.env.BENCH_RECOUNT_EXPLAIN === '1';
const NOW = new Date('2026-11-23T10:00:00Z');
const terms = parseTermDates(readFileSync(new URL('../config/terms/england-2026-28.yaml', import.meta.url), 'utf8'), 'england-2026-28.yaml');
if (!terms.ok) throw new Error('bad bench terms');

const rows: BenchRow[] = [];
await withBenchServices(fixedClock(NOW), async (services) => {
  const prisma = services.database.prisma;
  const explaining = explainingClient(prisma, Number(process.env.BENCH_OVERDUE_EXPLAIN_MS ?? 50));
  const { client, counter } = countingClient(explaining.client);
  const reads = new PrismaReportReads(client);
  const access = prismaAccess(client);
  const facts = new PrismaPeopleFacts(client);
  const reports = new CycleReports(reads, access);
  for (const staff of SIZES) {
    const { school } = await setSchool(services, { slug: `overdue-${staff}`, policy: getPreset('thomas-alleyne')!, policySource: 'preset:thomas-alleyne', termDates: terms.value });
    const headId = await generateSchool(prisma, school.id, staff);
    const head: KnownPerson = { id: headId, schoolId: school.id, fullName: 'Head', email: '', role: 'headteacher', active: true };
    const scope = { schoolId: school.id };

    const now = { samples: [] as number[], statements: 0, peak: 0 };
    const summary = { samples: [] as number[], statements: 0, peak: 0 };
    const before = { samples: [] as number[], statements: 0, peak: 0 };
    const decision = { samples: [] as number[], statements: 0, peak: 0 };
    const factsRead = { samples: [] as number[], statements: 0, peak: 0 };
    const bare: number[] = [];
    let title = '';
    for (let run = 0; run < RUNS; run++) {
      let counted = counter.statements;
      const shown = await measured(() => reports.overdue(head, undefined, NOW));
      now.samples.push(shown.ms);
      now.statements = counter.statements - counted;
      now.peak = Math.max(now.peak, shown.peakRssMiB);
      const first = shown.value[0];
      title = first?.type === 'summary' ? first.title : '';

      counted = counter.statements;
      const old = await measured(async () => {
        const people = await client.$queryRaw<{ id: string }[]>`
          SELECT DISTINCT p.id::text AS id FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = o.person_id
          WHERE p.school_id = ${school.id}::uuid AND p.active AND c.academic_year = 2026 AND c.status <> 'excluded'
            AND o.status IN ('open', 'snoozed') AND NOT o.optional AND o.due_on < DATE '2026-11-23'`;
        const decisions = await access.guard.check(headId, people.map((p) => p.id), 'obligations', NOW);
        const allowed = decisions.filter((d) => d.decision.allowed).map((d) => d.subjectId);
        const page = await reads.overduePage(scope, 2026, '2026-11-23', { allowed, decided: allowed, everyoneElse: false }, { offset: 0, limit: OVERDUE_PAGE });
        await access.guard.log(headId, decisions.filter((d) => page.items.some((item) => item.personId === d.subjectId)), 'obligations', NOW);
      });
      before.samples.push(old.ms);
      before.statements = counter.statements - counted;
      before.peak = Math.max(before.peak, old.peakRssMiB);

      counted = counter.statements;
      const summed = await measured(() => reports.summary(head, undefined, NOW));
      summary.samples.push(summed.ms);
      summary.statements = counter.statements - counted;
      summary.peak = Math.max(summary.peak, summed.peakRssMiB);

      // `overdue`'s parts: the access decision for the school, and its facts read on its own.
      counted = counter.statements;
      const decided = await measured(() => access.guard.checkSchool(headId, school.id, 'obligations', NOW));
      decision.samples.push(decided.ms);
      decision.statements = counter.statements - counted;
      decision.peak = Math.max(decision.peak, decided.peakRssMiB);
      counted = counter.statements;
      const read = await measured(() => facts.closeToViewer(headId, school.id));
      factsRead.samples.push(read.ms);
      factsRead.statements = counter.statements - counted;
      factsRead.peak = Math.max(factsRead.peak, read.peakRssMiB);

      const started = performance.now();
      await reads.overduePage(scope, 2026, '2026-11-23', { allowed: [], decided: [], everyoneElse: true }, { offset: 0, limit: OVERDUE_PAGE });
      bare.push(performance.now() - started);
    }
    console.log(`${staff} staff: ${title}`);
    if (EXPLAIN) {
      explaining.on.explain = true;
      await reports.overdue(head, undefined, NOW);
      await reports.summary(head, undefined, NOW);
      explaining.on.explain = false;
      for (const { sql, plan } of explaining.plans.splice(0)) console.log(`--- ${staff} staff: ${sql}\n${plan}`);
    }
    const scale = scaleName(staff);
    rows.push(
      { bench: '`overdue` page 1, the rule decided for the school at once', scale, samples: now.samples, peakRssMiB: now.peak, statements: now.statements, baselineName: 'the page query alone', baseline: bare },
      { bench: '`overdue` page 1, the rule asked person by person (before)', scale, samples: before.samples, peakRssMiB: before.peak, statements: before.statements, baselineName: 'the page query alone', baseline: bare },
    );
    rows.push({ bench: '`summary` for the school (the head)', scale, samples: summary.samples, peakRssMiB: summary.peak, statements: summary.statements, baselineName: 'the overdue page query alone', baseline: bare });
    rows.push(
      { bench: '`overdue`\'s access decision alone (`AccessGuard.checkSchool`)', scale, samples: decision.samples, peakRssMiB: decision.peak, statements: decision.statements, baselineName: 'the overdue page query alone', baseline: bare },
      { bench: 'its facts read alone (`PeopleFacts.closeToViewer`)', scale, samples: factsRead.samples, peakRssMiB: factsRead.peak, statements: factsRead.statements, baselineName: 'the overdue page query alone', baseline: bare },
    );
    // The nightly recount of the kept counts (`recount_kept_counts`), against the fresh grouped
    // count of the school's items alone (what it cannot do without): its locks and rewrite on top.
    const keptCounts = new PrismaKeptCounts(client);
    const recount = { samples: [] as number[], statements: 0, peak: 0 };
    const freshCount: number[] = [];
    for (let run = 0; run < Math.min(RUNS, 3); run++) {
      const counted = counter.statements;
      const recounted = await measured(() => keptCounts.recount(school.id));
      recount.samples.push(recounted.ms);
      if (run === 0) console.log(`${staff} staff: the first recount corrected ${JSON.stringify(recounted.value)}`);
      recount.statements = counter.statements - counted;
      recount.peak = Math.max(recount.peak, recounted.peakRssMiB);
      const started = performance.now();
      await client.$queryRaw`
        SELECT c.school_id, c.academic_year, p.department, p.active, c.status, o.kind, o.optional, o.due_on, o.status, count(*)
        FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = o.person_id WHERE p.school_id = ${school.id}::uuid
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`;
      freshCount.push(performance.now() - started);
    }
    if (RECOUNT_EXPLAIN) await explainRecount(services.database.url, school.id);
    rows.push({ bench: 'the nightly recount of the kept counts (one school)', scale, samples: recount.samples, peakRssMiB: recount.peak, statements: recount.statements, baselineName: 'the items counted afresh alone', baseline: freshCount });
    printRows(rows.slice(-6));
  }
});
printRows(rows);

/** A head, 1 manager per 20 staff, teachers in four departments; six items each, every third person done with the first two. */
async function generateSchool(prisma: PrismaClient, schoolId: string, staff: number): Promise<string> {
  const managers = Math.max(1, Math.floor(staff / 20));
  const prefix = `${staff.toString(16).padStart(8, '0')}-0000-7000-9000-`;
  const idOf = (n: number) => `${prefix}${n.toString(16).padStart(12, '0')}`;
  await prisma.$executeRaw`
    INSERT INTO people (id, school_id, email, full_name, role, department, line_manager_id, start_date, updated_at)
    SELECT (${prefix} || lpad(to_hex(n), 12, '0'))::uuid, ${schoolId}::uuid, 'o' || ${staff} || '.' || n || '@bench.example', 'Teacher ' || n,
      CASE WHEN n = 0 THEN 'headteacher' WHEN n <= ${managers} THEN 'leader' ELSE 'teacher' END,
      (ARRAY['Science', 'Maths', 'English', 'Humanities'])[1 + n % 4],
      CASE WHEN n = 0 THEN NULL WHEN n <= ${managers} THEN (${prefix} || lpad('0', 12, '0'))::uuid ELSE (${prefix} || lpad(to_hex(1 + n % ${managers}), 12, '0'))::uuid END,
      DATE '2018-09-01', now()
    FROM generate_series(0, ${staff - 1}) AS n`;
  await prisma.$executeRaw`
    INSERT INTO cycles (id, school_id, person_id, academic_year, starts_on, ends_on, updated_at)
    SELECT gen_random_uuid(), ${schoolId}::uuid, id, 2026, DATE '2026-09-01', DATE '2027-08-31', now() FROM people WHERE school_id = ${schoolId}::uuid`;
  await prisma.$executeRaw`
    INSERT INTO obligations (id, key, cycle_id, person_id, kind, label, opens_on, due_on, owner_role, rule, status, updated_at)
    SELECT gen_random_uuid(), c.id || ':' || t.k, c.id, c.person_id, t.kind, t.kind, DATE '2026-09-01', t.due, 'reviewee', 'bench',
      CASE WHEN t.k < 2 AND ('x' || right(c.person_id::text, 8))::bit(32)::int % 3 = 0 THEN 'done' ELSE 'open' END, now()
    FROM cycles c CROSS JOIN (VALUES
      (0, 'self-reflection', DATE '2026-10-15'), (1, 'plan-agreed', DATE '2026-10-30'), (2, 'check-in', DATE '2026-11-20'),
      (3, 'check-in', DATE '2027-02-12'), (4, 'interim-review', DATE '2027-03-26'), (5, 'end-of-cycle-review', DATE '2027-10-31')
    ) AS t(k, kind, due)
    WHERE c.school_id = ${schoolId}::uuid`;
  // As autovacuum leaves a table that has settled: statistics, and the visibility map that lets
  // an index-only scan skip the table.
  await prisma.$executeRaw`VACUUM ANALYZE`;
  return idOf(0);
}

/** The recount's statements' plans, as auto_explain reports them to the client. */
async function explainRecount(url: string, schoolId: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    client.on('notice', (notice) => console.log(notice.message));
    await client.query(`LOAD 'auto_explain'`);
    for (const setting of ['auto_explain.log_min_duration = 0', 'auto_explain.log_analyze = on', 'auto_explain.log_nested_statements = on', 'auto_explain.log_level = notice']) {
      await client.query(`SET ${setting}`);
    }
    await client.query('SELECT * FROM recount_kept_counts($1::uuid)', [schoolId]);
  } finally {
    await client.end();
  }
}
