import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openServices, type Services } from '../src/compose-services.ts';
import type { Clock } from '../src/core/time/clock.ts';

/** Median and 99th percentile of a list of milliseconds. */
export function summarise(samples: readonly number[]): { median: number; p99: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p99: at(0.99), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export function ms(value: number): string {
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
