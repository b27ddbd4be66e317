import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseTermDates } from '../src/core/calendar/term-dates.ts';
import { getPreset } from '../src/core/policy/presets/index.ts';
import { sweepSchool } from '../src/core/reminders/run-sweep.ts';
import { setSchool } from '../src/core/schools/set-school.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import type { PrismaClient } from '../src/storage/db/create-prisma-client.ts';
import { PrismaReminderStore } from '../src/storage/prisma/prisma-reminder-store.ts';
import { FakeSlack } from '../test/channels/slack/support/fake-slack.ts';
import { countingClient } from '../test/support/counting-client.ts';
import { generateSchool } from './bench-school.ts';
import { benchScales, measured, ms, runTimedChild, scaleName, summarise, TIME, withBenchServices } from './bench-support.ts';

/**
 * `trellis sweep` from the command line (issue figure: 2,000 → 20,000 staff grew 17×, 497 MB at
 * 20,000): the CLI run as a child process, `node bin/trellis.js sweep --at … --school …`, on the
 * sweep bench's WHMAT-shaped school of each scale (`--scale`, default 2k, 10k and 20k staff) on
 * Thu 15 Oct 2026 16:00, everyone due a self-reflection (004 §4.2): one digest per person. With no
 * chat channel configured, as here, the CLI queues the digests and says so. The child's wall time
 * and peak RSS come from `/usr/bin/time -v` (the largest of it and anything it waited for).
 *
 * The baseline, in the same run and database: the same sweep of the same school in this process
 * (`sweepSchool` through the same reminder store), whose statements are counted at the Prisma
 * client. Between runs the school's outbox, jobs and sweep mark are cleared, so every run is the
 * day's first tick.
 *
 * BENCH_CLI_SWEEP_NODE_OPTIONS is the child's NODE_OPTIONS (e.g. a heap cap); BENCH_CLI_SWEEP_NODE_FLAGS
 * are flags before the script on its node's command line (V8 flags NODE_OPTIONS refuses), several
 * sets separated by `|` taken in turn, one a run (BENCH_CLI_SWEEP_RUNS=6 with three sets runs each
 * twice); BENCH_CLI_SWEEP_BUILT=1
 * runs the compiled build in dist/ (`npm run build` first) as production does, without tsx.
 *
 * BENCH_CLI_SWEEP_DELIVER=1 also gives the child a fake Slack on loopback (every member looked up
 * by e-mail), so it delivers and prints every digest: minutes at 10k, so only when asked.
 */
const SIZES = benchScales([2_000, 10_000, 20_000]);
const RUNS = Number(process.env.BENCH_CLI_SWEEP_RUNS ?? 1);
const DELIVER = process.env.BENCH_CLI_SWEEP_DELIVER === '1';
const AT = '2026-10-15T16:00:00+01:00';
/** Two days later, a Saturday: the same command with nothing to sweep, its fixed cost. */
const IDLE_AT = '2026-10-17T16:00:00+01:00';
/** The workspace the fake Slack's auth.test names. */
const FAKE_SLACK_TEAM = 'T123ABC456';
const trellisBin = fileURLToPath(new URL('../bin/trellis.js', import.meta.url));
const terms = parseTermDates(readFileSync(new URL('../config/terms/england-2026-28.yaml', import.meta.url), 'utf8'), 'england-2026-28.yaml');
if (!terms.ok) throw new Error('bad bench terms');
if (!existsSync(TIME)) console.log(`${TIME} is missing: the child's peak RSS is not measured.`);

interface CliRun {
  ms: number;
  peakRssMiB: number | undefined;
  lastLines: string[];
}

interface Row {
  scale: string;
  cli: number[];
  cliPeak: number;
  fixed: number[];
  fixedPeak: number;
  inProcess: number[];
  inProcessPeak: number;
  statements: number;
  outboxRows: number;
}

const clock = fixedClock(new Date(AT));
const fake = DELIVER ? await FakeSlack.start() : undefined;
const rows: Row[] = [];
try {
  await withBenchServices(clock, async (services) => {
    const prisma = services.database.prisma;
    const { client, counter, driver } = countingClient(prisma);
    const reminders = new PrismaReminderStore(client, driver);
    for (const staff of SIZES) {
      const slug = `cli-sweep-${staff}`;
      const { school } = await setSchool(services, { slug, policy: getPreset('whmat')!, policySource: 'preset:whmat', termDates: terms.value });
      const started = performance.now();
      await generateSchool(prisma, school.id, staff);
      if (fake !== undefined) for (let n = 0; n < staff; n++) fake.addUser({ id: `U${staff}x${n}`, email: `staff${n}@bench.example`, teamId: FAKE_SLACK_TEAM });
      console.log(`${staff} staff: school generated in ${ms(performance.now() - started)}`);
      const row: Row = { scale: scaleName(staff), cli: [], cliPeak: 0, fixed: [], fixedPeak: 0, inProcess: [], inProcessPeak: 0, statements: 0, outboxRows: 0 };
      for (let run = 0; run < RUNS; run++) {
        await clearDay(prisma, school.id);
        const before = counter.statements;
        const swept = await measured(() => sweepSchool({ reminders, clock }, school));
        row.statements = counter.statements - before;
        row.inProcess.push(swept.ms);
        row.inProcessPeak = Math.max(row.inProcessPeak, swept.peakRssMiB);
        row.outboxRows = swept.value.queuedReminders + swept.value.queuedDigests;

        await clearDay(prisma, school.id);
        const variants = (process.env.BENCH_CLI_SWEEP_NODE_FLAGS ?? '').split('|');
        const nodeFlags = variants[run % variants.length]!.trim();
        const cli = await runCliSweep(services.database.url, slug, AT, nodeFlags);
        row.cli.push(cli.ms);
        row.cliPeak = Math.max(row.cliPeak, cli.peakRssMiB ?? 0);
        const saturday = await runCliSweep(services.database.url, slug, IDLE_AT, nodeFlags);
        row.fixed.push(saturday.ms);
        row.fixedPeak = Math.max(row.fixedPeak, saturday.peakRssMiB ?? 0);
        console.log(`  run ${run + 1}: cli on a Saturday ${ms(saturday.ms)}, ${saturday.peakRssMiB?.toFixed(0) ?? '–'} MiB: ${saturday.lastLines.at(-1)}`);
        console.log(`  run ${run + 1} [${nodeFlags || 'no flags'}] (load ${loadavg()[0]!.toFixed(2)}): cli ${ms(cli.ms)}, ${cli.peakRssMiB?.toFixed(0) ?? '–'} MiB; in-process ${ms(swept.ms)}; the CLI said:\n    ${cli.lastLines.join('\n    ')}`);
      }
      rows.push(row);
    }
  });
} finally {
  await fake?.close();
}

console.log(`\n| scale | \`trellis sweep\` (child) median | child peak RSS | same command on a Saturday | its peak RSS | in-process sweep median | in-process statements | ratio to in-process | outbox rows |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const row of rows) {
  const cli = summarise(row.cli).median;
  const inProcess = summarise(row.inProcess).median;
  console.log(`| ${row.scale} | ${ms(cli)} | ${row.cliPeak.toFixed(0)} MiB | ${ms(summarise(row.fixed).median)} | ${row.fixedPeak.toFixed(0)} MiB | ${ms(inProcess)} | ${row.statements} | ${(cli / inProcess).toFixed(1)}× | ${row.outboxRows} |`);
}
if (rows.length > 1) {
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const growth = (samples: number[], base: number[]) => (summarise(samples).median / summarise(base).median).toFixed(1);
  console.log(`${last.scale} / ${first.scale}: \`trellis sweep\` ${growth(last.cli, first.cli)}×, in-process ${growth(last.inProcess, first.inProcess)}×, peak RSS ${(last.cliPeak / first.cliPeak).toFixed(1)}×`);
}
console.log(`The child's time includes starting Node and tsx, opening the database and ${DELIVER ? 'delivering every digest to a fake Slack' : 'saying the digests stay queued (no chat channel)'}; its peak RSS is its own process, the in-process peak this whole bench process.`);

/** The school's day as before its first tick: no outbox rows, jobs or sweep mark. */
async function clearDay(prisma: PrismaClient, schoolId: string): Promise<void> {
  await prisma.$executeRaw`DELETE FROM nudge_outbox o USING people p WHERE p.id = o.recipient_id AND p.school_id = ${schoolId}::uuid`;
  await prisma.$executeRaw`DELETE FROM reminders r USING people p WHERE p.id = r.recipient_id AND p.school_id = ${schoolId}::uuid`;
  await prisma.$executeRaw`DELETE FROM graphile_worker._private_jobs`;
  await prisma.$executeRaw`DELETE FROM sweep_marks WHERE school_id = ${schoolId}::uuid`;
}

/** `trellis sweep` as a child process under /usr/bin/time -v; its own environment has no chat channel unless DELIVER. */
async function runCliSweep(databaseUrl: string, slug: string, at: string, nodeFlags: string): Promise<CliRun> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: databaseUrl, LOG_LEVEL: 'error' };
  if (process.env.BENCH_CLI_SWEEP_NODE_OPTIONS) env.NODE_OPTIONS = process.env.BENCH_CLI_SWEEP_NODE_OPTIONS;
  const flags = nodeFlags.split(' ').filter((flag) => flag !== '');
  if (process.env.BENCH_CLI_SWEEP_BUILT === '1') env.NODE_ENV = 'production';
  if (fake !== undefined) Object.assign(env, { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench-secret', SLACK_API_URL: `${fake.url}/api/` });
  let stdout = '';
  let lines = 0;
  const run = await runTimedChild(
    [process.execPath, ...flags, trellisBin, 'sweep', '--at', at, '--school', slug],
    env,
    (chunk) => {
      // Only the last lines are kept: a delivering sweep prints one line per digest.
      stdout = (stdout + chunk).slice(-4_000);
      lines += chunk.split('\n').length - 1;
    },
    () => stdout,
  );
  // The child's CPU time (user + system, from /usr/bin/time), which the machine's load changes less than the wall clock.
  const cpu = ['User', 'System'].map((kind) => Number(new RegExp(`${kind} time \\(seconds\\): ([\\d.]+)`).exec(run.stderr)?.[1] ?? Number.NaN));
  return { ms: run.ms, peakRssMiB: run.peakRssMiB, lastLines: [`(${lines} lines; CPU user ${cpu[0]} s, system ${cpu[1]} s)`, ...stdout.trim().split('\n').slice(-3)] };
}
