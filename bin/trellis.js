#!/usr/bin/env node
// Entry point for `npx trellis …` and `npm start`. TypeScript sources run through tsx's loader,
// so there is no build step between a checkout and a running bot. On a Node older than Trellis
// needs, it first runs itself again under Node 24 (bin/node-launcher.js).
import { fileURLToPath } from 'node:url';
import { ensureSupportedNode } from './node-launcher.js';

await ensureSupportedNode(fileURLToPath(import.meta.url));
const { register } = await import('tsx/esm/api');
register();
const { runCli } = await import('../src/cli/main.ts');
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stop.abort());
process.exitCode = await runCli(process.argv.slice(2), undefined, process.env, undefined, stop.signal);
