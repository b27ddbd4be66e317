#!/usr/bin/env node
// `npm run bench [name…]`: runs each bench/*.bench.ts (or those whose names contain an argument)
// in turn. Benchmarks print medians, p99s and sizes; they never fail on a slow machine.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench');
const filters = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  await import(pathToFileURL(join(benchDir, file)).href);
}
