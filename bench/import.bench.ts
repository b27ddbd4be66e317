import { createReadStream, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseTermDates } from '../src/core/calendar/term-dates.ts';
import { getPreset } from '../src/core/policy/presets/index.ts';
import { handOverTable, importRoster, PLAN_PAGE, type RosterTableSource } from '../src/core/roster/import-roster.ts';
import { readRosterStream } from '../src/core/roster/roster-table.ts';
import { setSchool } from '../src/core/schools/set-school.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import { type SqlTransaction, type SqlTransactions, transactionsOf } from '../src/storage/db/create-prisma-client.ts';
import { copyObligations, type NewObligation, PrismaObligationRepository } from '../src/storage/prisma/prisma-obligation-repository.ts';
import { PrismaRosterRepository } from '../src/storage/prisma/prisma-roster-repository.ts';
import { countingClient } from '../test/support/counting-client.ts';
import type { Services } from '../src/compose-services.ts';
import { type BenchRow, benchScales, measured, postgresCpuMs, printRows, runTimedChild, scaleName, withBenchServices } from './bench-support.ts';

/**
 * Streaming imports (issue 16): `trellis import roster` of a generated CSV of each scale
 * (`--scale`, default 10k and 50k staff) into a WHMAT school, as the command line runs it (the
 * file read from disk, parsed, diffed, written, obligations planned and stored):
 * - first load, into a new school each run;
 * - an unchanged re-import of the same file;
 * - a re-import with 1% of the lines changed (a new department each run).
 * Statements are counted at the Prisma client the roster and obligation stores use, and at the
 * `pg` transactions a page of obligations runs in (its statements and its `COPY`). The bare
 * baseline, in the same run and database: PostgreSQL's own `COPY` of the same file into a scratch
 * table of text columns (the least any import of these rows can cost).
 */
const SIZES = benchScales([10_000, 50_000]);
const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 3);
/** BENCH_IMPORT_EXPLAIN=1: after the first load, EXPLAIN ANALYZE one page of 10,000 obligations inserted again, and the same page by `unnest` against `COPY` (all rolled back). */
const EXPLAIN = process.env.BENCH_IMPORT_EXPLAIN === '1';
/**
 * BENCH_IMPORT_CLI=1: after each in-process first load, the same file loaded by the command line
 * as a child process (`node bin/trellis.js import roster FILE --school …`, into a new school of its
 * own), its wall time and peak RSS from `/usr/bin/time -v`: the import's own memory, without this
 * process's CSV, schools and state. BENCH_IMPORT_CLI_NODE_OPTIONS is the child's NODE_OPTIONS (a
 * heap cap), BENCH_IMPORT_CLI_NODE_FLAGS more flags for its node (several sets separated by `|`, each run once a run) (with `--trace-gc`, not allowed in
 * NODE_OPTIONS, the largest heap left after a full collection is printed: the live set at the peak).
 */
const CLI = process.env.BENCH_IMPORT_CLI === '1';
const PARTS_RUN = process.env.BENCH_IMPORT_PARTS === '1';
const trellisBin = fileURLToPath(new URL('../bin/trellis.js', import.meta.url));
const clock = fixedClock('2026-09-07T09:00:00Z');
const terms = parseTermDates(readFileSync(new URL('../config/terms/england-2026-28.yaml', import.meta.url), 'utf8'), 'england-2026-28.yaml');
if (!terms.ok) throw new Error('bad bench terms');

const HEADER = 'email,full_name,role,line_manager_email,department,coach_email,start_date,contract,contract_end,flags';

/** A roster of `count` staff: a head, 50 managers reporting to the head, everyone else to one of them. `changed` lines (every 100th) get department `tag`. */
function rosterCsv(count: number, tag = ''): string {
  const roles = ['teacher', 'teacher', 'teacher', 'teaching-assistant', 'support', 'leader'];
  const flagSets = ['', '', 'tlr', 'ups', 'part-time', 'ect', 'upr;tlr'];
  const lines = [HEADER, 'head@bench.example,Head Teacher,headteacher,,,,2010-09-01,permanent,,'];
  for (let i = 1; i < count; i++) {
    const manager = i <= 50 ? 'head@bench.example' : `staff${1 + (i % 50)}@bench.example`;
    const start = i % 23 === 0 ? '2027-01-11' : '2018-09-01';
    const department = tag !== '' && i % 100 === 7 ? `Dept ${tag}` : `Dept ${i % 12}`;
    lines.push(`staff${i}@bench.example,Staff ${i},${roles[i % roles.length]},${manager},${department},,${start},permanent,,${flagSets[i % flagSets.length]}`);
  }
  return `${lines.join('\n')}\n`;
}

class RolledBack extends Error {}

/** The file read and handed over, as the command line does: only the import holds its table. */
async function handedOver(path: string): Promise<RosterTableSource> {
  const read = await readRosterStream(() => createReadStream(path));
  if (!read.ok) throw new Error(read.fileProblem);
  return handOverTable(read.table);
}

/** Times each statement, by model and operation or by the raw SQL's first words (BENCH_IMPORT_EXPLAIN). */
function timedClient(prisma: Services['database']['prisma'], timings: Map<string, { ms: number; calls: number }>): Services['database']['prisma'] {
  return prisma.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        const raw = (args as { strings?: readonly string[] } | readonly { strings?: readonly string[] }[] | undefined) ?? {};
        const sql = Array.isArray(raw) ? raw[0]?.strings?.[0] : (raw as { strings?: readonly string[] }).strings?.[0];
        const label = model !== undefined ? `${model}.${operation}` : `${operation} ${(sql ?? '').replace(/\s+/g, ' ').trim().slice(0, 70)}`;
        const started = performance.now();
        try {
          return await query(args);
        } finally {
          const entry = timings.get(label) ?? { ms: 0, calls: 0 };
          entry.ms += performance.now() - started;
          entry.calls++;
          timings.set(label, entry);
        }
      },
    },
  }) as unknown as Services['database']['prisma'];
}

/**
 * The `pg` transactions a page of cycles and obligations runs in, each statement counted (and,
 * with `timings`, timed by its first words, as `timedClient` does Prisma's). BEGIN and COMMIT are
 * not counted, as Prisma's transactions' are not.
 */
function countedTransactions(transactions: SqlTransactions, counter: { statements: number }, timings: Map<string, { ms: number; calls: number }> | undefined): SqlTransactions {
  const timed = async <T>(text: string, work: () => Promise<T>): Promise<T> => {
    counter.statements++;
    const started = performance.now();
    try {
      return await work();
    } finally {
      if (timings !== undefined) {
        const label = `pg ${text.replace(/\s+/g, ' ').trim().slice(0, 70)}`;
        const entry = timings.get(label) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - started;
        entry.calls++;
        timings.set(label, entry);
      }
    }
  };
  return {
    transaction: (work, options) =>
      transactions.transaction(
        (tx) =>
          work({
            now: tx.now,
            query: (text, values) => timed(text, () => tx.query(text, values)),
            copyIn: (copy, lines) => timed(copy, () => tx.copyIn(copy, lines)),
          }),
        options,
      ),
  };
}

/**
 * The insert of one page of obligations as the import writes it (`INSERT … SELECT FROM unnest`
 * is the same plan as from a table): 10,000 of the school's obligations copied under new ids and
 * keys, inserted under EXPLAIN ANALYZE in a transaction that is then rolled back. The plan lists
 * the time of each foreign-key check and each statement trigger; the rest is the table and its indexes.
 * Before that, the same rows are inserted (and rolled back) three rounds of four ways, timed at the
 * client: `unnest` of parameters with dates as Dates, the same with dates as text, one JSON
 * parameter, and from a table already in the database (what getting the parameters in costs).
 */
async function explainObligationsPage(prisma: Services['database']['prisma'], slug: string): Promise<void> {
  await prisma
    .$transaction(
      async (tx) => {
        await tx.$executeRaw`CREATE TEMP TABLE bench_page ON COMMIT DROP AS
          SELECT o.* FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN schools s ON s.id = c.school_id WHERE s.slug = ${slug} LIMIT 10000`;
        const plan = await tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) INSERT INTO obligations
          (id, key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, status, created_at, updated_at)
          SELECT gen_random_uuid(), key || ':again', cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, status, now(), now() FROM bench_page`);
        const rows = await tx.$queryRaw<{ id: string; key: string; cycle_id: string; person_id: string; kind: string; label: string; optional: boolean; opens_on: Date; due_on: Date; owner_role: string; owner_person_id: string | null; rule: string }[]>`
          SELECT gen_random_uuid()::text AS id, key || ':unnest' AS key, cycle_id::text AS cycle_id, person_id::text AS person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id::text AS owner_person_id, rule FROM bench_page`;
        // Each way three times, interleaved, in the same transaction (rolled back).
        const times: Record<'unnest' | 'strings' | 'json' | 'table', number[]> = { unnest: [], strings: [], json: [], table: [] };
        for (let round = 0; round < 3; round++) {
          let started = performance.now();
          await tx.$executeRaw`INSERT INTO obligations (id, key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, status, created_at, updated_at)
            SELECT gen_random_uuid(), key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, 'open', now(), now()
            FROM unnest(${rows.map((r) => `${r.key}:u${round}`)}::text[], ${rows.map((r) => r.cycle_id)}::uuid[], ${rows.map((r) => r.person_id)}::uuid[],
              ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.label)}::text[], ${rows.map((r) => r.optional)}::boolean[],
              ${rows.map((r) => r.opens_on)}::date[], ${rows.map((r) => r.due_on)}::date[], ${rows.map((r) => r.owner_role)}::text[],
              ${rows.map((r) => r.owner_person_id)}::uuid[], ${rows.map((r) => r.rule)}::text[])
              AS v(key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule)`;
          times.unnest.push(performance.now() - started);
          started = performance.now();
          const day = (date: Date) => date.toISOString().slice(0, 10);
          await tx.$executeRaw`INSERT INTO obligations (id, key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, status, created_at, updated_at)
            SELECT gen_random_uuid(), key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, 'open', now(), now()
            FROM unnest(${rows.map((r) => `${r.key}:s${round}`)}::text[], ${rows.map((r) => r.cycle_id)}::uuid[], ${rows.map((r) => r.person_id)}::uuid[],
              ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.label)}::text[], ${rows.map((r) => r.optional)}::boolean[],
              ${rows.map((r) => day(r.opens_on))}::date[], ${rows.map((r) => day(r.due_on))}::date[], ${rows.map((r) => r.owner_role)}::text[],
              ${rows.map((r) => r.owner_person_id)}::uuid[], ${rows.map((r) => r.rule)}::text[])
              AS v(key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule)`;
          times.strings.push(performance.now() - started);
          started = performance.now();
          const json = JSON.stringify(rows.map((r) => ({ ...r, key: `${r.key}:j${round}`, id: undefined })));
          await tx.$executeRaw`INSERT INTO obligations (id, key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, status, created_at, updated_at)
            SELECT gen_random_uuid(), key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, 'open', now(), now()
            FROM json_to_recordset(${json}::json) AS v(key text, cycle_id uuid, person_id uuid, kind text, label text, optional boolean, opens_on date, due_on date, owner_role text, owner_person_id uuid, rule text)`;
          times.json.push(performance.now() - started);
          started = performance.now();
          await tx.$executeRawUnsafe(`INSERT INTO obligations (id, key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, status, created_at, updated_at)
            SELECT gen_random_uuid(), key || ':t${round}', cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, status, now(), now() FROM bench_page`);
          times.table.push(performance.now() - started);
        }
        console.log(`the same 10,000 rows (3 rounds, ms): from unnest of parameters ${times.unnest.map((t) => t.toFixed(0)).join('/')}, the same with dates as text ${times.strings.map((t) => t.toFixed(0)).join('/')}, one JSON parameter ${times.json.map((t) => t.toFixed(0)).join('/')}, a table already in the database ${times.table.map((t) => t.toFixed(0)).join('/')}`);
        console.log(`EXPLAIN ANALYZE, one page of 10,000 obligations:\n${plan.map((row) => row['QUERY PLAN']).join('\n')}`);
        const indexes = await tx.$queryRaw<{ name: string; scans: number }[]>`SELECT indexrelname AS name, idx_scan::int AS scans FROM pg_stat_user_indexes
          WHERE relname IN ('obligations', 'cycles', 'people') ORDER BY relname, indexrelname`;
        console.log(`index scans so far: ${indexes.map((index) => `${index.name} ${index.scans}`).join(', ')}`);
        throw new RolledBack();
      },
      { timeout: 300_000 },
    )
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
}

/**
 * The same 10,000 of the school's obligations written again under new keys, three interleaved
 * rounds of two ways on one connection of the client's own pool, timed at the client and all
 * rolled back: the `unnest` insert a page used before (dates as text), and `COPY … FROM STDIN`
 * as a page writes them now.
 */
async function compareCopyAndUnnest(prisma: Services['database']['prisma'], slug: string): Promise<void> {
  type Row = { cycle_id: string; person_id: string; key: string; kind: NewObligation['kind']; label: string; optional: boolean; opens_on: string; due_on: string; owner_role: NewObligation['ownerRole']; owner_person_id: string | null; rule: string };
  const times: Record<'unnest' | 'copy', number[]> = { unnest: [], copy: [] };
  await transactionsOf(prisma)!
    .transaction(
      async (tx) => {
        const { rows } = await tx.query<Row>(
          `SELECT o.cycle_id::text AS cycle_id, o.person_id::text AS person_id, o.key, o.kind, o.label, o.optional, o.opens_on::text AS opens_on, o.due_on::text AS due_on,
            o.owner_role, o.owner_person_id::text AS owner_person_id, o.rule FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN schools s ON s.id = c.school_id
          WHERE s.slug = $1 LIMIT 10000`,
          [slug],
        );
        for (let round = 0; round < 3; round++) {
          let started = performance.now();
          await tx.query(
            `INSERT INTO obligations (id, key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, status, created_at, updated_at)
            SELECT gen_random_uuid(), key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, 'open', now(), now()
            FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::boolean[], $7::date[], $8::date[], $9::text[], $10::uuid[], $11::text[])
              AS v(key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule)`,
            [
              rows.map((r) => `${r.key}:u${round}`),
              rows.map((r) => r.cycle_id),
              rows.map((r) => r.person_id),
              rows.map((r) => r.kind),
              rows.map((r) => r.label),
              rows.map((r) => r.optional),
              rows.map((r) => r.opens_on),
              rows.map((r) => r.due_on),
              rows.map((r) => r.owner_role),
              rows.map((r) => r.owner_person_id),
              rows.map((r) => r.rule),
            ],
          );
          times.unnest.push(performance.now() - started);
          started = performance.now();
          await copyObligations(
            tx,
            rows.map((r) => ({
              key: `${r.key}:c${round}`,
              cycleId: r.cycle_id,
              personId: r.person_id,
              kind: r.kind,
              label: r.label,
              optional: r.optional,
              opensOn: r.opens_on,
              dueOn: r.due_on,
              ownerRole: r.owner_role,
              ownerPersonId: r.owner_person_id,
              rule: r.rule,
            })),
          );
          times.copy.push(performance.now() - started);
        }
        throw new RolledBack();
      },
      { timeoutMs: 300_000 },
    )
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  console.log(`the same 10,000 rows on one pool connection (3 rounds, ms): unnest with dates as text ${times.unnest.map((t) => t.toFixed(0)).join('/')}, COPY ${times.copy.map((t) => t.toFixed(0)).join('/')}`);
}

/**
 * BENCH_IMPORT_PARTS=1: after the first load, what each part of the obligations' write costs the
 * server. The school's obligations are written out a page of 1,000 people at a time (server-side
 * files), then copied again page by page (`COPY … FROM` each file, as the import's pages) into a
 * bare copy of the table, adding the table's indexes, keys and triggers one at a time, each set in
 * a transaction of its own that is rolled back (the school's `cycle_first_dues` rows taken away
 * first, so the fold inserts them as on a first load). The CPU of the one backend that ran it
 * (/proc) and the wall time; each part's cost is its row's figure less the row above.
 */
const PARTS: readonly { name: string; sql: readonly string[] }[] = [
  { name: 'the bare table (no index, key or trigger)', sql: [] },
  { name: '+ primary key (id)', sql: ['ALTER TABLE bench_parts ADD PRIMARY KEY (id)'] },
  { name: '+ unique key', sql: ['CREATE UNIQUE INDEX ON bench_parts (key)'] },
  { name: '+ (cycle_id)', sql: ['CREATE INDEX ON bench_parts (cycle_id)'] },
  { name: '+ (person_id, status)', sql: ['CREATE INDEX ON bench_parts (person_id, status)'] },
  { name: '+ (owner_person_id, status)', sql: ['CREATE INDEX ON bench_parts (owner_person_id, status)'] },
  { name: '+ (due_on, status)', sql: ['CREATE INDEX ON bench_parts (due_on, status)'] },
  { name: '+ (updated_at)', sql: ['CREATE INDEX ON bench_parts (updated_at)'] },
  { name: '+ open by due (partial)', sql: [`CREATE INDEX ON bench_parts (due_on) INCLUDE (cycle_id, person_id, kind) WHERE status IN ('open', 'snoozed') AND NOT optional`] },
  { name: '+ foreign key (cycle_id, person_id) → cycles', sql: ['ALTER TABLE bench_parts ADD FOREIGN KEY (cycle_id, person_id) REFERENCES cycles (id, person_id) ON DELETE CASCADE ON UPDATE CASCADE'] },
  { name: '+ foreign key owner_person_id → people', sql: ['ALTER TABLE bench_parts ADD FOREIGN KEY (owner_person_id) REFERENCES people (id) ON DELETE SET NULL ON UPDATE CASCADE'] },
  {
    name: '+ `report_tallies` statement trigger',
    sql: ['CREATE TRIGGER bench_parts_tallies AFTER INSERT ON bench_parts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_obligations_inserted()'],
  },
  {
    name: '+ `cycle_first_dues` statement trigger',
    sql: ['CREATE TRIGGER bench_parts_first_dues AFTER INSERT ON bench_parts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cycle_first_dues_obligations_inserted()'],
  },
];

/** This backend's CPU so far (user + system), in ms, from /proc. */
async function backendCpuMs(tx: { query: SqlTransaction['query'] }): Promise<number> {
  const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid', []);
  const stat = readFileSync(`/proc/${rows[0]!.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function measureParts(prisma: Services['database']['prisma'], slug: string, dir: string, extra: readonly { name: string; sql: readonly string[] }[] = []): Promise<void> {
  const transactions = transactionsOf(prisma)!;
  const pages = await prisma.$queryRawUnsafe<{ page: number; n: number }[]>(`SELECT page, count(*)::int AS n FROM (
      SELECT (dense_rank() OVER (ORDER BY o.person_id) - 1) / ${PLAN_PAGE} AS page FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN schools s ON s.id = c.school_id WHERE s.slug = '${slug}'
    ) t GROUP BY page ORDER BY page`);
  await prisma.$executeRawUnsafe(`CREATE TABLE bench_parts_source AS SELECT o.*, (dense_rank() OVER (ORDER BY o.person_id) - 1) / ${PLAN_PAGE} AS page
    FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN schools s ON s.id = c.school_id WHERE s.slug = '${slug}'`);
  const columns = 'id, key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, status, created_at, updated_at';
  for (const { page } of pages) {
    await prisma.$executeRawUnsafe(`COPY (SELECT ${columns} FROM bench_parts_source WHERE page = ${page}) TO '${join(dir, `parts-${page}`)}'`);
  }
  const rows = pages.reduce((sum, page) => sum + page.n, 0);
  console.log(`the obligations' write by part: ${rows} rows in ${pages.length} pages, each set copied in a transaction of its own (rolled back); load ${loadavg()[0]!.toFixed(1)}`);
  const sets = [...PARTS, ...extra];
  let previous: number | undefined;
  for (let upTo = 0; upTo < sets.length; upTo++) {
    const result = await transactions
      .transaction(
        async (tx) => {
          await tx.query(`CREATE TABLE bench_parts (LIKE obligations INCLUDING DEFAULTS)`, []);
          for (const part of sets.slice(0, upTo + 1)) for (const sql of part.sql) await tx.query(sql, []);
          await tx.query(`DELETE FROM cycle_first_dues WHERE school_id = (SELECT id FROM schools WHERE slug = $1)`, [slug]);
          const cpuBefore = await backendCpuMs(tx);
          const started = performance.now();
          for (const { page } of pages) await tx.query(`COPY bench_parts (${columns}) FROM '${join(dir, `parts-${page}`)}'`, []);
          const ms = performance.now() - started;
          const cpu = (await backendCpuMs(tx)) - cpuBefore;
          throw new PartsMeasured(cpu, ms);
        },
        { timeoutMs: 600_000 },
      )
      .catch((error: unknown) => {
        if (error instanceof PartsMeasured) return error;
        throw error;
      });
    const part = `${sets[upTo]!.name}: backend CPU ${result.cpuMs.toFixed(0)} ms${previous === undefined ? '' : ` (${result.cpuMs - previous >= 0 ? '+' : ''}${(result.cpuMs - previous).toFixed(0)})`}, wall ${result.ms.toFixed(0)} ms; load ${loadavg()[0]!.toFixed(1)}`;
    console.log(`  ${part}`);
    previous = result.cpuMs;
  }
  await prisma.$executeRawUnsafe('DROP TABLE bench_parts_source');
}

class PartsMeasured extends Error {
  constructor(
    readonly cpuMs: number,
    readonly ms: number,
  ) {
    super('measured');
  }
}

/** `trellis import roster` as a child process under /usr/bin/time -v (its clock is the machine's: the same academic year as the bench's). */
async function runCliImport(databaseUrl: string, slug: string, path: string, nodeFlags: string): Promise<{ ms: number; peakRssMiB: number | undefined; said: string; liveMiB: number | undefined; fullCollections: string[]; cpu: string }> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: databaseUrl, LOG_LEVEL: 'error' };
  if (process.env.BENCH_IMPORT_CLI_NODE_OPTIONS) env.NODE_OPTIONS = process.env.BENCH_IMPORT_CLI_NODE_OPTIONS;
  const flags = nodeFlags.split(' ').filter((flag) => flag !== '');
  let stdout = '';
  // With --trace-gc the largest heap left after a full collection: what was live at the peak.
  let liveMiB: number | undefined;
  const fullCollections: string[] = [];
  let partial = '';
  const run = await runTimedChild(
    [process.execPath, ...flags, trellisBin, 'import', 'roster', path, '--school', slug],
    env,
    (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const after = /Mark-Compact[^\d]*[\d.]+ \([\d.]+\) -> ([\d.]+) \(/.exec(line)?.[1];
        if (after !== undefined) {
          liveMiB = Math.max(liveMiB ?? 0, Number(after));
          fullCollections.push(after);
        } else stdout = `${stdout}${line}\n`.slice(-8_000);
      }
    },
    () => stdout,
  );
  // Its CPU time (user + system, from /usr/bin/time), which the machine's load changes less than the wall clock.
  const cpu = ['User', 'System'].map((kind) => new RegExp(`${kind} time \\(seconds\\): ([\\d.]+)`).exec(run.stderr)?.[1] ?? '–').join(' s + ');
  return { ms: run.ms, peakRssMiB: run.peakRssMiB, said: `${stdout}${partial}`.trim().split('\n').slice(-3).join(' / '), liveMiB, fullCollections, cpu };
}

const fileDir = await mkdtemp(join(tmpdir(), 'trellis-bench-import-'));
// The embedded server reads the file for the COPY baseline as its own user.
await chmod(fileDir, 0o755);
const rows: BenchRow[] = [];
try {
  await withBenchServices(clock, async (services) => {
    const prisma = services.database.prisma;
    const { client: counting, counter } = countingClient(prisma);
    const timings = new Map<string, { ms: number; calls: number }>();
    const client = EXPLAIN ? timedClient(counting, timings) : counting;
    // The counting client is wrapped by $extends, so the obligation store is handed the pool's transactions (COPY) itself.
    const transactions = countedTransactions(transactionsOf(prisma)!, counter, EXPLAIN ? timings : undefined);
    const deps = { schools: services.schools, roster: new PrismaRosterRepository(client), obligations: new PrismaObligationRepository(client, transactions), clock };
    /** The command line's path: read the file, then import it. */
    const importFile = async (slug: string, path: string) => {
      const result = await importRoster(deps, slug, await handedOver(path));
      if (!result.ok) throw new Error(result.fileProblem);
      if (result.problems.length > 0) throw new Error(`bench roster had problems: ${result.problems[0]!.message}`);
      return result;
    };
    const pgDataDir = (await prisma.$queryRawUnsafe<{ data_directory: string }[]>('SHOW data_directory'))[0]?.data_directory;
    await prisma.$executeRawUnsafe(`CREATE TABLE bench_bare_roster (${HEADER.split(',').map((column) => `${column} text`).join(', ')})`);
    for (const staff of SIZES) {
      const scale = scaleName(staff);
      const path = join(fileDir, `roster-${scale}.csv`);
      await writeFile(path, rosterCsv(staff), { mode: 0o644 });
      const first: number[] = [];
      const unchanged: number[] = [];
      const changed: number[] = [];
      const bare: number[] = [];
      const cli: number[] = [];
      let cliPeak = 0;
      const peaks = { first: 0, unchanged: 0, changed: 0 };
      const statements = { first: 0, unchanged: 0, changed: 0 };
      let summary = '';
      for (let run = 0; run < RUNS; run++) {
        const slug = `import-${scale}-${run}`;
        await setSchool(services, { slug, policy: getPreset('whmat')!, policySource: 'preset:whmat', termDates: terms.value });

        let before = counter.statements;
        // CPU, which the machine's load moves less than the wall clock: this process's, and the embedded server's (its backends and autovacuum).
        const serverBefore = pgDataDir === undefined ? undefined : await postgresCpuMs(pgDataDir);
        const nodeBefore = process.cpuUsage();
        const loaded = await measured(() => importFile(slug, path));
        const node = process.cpuUsage(nodeBefore);
        const serverAfter = pgDataDir === undefined ? undefined : await postgresCpuMs(pgDataDir);
        const server = serverBefore === undefined || serverAfter === undefined ? '–' : (serverAfter - serverBefore).toFixed(0);
        console.log(`  run ${run + 1}: first load ${loaded.ms.toFixed(0)} ms, Node CPU ${((node.user + node.system) / 1000).toFixed(0)} ms, PostgreSQL CPU ${server} ms; load ${loadavg()[0]!.toFixed(1)}`);
        first.push(loaded.ms);
        peaks.first = Math.max(peaks.first, loaded.peakRssMiB);
        statements.first = counter.statements - before;
        if (run === 0) summary = `${loaded.value.changes.created} people, ${loaded.value.obligations.created} obligations`;
        if (run === 0 && EXPLAIN) {
          const top = [...timings].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
          console.log(`first load, statements by time:\n${top.map(([label, t]) => `  ${t.ms.toFixed(0)} ms, ${t.calls} calls: ${label}`).join('\n')}`);
          await explainObligationsPage(prisma, slug);
          await compareCopyAndUnnest(prisma, slug);
        }
        if (run === 0 && PARTS_RUN) {
          // Written by the server itself (as its own user when run as root).
          const partsDir = join(fileDir, `parts-${scale}`);
          await mkdir(partsDir);
          await chmod(partsDir, 0o777);
          await measureParts(prisma, slug, partsDir, [
            {
              name: 'the two keys replaced by one statement trigger checking the references (as stored)',
              sql: [
                'ALTER TABLE bench_parts DROP CONSTRAINT bench_parts_cycle_id_person_id_fkey, DROP CONSTRAINT bench_parts_owner_person_id_fkey',
                'CREATE TRIGGER bench_parts_references AFTER INSERT ON bench_parts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION obligations_references_inserted()',
              ],
            },
          ]);
        }

        // Several sets of BENCH_IMPORT_CLI_NODE_FLAGS separated by `|` are each run once a run, each into a school of its own.
        for (const [variant, nodeFlags] of (CLI ? (process.env.BENCH_IMPORT_CLI_NODE_FLAGS ?? '').split('|') : []).entries()) {
          const cliSlug = `import-cli-${scale}-${run}-${variant}`;
          await setSchool(services, { slug: cliSlug, policy: getPreset('whmat')!, policySource: 'preset:whmat', termDates: terms.value });
          const child = await runCliImport(services.database.url, cliSlug, path, nodeFlags);
          cli.push(child.ms);
          cliPeak = Math.max(cliPeak, child.peakRssMiB ?? 0);
          console.log(`  run ${run + 1} [${nodeFlags.trim() || 'no flags'}]: \`trellis import roster\` as a child ${child.ms.toFixed(0)} ms (CPU ${child.cpu} s), peak RSS ${child.peakRssMiB?.toFixed(0) ?? '–'} MiB ${child.liveMiB === undefined ? '' : ` (largest heap after a full GC ${child.liveMiB.toFixed(0)} MB; after each: ${child.fullCollections.join(', ')} MB)`} (in this process ${loaded.ms.toFixed(0)} ms, ${loaded.peakRssMiB.toFixed(0)} MiB); load ${loadavg()[0]!.toFixed(1)}; it said: ${child.said}`);
        }

        before = counter.statements;
        const again = await measured(() => importFile(slug, path));
        unchanged.push(again.ms);
        peaks.unchanged = Math.max(peaks.unchanged, again.peakRssMiB);
        statements.unchanged = counter.statements - before;
        if (again.value.changes.unchanged !== staff) throw new Error(`unchanged re-import changed ${staff - again.value.changes.unchanged} people`);

        const changedPath = join(fileDir, `roster-${scale}-changed-${run}.csv`);
        await writeFile(changedPath, rosterCsv(staff, `changed ${run}`));
        before = counter.statements;
        const some = await measured(() => importFile(slug, changedPath));
        changed.push(some.ms);
        peaks.changed = Math.max(peaks.changed, some.peakRssMiB);
        statements.changed = counter.statements - before;
        if (run === 0) summary += `; 1% re-import: ${some.value.changes.updated} people changed`;

        await prisma.$executeRaw`TRUNCATE bench_bare_roster`;
        const started = performance.now();
        await prisma.$executeRawUnsafe(`COPY bench_bare_roster FROM '${path}' WITH (FORMAT csv, HEADER true)`);
        bare.push(performance.now() - started);
      }
      console.log(`${staff} staff: ${summary}; first-load runs ${first.map((value) => value.toFixed(0)).join(', ')} ms; load average ${loadavg()[0]!.toFixed(1)}`);
      const baselineName = 'COPY of the same file into a table of text columns';
      rows.push(
        { bench: 'import roster, first load', scale, samples: first, peakRssMiB: peaks.first, statements: statements.first, baselineName, baseline: bare },
        ...(CLI ? [{ bench: '`trellis import roster` as a child, first load', scale, samples: cli, peakRssMiB: cliPeak, statements: '–', baselineName, baseline: bare }] : []),
        { bench: 'import roster, unchanged re-import', scale, samples: unchanged, peakRssMiB: peaks.unchanged, statements: statements.unchanged, baselineName, baseline: bare },
        { bench: 'import roster, 1% of lines changed', scale, samples: changed, peakRssMiB: peaks.changed, statements: statements.changed, baselineName, baseline: bare },
      );
    }
  });
} finally {
  await rm(fileDir, { recursive: true, force: true });
}
printRows(rows);
console.log(`${RUNS} runs each; peak RSS is the whole bench process while the import ran. Load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
