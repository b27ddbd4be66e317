#!/usr/bin/env node
// Entry point for `npx trellis …` and `npm start`. With NODE_ENV=production it runs the compiled
// build in dist/ (`npm run build`) on plain Node, so a production install needs neither
// TypeScript nor tsx; otherwise the TypeScript sources run through tsx's loader, so there is no
// build step between a checkout and a running bot. On a Node older than Trellis needs, it first
// runs itself again under Node 24, and for any command but `start` it starts again with a smaller
// young generation (and, for `sweep`, slower old-generation growth) unless the operator chose their
// own (bin/node-launcher.js).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureMemoryFlags, ensureSupportedNode } from './node-launcher.js';

await ensureSupportedNode(fileURLToPath(import.meta.url));
ensureMemoryFlags(fileURLToPath(import.meta.url));
let runCli;
if (process.env.NODE_ENV === 'production') {
  const built = new URL('../dist/cli/main.js', import.meta.url);
  if (!existsSync(built)) {
    console.error('NODE_ENV=production runs the compiled build, and dist/ has none: run `npm run build` first.');
    process.exit(1);
  }
  ({ runCli } = await import(built.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ runCli } = await import('../src/cli/main.ts'));
}
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stop.abort());
process.exitCode = await runCli(process.argv.slice(2), undefined, process.env, undefined, stop.signal);
