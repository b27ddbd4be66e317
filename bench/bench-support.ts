import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openServices, type Services } from '../src/compose-services.ts';
import type { Clock } from '../src/core/time/clock.ts';

/** Median and 99th percentile of a list of milliseconds. */
export function summarise(samples: readonly number[]): { median: number; p99: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p99: at(0.99), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export function ms(value: number | undefined): string {
  // No samples (a bench run with nothing of that kind, such as slack-turns with BENCH_REPLIES=0): a dash.
  if (value === undefined) return '–';
  return `${value.toFixed(value < 10 ? 2 : 0)} ms`;
}

/**
 * Services over a throwaway database: BENCH_DATABASE_URL when given, otherwise an embedded
 * PostgreSQL in a temporary folder that is removed afterwards.
 */
export async function withBenchServices<T>(clock: Clock, use: (services: Services) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), 'trellis-bench-'));
  // Run as root, the embedded server drops to a `postgres` user, which must be able to enter it.
  await chmod(dataDir, 0o755);
  const services = await openServices({ databaseUrl: process.env.BENCH_DATABASE_URL, dataDir }, clock);
  try {
    return await use(services);
  } finally {
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export function peakMemoryMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * The staff counts asked for with `npm run bench -- --scale 1k,10k` (run-bench passes them in
 * BENCH_SCALE), else `fallback`. "1k" is 1,000, "100k" 100,000; plain numbers are taken as they are.
 */
export function benchScales(fallback: readonly number[]): number[] {
  const given = process.env.BENCH_SCALE;
  if (given === undefined || given.trim() === '') return [...fallback];
  return given.split(',').map((part) => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(k|m)?\s*$/i.exec(part);
    if (match === null) throw new Error(`--scale: "${part}" is not a size such as 1k, 10k or 2500`);
    const unit = match[2]?.toLowerCase() === 'm' ? 1_000_000 : match[2]?.toLowerCase() === 'k' ? 1_000 : 1;
    return Math.round(Number(match[1]) * unit);
  });
}

export function scaleName(staff: number): string {
  return staff % 1000 === 0 ? `${staff / 1000}k` : String(staff);
}

/** Runs `work` while sampling the process's resident memory; returns its time and the peak seen. */
export async function measured<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; peakRssMiB: number }> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  const started = performance.now();
  try {
    const value = await work();
    const elapsed = performance.now() - started;
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, ms: elapsed, peakRssMiB: peak / 1024 / 1024 };
  } finally {
    clearInterval(sampler);
  }
}

/** One line of a bench's table: what Trellis took and the bare baseline measured in the same run. */
export interface BenchRow {
  bench: string;
  scale: string;
  /** Milliseconds per run (or per turn). */
  samples: readonly number[];
  /** Peak resident memory of this process while the measured work ran. */
  peakRssMiB: number;
  /** SQL statements per run (per turn), counted at the Prisma client. */
  statements: number | string;
  baselineName: string;
  baseline: readonly number[];
}

export function printRows(rows: readonly BenchRow[]): void {
  console.log('| bench | scale | median | p99 | peak RSS | statements | bare baseline | baseline median | ratio |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const trellis = summarise(row.samples);
    const bare = summarise(row.baseline);
    const ratio = bare.median > 0 ? `${(trellis.median / bare.median).toFixed(1)}×` : '–';
    console.log(
      `| ${row.bench} | ${row.scale} | ${ms(trellis.median)} | ${ms(trellis.p99)} | ${row.peakRssMiB.toFixed(0)} MiB | ${row.statements} | ${row.baselineName} | ${ms(bare.median)} | ${ratio} |`,
    );
  }
}

/**
 * Counts every query the `pg` driver sends from this process (Prisma's statements, its BEGIN and
 * COMMIT, and anything sent to a pool directly): the round trips to PostgreSQL. Installed once;
 * read the count before and after a window.
 */
export async function countPgRoundTrips(): Promise<{ readonly count: number; readonly texts: Map<string, { count: number; ms: number }> }> {
  const pg = (await import('pg')).default;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown; __benchCounted?: { count: number; texts: Map<string, { count: number; ms: number }> } };
  if (proto.__benchCounted !== undefined) return proto.__benchCounted;
  const counter = { count: 0, texts: new Map<string, { count: number; ms: number }>() };
  const query = proto.query;
  const trace = process.env.BENCH_SQL_TRACE === '1';
  proto.query = function counted(this: unknown, ...args: unknown[]) {
    counter.count++;
    if (trace) {
      const first = args[0];
      const text = typeof first === 'string' ? first : String((first as { text?: unknown } | undefined)?.text ?? '?');
      const key = text.replace(/\s+/g, ' ').slice(0, 90);
      const seen = counter.texts.get(key) ?? { count: 0, ms: 0 };
      counter.texts.set(key, seen);
      seen.count++;
      const started = performance.now();
      const done = () => {
        seen.ms += performance.now() - started;
      };
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function') {
        args[last] = (...results: unknown[]) => {
          done();
          return callback(...results);
        };
        return query.apply(this, args);
      }
      const result = query.apply(this, args);
      if (result instanceof Promise) result.then(done, done);
      return result;
    }
    return query.apply(this, args);
  };
  proto.__benchCounted = counter;
  return counter;
}

/**
 * Node CPU (user + system) spent by this process while `work` ran, in milliseconds; and, when
 * BENCH_CPU_PROFILE names a file, a V8 CPU profile of that window alone (open it in Chrome's
 * DevTools or speedscope).
 */
export async function cpuOf<T>(label: string, work: () => Promise<T>): Promise<{ value: T; cpuMs: number }> {
  const file = process.env.BENCH_CPU_PROFILE;
  const { Session } = await import('node:inspector/promises');
  const session = file ? new Session() : undefined;
  if (session !== undefined) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
  }
  const before = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(before);
  if (session !== undefined && file) {
    const { profile } = await session.post('Profiler.stop');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${file}.${label}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
  return { value, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * CPU used so far, in milliseconds, by the embedded PostgreSQL whose data folder is `pgDataDir`:
 * its postmaster, the backends alive now, and those it has already reaped; with `clients`, only
 * the backends serving connections alive now (the statements' own work, without autovacuum). Read from /proc
 * (Linux); undefined when the server is not found there (an external BENCH_DATABASE_URL).
 */
export async function postgresCpuMs(pgDataDir: string, which: 'all' | 'clients' = 'all'): Promise<number | undefined> {
  const { readdir, readFile } = await import('node:fs/promises');
  const TICKS_PER_SECOND = 100;
  const stats = new Map<number, string[]>();
  /** Backends serving a client connection (`postgres: <user> <database> <host> …`), not autovacuum, the WAL writer or the checkpointer. */
  const clients = new Set<number>();
  let postmaster: number | undefined;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      stats.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' '));
      const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
      if (/^postgres: \S+ \S+ [\d.]+\(\d+\)/.test(args[0] ?? '')) clients.add(pid);
      if (postmaster === undefined) {
        if (args[0]?.endsWith('/postgres') && args[args.indexOf('-D') + 1] === pgDataDir) postmaster = pid;
      }
    } catch (error) {
      // A process that ended while the folder was read is simply not counted.
      if ((error as { code?: string }).code !== 'ENOENT' && (error as { code?: string }).code !== 'ESRCH') throw error;
    }
  }
  if (postmaster === undefined) return undefined;
  const ticks = (fields: string[] | undefined, from: number, to: number) => (fields === undefined ? 0 : fields.slice(from, to + 1).reduce((sum, field) => sum + Number(field), 0));
  // Fields after the name: [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime.
  // `clients`: the backends alive now only (a pool's connections stay open through a bench).
  let total = which === 'all' ? ticks(stats.get(postmaster), 11, 14) : 0;
  for (const [pid, fields] of stats) if (Number(fields[1]) === postmaster && (which === 'all' || clients.has(pid))) total += ticks(fields, 11, 12);
  return (1000 * total) / TICKS_PER_SECOND;
}

/** A child's wall time, its peak RSS from `/usr/bin/time -v` (when the machine has it) and the tail of its stderr. */
export interface TimedChild {
  ms: number;
  peakRssMiB: number | undefined;
  stderr: string;
}

/** GNU time, which prints a child's peak RSS with -v. */
export const TIME = '/usr/bin/time';

/**
 * Runs `command` as a child process, under `/usr/bin/time -v` where it exists, handing each chunk
 * of its stdout to `onStdout`; rejects with what it said if it exits other than 0.
 */
export function runTimedChild(command: readonly string[], env: Record<string, string>, onStdout: (chunk: string) => void, said: () => string): Promise<TimedChild> {
  const [file, ...args] = existsSync(TIME) ? [TIME, '-v', ...command] : command;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file!, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', onStdout);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8_000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const elapsed = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`${command.slice(1).join(' ')} exited ${code}:\n${said()}\n${stderr}`));
        return;
      }
      const kib = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
      resolve({ ms: elapsed, peakRssMiB: kib === undefined ? undefined : Number(kib) / 1024, stderr });
    });
  });
}
