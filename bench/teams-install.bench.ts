import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { INSTALL_CONCURRENCY, installForSchool, teamsInstallerOf } from '../src/channels/teams/proactive-install.ts';
import { startApp } from '../src/compose-app.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { getPreset } from '../src/core/policy/presets/index.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import { silentLogger } from '../src/logging/logger.ts';
import { FakeBotConnector } from '../test/channels/teams/support/fake-bot-connector.ts';
import { FakeGraph } from '../test/channels/teams/support/fake-graph.ts';

/**
 * Teams proactive install figure: `trellis teams install` for a school of STAFF people none of
 * whom has opened Trellis, against a fake Graph and sign-in service on loopback (so the figure is
 * Trellis's own cost per person — the Graph calls' round trips, linking and storing the chat —
 * not Microsoft's latency or throttling). Prints the time per person and the Graph calls made.
 */
const STAFF = Number(process.env.BENCH_STAFF ?? 300);
/** People installed at once (`trellis teams install --concurrency`), and a round trip added to every fake Graph answer. */
const CONCURRENCY = Number(process.env.BENCH_INSTALL_CONCURRENCY ?? INSTALL_CONCURRENCY);
const LATENCY_MS = Number(process.env.BENCH_GRAPH_LATENCY_MS ?? 0);
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CATALOG_APP = 'a1b2c3d4-0000-4000-8000-00000000cafe';

const dataDir = await mkdtemp(join(tmpdir(), 'trellis-bench-'));
await chmod(dataDir, 0o755);
const connector = new FakeBotConnector();
const graph = new FakeGraph();
await Promise.all([connector.start(), graph.start()]);
graph.consented.add(TENANT);
graph.latencyMs = LATENCY_MS;
const env = {
  TRELLIS_DATA_DIR: dataDir,
  DATABASE_URL: process.env.BENCH_DATABASE_URL,
  PORT: '0',
  TEAMS_CLIENT_ID: '00000000-0000-4000-8000-000000000001',
  TEAMS_CLIENT_SECRET: 'bench',
  TEAMS_TENANT_ID: TENANT,
  TEAMS_SKIP_AUTH: 'true',
  TEAMS_ALLOW_LOOPBACK_SERVICE_URL: 'true',
  TEAMS_GRAPH_LOGIN_URL: graph.loginUrl,
  TEAMS_GRAPH_URL: graph.graphUrl,
  TEAMS_SERVICE_URL: connector.url,
};
const app = await startApp(loadConfig(env), fixedClock('2026-10-05T09:00:00Z'), silentLogger, { scheduler: false });
try {
  const prisma = app.services.database.prisma;
  const school = await prisma.school.create({ data: { slug: `bench-${randomUUID().slice(0, 8)}`, name: 'Bench', policy: getPreset('whmat')!, policySource: 'preset:whmat', termDates: {} } });
  await prisma.person.createMany({ data: Array.from({ length: STAFF }, (_, i) => ({ schoolId: school.id, email: `p${i}@bench.example`, fullName: `Person ${i}`, role: 'teacher' })) });
  for (let i = 0; i < STAFF; i++) graph.users.set(`${TENANT}:p${i}@bench.example`, `aad-p${i}`);
  await app.services.teamsTenants.register(school.id, TENANT, CATALOG_APP);
  const installer = teamsInstallerOf(app, app.services.teamsTenants)!;

  const started = performance.now();
  const report = await installForSchool(installer, school.id, { concurrency: CONCURRENCY });
  const seconds = (performance.now() - started) / 1000;
  const installed = report.people.filter((p) => p.outcome.kind === 'installed').length;
  const graphCalls = graph.requests.filter((r) => r.includes('/v1.0/')).length;
  const again = performance.now();
  await installForSchool(installer, school.id, { concurrency: CONCURRENCY });
  const secondRun = (performance.now() - again) / 1000;
  console.log(`teams install: ${STAFF} staff, none reachable at first, ${CONCURRENCY} at once, Graph round trip ${LATENCY_MS} ms, ${app.services.database.embedded ? 'embedded' : 'external'} PostgreSQL, fake Graph on loopback`);
  console.log('| measured | value |');
  console.log('|---|---|');
  console.log(`| installed | ${installed} of ${STAFF} |`);
  console.log(`| whole run | ${seconds.toFixed(2)} s (${((seconds * 1000) / STAFF).toFixed(1)} ms a person) |`);
  console.log(`| Graph calls | ${graphCalls} (${(graphCalls / STAFF).toFixed(1)} a person), ${graph.tokenRequests.length} token request(s) |`);
  console.log(`| second run (everyone reachable, no Graph calls) | ${secondRun.toFixed(2)} s |`);
} finally {
  await app.close();
  await Promise.all([connector.close(), graph.close()]);
  await rm(dataDir, { recursive: true, force: true });
}
