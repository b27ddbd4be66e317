#!/usr/bin/env node
// `npm run build`: compiles src/ (the generated Prisma client included) to JavaScript in dist/
// with tsconfig.build.json, then copies the files modules read at run time beside them (the
// playground's static page). `NODE_ENV=production npm start` runs the result with plain Node.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const dist = join(root, 'dist');

if (!existsSync(join(root, 'src', 'generated', 'prisma', 'client.ts'))) {
  console.error('build: the Prisma client is not generated yet; run `node scripts/generate-prisma-client.js` (npm ci does) first.');
  process.exit(1);
}
// A fresh dist/ each time (no compiled file outliving its source), keeping the Teams app package
// `npm run teams:package` writes there.
if (existsSync(dist)) {
  for (const entry of readdirSync(dist)) if (!entry.endsWith('.zip')) rmSync(join(dist, entry), { recursive: true, force: true });
}
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

// Files read with `new URL(…, import.meta.url)` that tsc does not emit.
const assets = ['channels/playground/static'];
for (const asset of assets) cpSync(join(root, 'src', asset), join(dist, asset), { recursive: true });
console.log(`build: compiled to ${dist}`);
