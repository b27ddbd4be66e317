#!/usr/bin/env node
// `npm test [-- vitest arguments]`: `vitest run` with any arguments given (`npm test -- test/x.test.ts`),
// under Node 24 from the npm registry when this Node is too old (bin/node-launcher.js).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureSupportedNode } from './node-launcher.js';

await ensureSupportedNode(fileURLToPath(import.meta.url));
const vitestDir = dirname(createRequire(import.meta.url).resolve('vitest/package.json'));
const vitestCli = join(vitestDir, 'vitest.mjs');
// vitest reads its command line from process.argv.
process.argv = [process.argv[0], vitestCli, 'run', ...process.argv.slice(2)];
await import(pathToFileURL(vitestCli).href);
