import { createReadStream, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseTermDates } from '../src/core/calendar/term-dates.ts';
import { getPreset } from '../src/core/policy/presets/index.ts';
import { importRoster } from '../src/core/roster/import-roster.ts';
import { readRosterStream } from '../src/core/roster/roster-table.ts';
import { setSchool } from '../src/core/schools/set-school.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import { PrismaObligationRepository } from '../src/storage/prisma/prisma-obligation-repository.ts';
import { PrismaRosterRepository } from '../src/storage/prisma/prisma-roster-repository.ts';
import { countingClient } from '../test/support/counting-client.ts';
import { type BenchRow, benchScales, measured, printRows, scaleName, withBenchServices } from './bench-support.ts';

/**
 * Streaming imports (issue 16): `trellis import roster` of a generated CSV of each scale
 * (`--scale`, default 10k and 50k staff) into a WHMAT school, as the command line runs it (the
 * file read from disk, parsed, diffed, written, obligations planned and stored):
 * - first load, into a new school each run;
 * - an unchanged re-import of the same file;
 * - a re-import with 1% of the lines changed (a new department each run).
 * Statements are counted at the Prisma client the roster and obligation stores use. The bare
 * baseline, in the same run and database: PostgreSQL's own `COPY` of the same file into a scratch
 * table of text columns (the least any import of these rows can cost).
 */
const SIZES = benchScales([10_000, 50_000]);
const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 3);
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

const fileDir = await mkdtemp(join(tmpdir(), 'trellis-bench-import-'));
// The embedded server reads the file for the COPY baseline as its own user.
await chmod(fileDir, 0o755);
const rows: BenchRow[] = [];
try {
  await withBenchServices(clock, async (services) => {
    const prisma = services.database.prisma;
    const { client, counter } = countingClient(prisma);
    const deps = { schools: services.schools, roster: new PrismaRosterRepository(client), obligations: new PrismaObligationRepository(client), clock };
    /** The command line's path: read the file, then import it. */
    const importFile = async (slug: string, path: string) => {
      const read = await readRosterStream(() => createReadStream(path));
      if (!read.ok) throw new Error(read.fileProblem);
      const result = await importRoster(deps, slug, read.table);
      if (!result.ok) throw new Error(result.fileProblem);
      if (result.problems.length > 0) throw new Error(`bench roster had problems: ${result.problems[0]!.message}`);
      return result;
    };
    await prisma.$executeRawUnsafe(`CREATE TABLE bench_bare_roster (${HEADER.split(',').map((column) => `${column} text`).join(', ')})`);
    for (const staff of SIZES) {
      const scale = scaleName(staff);
      const path = join(fileDir, `roster-${scale}.csv`);
      await writeFile(path, rosterCsv(staff), { mode: 0o644 });
      const first: number[] = [];
      const unchanged: number[] = [];
      const changed: number[] = [];
      const bare: number[] = [];
      const peaks = { first: 0, unchanged: 0, changed: 0 };
      const statements = { first: 0, unchanged: 0, changed: 0 };
      let summary = '';
      for (let run = 0; run < RUNS; run++) {
        const slug = `import-${scale}-${run}`;
        await setSchool(services, { slug, policy: getPreset('whmat')!, policySource: 'preset:whmat', termDates: terms.value });

        let before = counter.statements;
        const loaded = await measured(() => importFile(slug, path));
        first.push(loaded.ms);
        peaks.first = Math.max(peaks.first, loaded.peakRssMiB);
        statements.first = counter.statements - before;
        if (run === 0) summary = `${loaded.value.changes.created} people, ${loaded.value.obligations.created} obligations`;

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
