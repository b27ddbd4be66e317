import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NO_SEND_LIMITS, TEAMS_LIMITS } from '../src/channels/teams/send-pacer.ts';
import { startApp } from '../src/compose-app.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { getPreset } from '../src/core/policy/presets/index.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import { silentLogger } from '../src/logging/logger.ts';
import { FakeBotConnector } from '../test/channels/teams/support/fake-bot-connector.ts';
import { installActivity, messageActivity, teamsUser } from '../test/channels/teams/support/teams-activities.ts';
import { ms, summarise } from './bench-support.ts';

/**
 * Teams issue figure: time per turn through the whole stack — an activity POSTed to
 * /api/messages (skip-auth, so JWT validation is not in the figure), identity, the dialog turn
 * in PostgreSQL, the Adaptive Card rendering and the reply POSTed to a loopback Bot Connector —
 * with CONVERSATIONS people typing at once. Two figures: until the HTTP response, and until the
 * connector has the reply.
 *
 * The send pacer runs with NO_SEND_LIMITS: with Teams' real limits (50 sends a second per tenant)
 * fifty people typing at once queue behind the pacer, and the figure was the pacer's (every reply
 * ~999 ms), not Trellis's. Production keeps TEAMS_LIMITS (and so does BENCH_TEAMS_PACED=1). The bare baseline, in the same run, is
 * a plain HTTP server that does one INSERT per activity and POSTs a reply to the same connector.
 */
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 50);
const TURNS_EACH = Number(process.env.BENCH_TURNS_EACH ?? 12);
/** BENCH_TEAMS_PACED=1 keeps Teams' real send limits, to see what the pacer adds. */
const PACED = process.env.BENCH_TEAMS_PACED === '1';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const SCRIPT = ['reflect', ...Array.from({ length: 9 }, (_, i) => [`Doing well on standard ${i + 1}`, 'Try something new']).flat()];

const dataDir = await mkdtemp(join(tmpdir(), 'trellis-bench-'));
await chmod(dataDir, 0o755);
const connector = new FakeBotConnector();
await connector.start();
const env = { TRELLIS_DATA_DIR: dataDir, DATABASE_URL: process.env.BENCH_DATABASE_URL, PORT: '0', TEAMS_CLIENT_ID: '00000000-0000-4000-8000-000000000001', TEAMS_CLIENT_SECRET: 'bench', TEAMS_TENANT_ID: TENANT, TEAMS_SKIP_AUTH: 'true', TEAMS_ALLOW_LOOPBACK_SERVICE_URL: 'true' };
const app = await startApp(loadConfig(env), fixedClock('2026-10-05T09:00:00Z'), silentLogger, { scheduler: false, teamsSendLimits: PACED ? TEAMS_LIMITS : NO_SEND_LIMITS });
try {
  const prisma = app.services.database.prisma;
  const school = await prisma.school.create({ data: { slug: `bench-${randomUUID().slice(0, 8)}`, name: 'Bench', policy: getPreset('whmat')!, policySource: 'preset:whmat', termDates: {} } });
  const users = Array.from({ length: CONVERSATIONS }, (_, i) => teamsUser(`p${i}`));
  for (const [i, user] of users.entries()) {
    const person = await prisma.person.create({ data: { schoolId: school.id, email: `p${i}@bench.example`, fullName: `Person ${i}`, role: 'teacher' } });
    await prisma.cycle.create({ data: { schoolId: school.id, personId: person.id, academicYear: 2026, startsOn: new Date('2026-09-01T00:00:00Z'), endsOn: new Date('2027-08-31T00:00:00Z') } });
    connector.members.set(user.id, `p${i}@bench.example`);
  }
  const post = (activity: unknown) => fetch(`${app.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) }).then((r) => r.text());
  // Installs (identity links and references) happen before the clock starts.
  for (const user of users) await post(installActivity(user, TENANT, connector.url, `install-${user.id}`));

  const waiting = new Map<string, () => void>();
  connector.onSent = (sent) => {
    waiting.get(sent.conversationId)?.();
    waiting.delete(sent.conversationId);
  };
  const toResponse: number[] = [];
  const toReply: number[] = [];
  const started = performance.now();
  await Promise.all(
    users.map(async (user) => {
      for (const text of SCRIPT.slice(0, TURNS_EACH)) {
        const replied = new Promise<number>((resolve) => waiting.set(user.conversationId, () => resolve(performance.now())));
        const t0 = performance.now();
        await post(messageActivity(user, TENANT, connector.url, randomUUID(), text));
        toResponse.push(performance.now() - t0);
        toReply.push((await replied) - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const response = summarise(toResponse);
  const reply = summarise(toReply);
  console.log(`teams turns (${PACED ? "Teams' send limits" : 'send pacer without limits'}): ${toResponse.length} turns, ${CONVERSATIONS} conversations at once, ${(toResponse.length / seconds).toFixed(0)} turns/s, ${app.services.database.embedded ? 'embedded' : 'external'} PostgreSQL`);
  console.log('| measured                         | median | p99 | max |');
  console.log('|----------------------------------|--------|-----|-----|');
  console.log(`| request → HTTP response          | ${ms(response.median)} | ${ms(response.p99)} | ${ms(response.max)} |`);
  console.log(`| request → first reply at connector | ${ms(reply.median)} | ${ms(reply.p99)} | ${ms(reply.max)} |`);
} finally {
  await app.close();
  await connector.close();
  await rm(dataDir, { recursive: true, force: true });
}
