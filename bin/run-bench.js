#!/usr/bin/env node
// `npm run bench [name…] [-- --scale 1k,10k]`: runs each bench/*.bench.ts (or those whose names
// contain an argument) in turn. Benchmarks print medians, p99s, peak memory, statement counts and
// the bare baseline measured in the same run; they never fail on a slow machine. `--scale` sets
// the staff counts of the benches that scale (BENCH_SCALE).
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench');
const args = process.argv.slice(2);
const scaleAt = args.findIndex((arg) => arg === '--scale' || arg.startsWith('--scale='));
if (scaleAt >= 0) {
  const [, inline] = args[scaleAt].split('=');
  const value = inline ?? args[scaleAt + 1];
  if (value === undefined) {
    console.error('--scale needs sizes, e.g. --scale 1k,10k');
    process.exit(2);
  }
  process.env.BENCH_SCALE = value;
  args.splice(scaleAt, inline === undefined ? 2 : 1);
}
const filters = args;
const benches = readdirSync(benchDir).filter((file) => file.endsWith('.bench.ts'));
// A name that is a bench's whole name picks that bench alone (`sweep` is not also `cli-sweep`);
// any other picks every bench whose name contains it.
const picks = (file, filter) => (benches.includes(`${filter}.bench.ts`) ? file === `${filter}.bench.ts` : file.includes(filter));
const files = benches.filter((file) => filters.length === 0 || filters.some((filter) => picks(file, filter))).sort();
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  await import(pathToFileURL(join(benchDir, file)).href);
}
