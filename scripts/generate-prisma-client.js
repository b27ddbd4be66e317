#!/usr/bin/env node
// Runs `prisma generate` as the package's postinstall, writing the client to src/generated/prisma.
//
// Why a script and not just "prisma generate": the Prisma CLI insists on locating its native
// schema-engine binary, and when it is missing it downloads it from Prisma's CDN, which our
// machines cannot reach. `generate` never runs that engine, so pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing executable (Node itself) satisfies the check.
// A value already set by the caller (a real engine on a connected machine) is respected.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

let prismaCli;
try {
  prismaCli = join(dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
} catch {
  // `npm ci --omit=dev` (a production install): the CLI is a dev dependency, and the client that
  // runs is the one `npm run build` compiled into dist/. Failing postinstall would abort the whole
  // install, so say so in one line and stop.
  console.warn('generate-prisma-client: the prisma CLI is not installed (a production install?); skipped, dist/ carries the compiled client.');
  process.exit(0);
}
if (!existsSync(prismaCli)) {
  console.error(`generate-prisma-client: Prisma CLI not found at ${prismaCli}`);
  process.exit(1);
}

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
// No telemetry or update checks: they would also try the network.
if (!env.CHECKPOINT_DISABLE) env.CHECKPOINT_DISABLE = '1';
if (!env.PRISMA_HIDE_UPDATE_MESSAGE) env.PRISMA_HIDE_UPDATE_MESSAGE = '1';

const result = spawnSync(process.execPath, [prismaCli, 'generate'], { cwd: root, env, stdio: 'inherit' });
if (result.error) {
  console.error(`generate-prisma-client: could not run prisma generate: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
